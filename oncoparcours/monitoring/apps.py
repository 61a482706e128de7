from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

CARE_ROLES = {"clinician", "coordination_nurse", "liberal_nurse", "pharmacist", "efs_staff"}


def _bootstrap_rule_sets(sender: object, **kwargs: object) -> None:
    from .services.rulesets import bootstrap_platform_default

    bootstrap_platform_default()


class MonitoringConfig(AppConfig):
    name = "oncoparcours.monitoring"
    label = "monitoring"
    verbose_name = _("Home follow-up")

    def ready(self) -> None:
        from oncoparcours.core.navigation import NavItem, register_home_panel, register_nav_item
        from oncoparcours.core.notifications.services import register_kind
        from oncoparcours.core.scheduling import register_periodic
        from oncoparcours.pathways.criteria import register_adverse_event_source
        from oncoparcours.pathways.worklist_sections import register_worklist_section
        from oncoparcours.patients.record import register_record_section
        from oncoparcours.patients.timeline import register_timeline_provider

        from . import home, record, tasks, timeline_providers
        from .services.proms import WORRYING_KIND

        register_kind(WORRYING_KIND)

        register_nav_item(
            NavItem(
                "alerts", _("Alerts"), "monitoring:inbox", order=15, roles=frozenset(CARE_ROLES)
            )
        )
        register_nav_item(
            NavItem(
                "rule_sets",
                _("Triage rules"),
                "monitoring:rule_sets",
                order=60,
                roles=frozenset({"clinician", "administrator"}),
            )
        )
        register_home_panel("monitoring.alerts", home.alerts_panel, order=1, roles=CARE_ROLES)
        register_worklist_section("monitoring.alerts", home.worklist_alerts, order=1)
        register_record_section("monitoring", record.follow_up_section, order=5)
        register_timeline_provider("monitoring", timeline_providers.reports_and_alerts)
        register_adverse_event_source("monitoring", record.adverse_event_facts)
        register_periodic(
            "monitoring.escalate_alerts",
            interval_seconds=tasks.ESCALATION_INTERVAL_SECONDS,
            task=tasks.escalate_alerts,
        )
        register_periodic(
            "monitoring.missing_reports",
            interval_seconds=24 * 3600,
            task=tasks.missing_report_reminders,
        )
        register_periodic(
            "monitoring.prom_schedule",
            interval_seconds=tasks.PROM_SCHEDULE_INTERVAL_SECONDS,
            task=tasks.prom_schedule,
        )
        register_periodic(
            "monitoring.open_alerts_check",
            interval_seconds=tasks.OPEN_ALERTS_CHECK_INTERVAL_SECONDS,
            task=tasks.open_alerts_check,
        )
        post_migrate.connect(_bootstrap_rule_sets, sender=self)
        from .open_alert_index import ensure_open_alert_triggers

        post_migrate.connect(ensure_open_alert_triggers, sender=self)
