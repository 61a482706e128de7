from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

CARE_ROLES = {"clinician", "coordination_nurse", "liberal_nurse", "pharmacist", "efs_staff"}


class PatientsConfig(AppConfig):
    name = "oncoparcours.patients"
    label = "patients"
    verbose_name = _("Patients")

    def ready(self) -> None:
        from oncoparcours.core.navigation import NavItem, register_home_panel, register_nav_item

        from . import home, molecular_views, timeline_providers, treatment_views
        from .record import register_record_section
        from .timeline import register_timeline_provider

        register_nav_item(
            NavItem(
                "patients", _("Patients"), "patients:list", order=10, roles=frozenset(CARE_ROLES)
            )
        )
        register_home_panel(
            "patients.mine",
            home.my_patients_panel,
            order=10,
            roles=CARE_ROLES,
            lazy_title=_("My patients"),
        )
        register_home_panel(
            "patients.break_glass", home.break_glass_panel, order=5, roles=CARE_ROLES
        )
        register_timeline_provider("patients.diagnoses", timeline_providers.diagnoses)
        register_timeline_provider("patients.care_team", timeline_providers.care_team)
        register_timeline_provider("patients.consents", timeline_providers.consents)
        register_timeline_provider("patients.performance", timeline_providers.performance)
        register_timeline_provider("patients.treatments", timeline_providers.treatments)
        register_record_section("patients.treatments", treatment_views.treatments_section, order=2)
        register_record_section("patients.molecular", molecular_views.molecular_section, order=3)
