from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

CARE_ROLES = {"clinician", "coordination_nurse", "liberal_nurse", "pharmacist", "efs_staff"}


class TrialsConfig(AppConfig):
    name = "oncoparcours.trials"
    label = "trials"
    verbose_name = _("Clinical trials")

    def ready(self) -> None:
        from oncoparcours.core.navigation import NavItem, register_nav_item
        from oncoparcours.patients.record import register_record_section

        from . import record

        register_nav_item(
            NavItem(
                "trials",
                _("Clinical trials"),
                "trials:list",
                order=40,
                # the network coordinator curates the network's trials (list and import)
                roles=frozenset({*CARE_ROLES, "administrator", "network_coordinator"}),
            )
        )
        register_record_section(
            "trials", record.trials_section, order=6, lazy_title=_("Clinical trials")
        )

        from oncoparcours.core.notifications.services import register_kind
        from oncoparcours.patients.molecular_services import register_molecular_listener

        from . import matching_services

        register_kind(matching_services.KIND)
        register_molecular_listener("trials", matching_services.on_new_results)
