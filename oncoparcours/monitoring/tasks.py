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
