from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    """The FHIR R4 / mCODE interface. It reads the domain apps (like indicators) and turns
    their rows into FHIR resources; the domain never imports it."""

    name = "oncoparcours.interop"
    label = "interop"
    verbose_name = _("Interoperability (FHIR)")

    def ready(self) -> None:
        from oauth2_provider.signals import app_authorized

        from oncoparcours.core.scheduling import register_periodic

        from . import tasks
        from .oauth import audit_token_issued

        app_authorized.connect(audit_token_issued, dispatch_uid="interop-token-audit")
        register_periodic(
            "interop.expire_bulk_exports",
            interval_seconds=tasks.EXPIRE_INTERVAL_SECONDS,
            task=tasks.expire_bulk_exports,
        )
