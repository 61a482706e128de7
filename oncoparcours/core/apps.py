from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "oncoparcours.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from .navigation import NavItem, register_nav_item

        register_nav_item(NavItem("home", _("Home"), "core:home", order=0))

        from .scheduling import register_periodic
        from .tasks import prune_login_attempts

        register_periodic(
            "core.prune_login_attempts", interval_seconds=24 * 3600, task=prune_login_attempts
        )
