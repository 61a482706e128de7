"""Two escalation workers running at the same moment on PostgreSQL (row locks with SKIP LOCKED
and the unique escalation step): every overdue alert escalates exactly once."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, connections

from oncoparcours.monitoring import services
from oncoparcours.monitoring.models import AlertEvent

from .conftest import later

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs real concurrent transactions (PostgreSQL)"
)


@pytest.mark.django_db(transaction=True)
def test_two_workers_escalate_each_overdue_alert_exactly_once(patient):
    for _ in range(30):
        services.report_submit(
            patient=patient,
            source="patient",
            observations={"dyspnea": "life_threatening"},
            submission_key=uuid.uuid4(),
            treatments=("immune_checkpoint_inhibitor",),
        )
    when = later(1)
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def worker() -> None:
        try:
            barrier.wait()
            counts.append(services.escalate_overdue_alerts(now=when))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 30
    assert AlertEvent.objects.filter(kind="escalated").count() == 30
    assert AlertEvent.objects.filter(kind="escalated", step=1).count() == 30
