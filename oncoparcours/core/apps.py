from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "oncoparcours.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from .model_names import apply_model_names

        apply_model_names()
        from .navigation import NavItem, register_nav_item

        register_nav_item(NavItem("home", _("Home"), "core:home", order=0))
        register_nav_item(
            NavItem("notifications", _("Notifications"), "core:notifications", order=95)
        )

        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from .context_processors import remember_civility

        user_logged_in.connect(remember_civility, dispatch_uid="remember_civility")

        from .db import ensure_append_only_triggers

        post_migrate.connect(ensure_append_only_triggers, dispatch_uid="append_only_triggers")

        from .anchors import register_ledger
        from .audit_chain import audit_compare, audit_head
        from .scheduling import register_periodic
        from .tasks import dispatch_notifications, ledger_checkpoint, prune_login_attempts

        register_periodic(
            "core.prune_login_attempts", interval_seconds=24 * 3600, task=prune_login_attempts
        )
        register_ledger("audit", heads=audit_head, compare=audit_compare)
        register_periodic("core.ledger_checkpoint", interval_seconds=300, task=ledger_checkpoint)
        register_periodic(
            "core.dispatch_notifications", interval_seconds=10, task=dispatch_notifications
        )
