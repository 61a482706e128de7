from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_templates(sender, **kwargs) -> None:
    from .loader import load_templates

    load_templates()


class PathwaysConfig(AppConfig):
    name = "oncoparcours.pathways"
    label = "pathways"
    verbose_name = _("Care pathways")

    def ready(self) -> None:
        from oncoparcours.core.navigation import NavItem, register_home_panel, register_nav_item
        from oncoparcours.patients.timeline import register_timeline_provider

        from . import criteria, home, timeline_providers  # noqa: F401 (registers the checks)

        care_roles = {"clinician", "coordination_nurse", "liberal_nurse", "pharmacist", "efs_staff"}
        register_nav_item(
            NavItem(
                "worklist",
                _("My activities"),
                "pathways:worklist",
                order=20,
                roles=frozenset(care_roles),
            )
        )
        register_nav_item(
            NavItem(
                "programmes",
                _("Programmes"),
                "pathways:programmes",
                order=30,
                roles=frozenset(care_roles | {"centre_manager", "network_coordinator"}),
            )
        )
        register_home_panel(
            "pathways.week",
            home.week_panel,
            order=15,
            roles=care_roles,
            lazy_title=_("My activities this week"),
        )
        register_timeline_provider("pathways", timeline_providers.pathway_events)
        from oncoparcours.patients.record import register_record_section

        from .record import pathways_section

        register_record_section("pathways", pathways_section, order=10)
        post_migrate.connect(_load_templates, sender=self)
