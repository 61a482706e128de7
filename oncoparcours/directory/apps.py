from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_referential(sender, **kwargs) -> None:
    from .services import referential_sync

    referential_sync()


class DirectoryConfig(AppConfig):
    name = "oncoparcours.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from oncoparcours.core.navigation import NavItem, register_home_panel, register_nav_item

        from . import home

        register_nav_item(NavItem("directory", _("Directory"), "directory:organisations", order=50))
        register_home_panel("directory.expiries", home.expiries_panel, order=80)
        register_home_panel(
            "directory.my_organisations",
            home.my_organisations_panel,
            order=20,
            roles={"centre_manager"},
        )
        register_home_panel(
            "directory.networks",
            home.networks_panel,
            order=90,
            roles={"network_coordinator", "ars_evaluator", "administrator"},
        )
        post_migrate.connect(_sync_referential, sender=self)
