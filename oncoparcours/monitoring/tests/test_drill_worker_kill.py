"""Fault drill (issue 13): the background worker is killed with SIGKILL in the middle of an
escalation run, then restarted. Every overdue alert is escalated exactly once: nothing escalated
twice (the row lock and the unique escalation step), nothing lost (each escalation is its own
transaction, so the killed one rolls back and the next run takes it)."""

from __future__ import annotations

import datetime as dt
import signal
import uuid

import pytest
from django.utils import timezone

from oncoparcours.core.models import AuditEvent
from oncoparcours.monitoring import services
from oncoparcours.monitoring.models import Alert, AlertEvent, AlertRecipient
from oncoparcours.monitoring.services.alerts import open_alerts_past_deadline
from oncoparcours.monitoring.tasks import escalate_alerts
from oncoparcours.testing.drills import oncoparcours, shared_database, wait_until

pytestmark = pytest.mark.drill

ALERTS = 120


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_escalation_escalates_every_alert_exactly_once(patient, tmp_path):
    yesterday = timezone.now() - dt.timedelta(days=1)
    for _ in range(ALERTS):
        services.report_submit(
            patient=patient,
            source="patient",
            observations={"dyspnea": "life_threatening"},
            submission_key=uuid.uuid4(),
            treatments=("immune_checkpoint_inhibitor",),
            submitted_at=yesterday,
        )
    assert open_alerts_past_deadline(timezone.now()).count() == ALERTS
    escalate_alerts.enqueue()  # the run that will be killed
    escalate_alerts.enqueue()  # the next periodic run, taken after the restart
    database = shared_database(tmp_path)
    escalated = f"SELECT count(*) FROM {AlertEvent._meta.db_table} WHERE kind = 'escalated'"
    log = tmp_path / "worker.log"
    args = ("worker", "--no-scheduler", "--no-startup-delay", "--interval", "0.1")

    worker = oncoparcours(*args, env=database.env, log=log)
    try:
        started = wait_until(lambda: database.count(escalated) >= 10, timeout=30)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        worker.kill()
    assert started, log.read_text()
    killed_at = database.count(escalated)
    assert 0 < killed_at < ALERTS, "the kill must land mid-way through the run"

    worker = oncoparcours(*args, env=database.env, log=log)
    try:
        done = wait_until(lambda: database.count(escalated) >= ALERTS, timeout=60)
    finally:
        worker.terminate()
        worker.wait(timeout=10)
    assert done, log.read_text()
    database.sync_back()

    assert Alert.objects.count() == ALERTS
    events = AlertEvent.objects.filter(kind="escalated")
    assert events.count() == ALERTS
    assert events.filter(step=1).values("alert").distinct().count() == ALERTS
    assert open_alerts_past_deadline(timezone.now()).count() == 0
    # One recipient row per professional and step, and one audit event per escalation.
    assert (
        AlertRecipient.objects.filter(step=1).count()
        == AlertRecipient.objects.filter(step=1).values("alert", "professional").distinct().count()
    )
    assert AuditEvent.objects.filter(details__escalated=1).count() == ALERTS
