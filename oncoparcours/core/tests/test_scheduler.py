import pytest
from django_tasks_db.models import DBTaskResult

from oncoparcours.core.models import LoginAttempt, PeriodicRun
from oncoparcours.core.scheduling import enqueue_due_jobs
from oncoparcours.core.tasks import prune_login_attempts


@pytest.mark.django_db
def test_a_periodic_slot_is_enqueued_once_even_when_two_workers_tick():
    first = enqueue_due_jobs(now=1_000_000.0)
    second = enqueue_due_jobs(now=1_000_001.0)  # another worker, same daily slot
    assert "core.prune_login_attempts" in first
    assert "core.prune_login_attempts" not in second
    assert PeriodicRun.objects.filter(job="core.prune_login_attempts").count() == 1
    assert DBTaskResult.objects.filter(task_path__endswith="prune_login_attempts").count() == 1
    assert "core.prune_login_attempts" in enqueue_due_jobs(now=1_000_000.0 + 86_400)


@pytest.mark.django_db
def test_prune_login_attempts_keeps_recent_ones():
    import datetime as dt

    from django.utils import timezone

    LoginAttempt.objects.create(username="a", at=timezone.now() - dt.timedelta(days=91))
    LoginAttempt.objects.create(username="b", at=timezone.now() - dt.timedelta(days=1))
    assert prune_login_attempts.call() == 1
    assert list(LoginAttempt.objects.values_list("username", flat=True)) == ["b"]
