from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Patients' rights over their data (GDPR): the access export. It reads every domain app,
    so it sits with indicators above them; nothing imports it."""

    name = "oncoparcours.privacy"
    label = "privacy"
    verbose_name = _("Patients' rights")

    def ready(self) -> None:
        from oncoparcours.patients.record import register_record_section

        from . import record

        register_record_section("privacy", record.rights_section, order=90)
