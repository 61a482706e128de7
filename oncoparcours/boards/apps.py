from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardsConfig(AppConfig):
    name = "oncoparcours.boards"
    label = "boards"
    verbose_name = _("Tumour boards (RCP)")

    def ready(self) -> None:
        from oncoparcours.core.navigation import NavItem, register_home_panel, register_nav_item
        from oncoparcours.patients.record import register_record_section
        from oncoparcours.patients.timeline import register_timeline_provider

        from . import home, record

        register_nav_item(NavItem("boards", _("Tumour boards"), "boards:boards", order=20))
        register_home_panel(
            "boards.my_cases",
            home.my_cases_panel,
            order=3,
            roles=["clinician"],
            lazy_title=_("My tumour board cases"),
        )
        register_home_panel(
            "boards.secretary", home.secretary_panel, order=2, roles=["board_secretary"]
        )
        register_record_section(
            "boards", record.boards_section, order=3, lazy_title=_("Tumour boards (RCP)")
        )
        register_timeline_provider("boards", record.timeline_events)

        from oncoparcours.core.notifications.services import register_kind

        from .services.letters import KIND

        register_kind(KIND)
