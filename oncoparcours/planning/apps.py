from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "oncoparcours.planning"
    label = "planning"
    verbose_name = _("Planning")

    def ready(self) -> None:
        from oncoparcours.core.navigation import NavItem, register_home_panel, register_nav_item

        from . import home

        register_nav_item(
            NavItem(
                "tours",
                _("Nurse tours"),
                "planning:day",
                order=26,
                roles=frozenset({"coordination_nurse", "liberal_nurse", "administrator"}),
            )
        )
        register_nav_item(
            NavItem(
                "chairs",
                _("Chairs and machines"),
                "planning:chairs",
                order=27,
                roles=frozenset(
                    {"coordination_nurse", "efs_staff", "centre_manager", "administrator"}
                ),
            )
        )
        register_home_panel(
            "planning.my_tour", home.my_tour_panel, order=1, roles=["liberal_nurse"]
        )
