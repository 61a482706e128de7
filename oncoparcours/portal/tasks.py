"""Background tasks of the portal (enqueued by the worker's periodic scheduler)."""

from __future__ import annotations

from django_tasks import task

from .services import codes_scrub

SCRUB_INTERVAL_SECONDS = 60


@task()
def scrub_login_codes() -> int:
    return codes_scrub()


REMINDERS_INTERVAL_SECONDS = 600


@task()
def send_reminders() -> int:
    """Create the reminders due (questionnaire due or missed, appointment tomorrow), once each."""
    from .reminders import reminders_send

    return reminders_send().created


LATE_ANSWERS_INTERVAL_SECONDS = 600


@task()
def escalate_late_answers() -> int:
    """Tell the care team's lead, once, of each message still unanswered past its date."""
    from .services import late_answers_escalate

    return late_answers_escalate()


URGENT_ONCALL_INTERVAL_SECONDS = 300


@task()
def escalate_urgent_messages() -> int:
    """Pass urgent messages still unanswered (2 working hours, at once outside working hours)
    to the centre's on-call physician and the care team's lead, once each."""
    from .services import urgent_messages_escalate

    return urgent_messages_escalate()
