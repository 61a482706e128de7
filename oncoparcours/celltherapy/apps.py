from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

ICU_SESSION_FLAG = "icu_staff"


def remember_icu_staff(sender: object, request: object, user: object, **kwargs: object) -> None:
    """On login, whether the user answers intensive-care bed reservations (menu entry)."""
    from .services.icu_beds import is_icu_staff

    session = getattr(request, "session", None)
    if session is not None:
        session[ICU_SESSION_FLAG] = is_icu_staff(user)  # type: ignore[arg-type]


class CellTherapyConfig(AppConfig):
    name = "oncoparcours.celltherapy"
    label = "celltherapy"
    verbose_name = _("Cell therapy and apheresis")

    def ready(self) -> None:
        from oncoparcours.core.navigation import NavItem, register_home_panel, register_nav_item
        from oncoparcours.patients.record import register_record_section
        from oncoparcours.patients.timeline import register_timeline_provider

        from . import home, record, timeline

        register_nav_item(
            NavItem(
                "celltherapy",
                _("Cell therapy"),
                "celltherapy:orders",
                order=30,
                roles=frozenset(
                    {"clinician", "coordination_nurse", "pharmacist", "efs_staff", "administrator"}
                ),
            )
        )
        # EFS staff: their day grid in the menu, today's sessions on their home page.
        register_nav_item(
            NavItem(
                "efs_day",
                _("EFS day"),
                "celltherapy:efs_day",
                order=31,
                roles=frozenset({"efs_staff"}),
            )
        )
        # Intensive-care staff (physicians of an ICU unit's staff): the bed reservations page.
        register_nav_item(
            NavItem(
                "icu_beds",
                _("Intensive-care beds"),
                "celltherapy:icu_beds",
                order=32,
                roles=frozenset({"clinician", "coordination_nurse", "administrator"}),
                session_flag=ICU_SESSION_FLAG,
            )
        )
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(remember_icu_staff, dispatch_uid="celltherapy.icu_staff")
        from oncoparcours.core.notifications.services import register_kind

        from .services.icu_beds import RELEASE_KIND

        register_kind(RELEASE_KIND)
        register_home_panel(
            "celltherapy.efs_today", home.efs_today_panel, order=1, roles=["efs_staff"]
        )
        register_home_panel(
            "celltherapy.excursions",
            home.excursions_panel,
            order=2,
            roles=["pharmacist"],
        )
        register_record_section("celltherapy", record.orders_section, order=4)
        from oncoparcours.pathways.parameter_checks import register_parameter_check

        from .services import pathway_sync

        # The CAR-T pathway's stay near the centre and driving ban: the label is their floor.
        register_parameter_check(pathway_sync.CAR_T_TEMPLATE, pathway_sync.period_messages)
        register_timeline_provider("celltherapy", timeline.car_t_events)
        from oncoparcours.core.anchors import register_ledger

        from .services.custody import custody_compare, custody_heads

        register_ledger("custody", heads=custody_heads, compare=custody_compare)
        from oncoparcours.planning.hooks import register_chair_plan_published

        from .services.machine_plan import bookings_follow_plan

        # A published machine plan of an EFS care centre places its bookings (planning, floor 4,
        # never imports cell therapy: it calls this receiver).
        register_chair_plan_published("celltherapy.efs_bookings", bookings_follow_plan)
