from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "oncoparcours.planning"
    label = "planning"
    verbose_name = _("Planning")

    def ready(self) -> None:
        from oncoparcours.core.navigation import NavItem, register_nav_item

        register_nav_item(
            NavItem(
                "tours",
                _("Nurse tours"),
                "planning:day",
                order=26,
                roles=frozenset({"coordination_nurse", "liberal_nurse", "administrator"}),
            )
        )
