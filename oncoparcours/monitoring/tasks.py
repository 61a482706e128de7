"""Background tasks run by `oncoparcours worker` (enqueued by its periodic scheduler)."""

from __future__ import annotations

from django_tasks import task

from .services import escalate_overdue_alerts, remind_missing_reports

ESCALATION_INTERVAL_SECONDS = 60


@task()
def escalate_alerts() -> int:
    return escalate_overdue_alerts()


@task()
def missing_report_reminders() -> int:
    return remind_missing_reports()


PROM_SCHEDULE_INTERVAL_SECONDS = 3600


@task()
def prom_schedule() -> int:
    """Create the PROM questionnaires fallen due and close the missed ones."""
    from .services.proms import proms_schedule

    result = proms_schedule()
    return result.created + result.missed


OPEN_ALERTS_CHECK_INTERVAL_SECONDS = 300


@task()
def open_alerts_check() -> int:
    """Compare the open alerts' index with the events and repair it (returns rows fixed)."""
    from .services.open_alerts import open_alert_index_repair

    difference = open_alert_index_repair()
    return len(difference.missing) + len(difference.stale)
