from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

CARE_ROLES = {"clinician", "coordination_nurse", "liberal_nurse", "pharmacist"}


class PortalConfig(AppConfig):
    name = "oncoparcours.portal"
    label = "portal"
    verbose_name = _("Patient portal")

    def ready(self) -> None:
        from oncoparcours.core.navigation import NavItem, register_home_panel, register_nav_item
        from oncoparcours.core.notifications.services import register_kind
        from oncoparcours.core.scheduling import register_periodic
        from oncoparcours.monitoring.comment_checks import register_comment_scanner
        from oncoparcours.patients.record import register_record_section

        from . import config, home, record, reminders, services, tasks

        register_comment_scanner(
            config.comment_warning_signs, config.alarming_categories, config.team_away
        )

        for kind in (*services.KINDS, *reminders.KINDS):
            register_kind(kind)
        register_nav_item(
            NavItem(
                "portal_messages",
                _("Secure messages"),  # not "…patients": menu links are found by name
                "portal:staff_inbox",
                order=16,
                roles=frozenset(CARE_ROLES),
            )
        )
        register_record_section(
            "portal",
            record.portal_section,
            order=6,
            lazy_title=_("Patient portal and messages"),
        )
        register_home_panel("portal.messages", home.messages_panel, order=2, roles=CARE_ROLES)
        register_periodic(
            "portal.scrub_login_codes",
            interval_seconds=tasks.SCRUB_INTERVAL_SECONDS,
            task=tasks.scrub_login_codes,
        )
        register_periodic(
            "portal.send_reminders",
            interval_seconds=tasks.REMINDERS_INTERVAL_SECONDS,
            task=tasks.send_reminders,
        )
        register_periodic(
            "portal.escalate_late_answers",
            interval_seconds=tasks.LATE_ANSWERS_INTERVAL_SECONDS,
            task=tasks.escalate_late_answers,
        )
        register_periodic(
            "portal.escalate_urgent_messages",
            interval_seconds=tasks.URGENT_ONCALL_INTERVAL_SECONDS,
            task=tasks.escalate_urgent_messages,
        )
