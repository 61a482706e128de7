"""Periodic jobs enqueued by the worker's scheduler loop, at most once per time slot."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

from .models import PeriodicRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    interval_seconds: int
    task: Any  # a django_tasks Task


_jobs: dict[str, PeriodicJob] = {}


def register_periodic(name: str, *, interval_seconds: int, task: Any) -> None:
    _jobs[name] = PeriodicJob(name, interval_seconds, task)


def registered_jobs() -> list[PeriodicJob]:
    return list(_jobs.values())


def enqueue_due_jobs(now: float | None = None) -> list[str]:
    """Enqueue each job whose current slot has not been enqueued yet. Safe to call from several
    processes at once: the (job, slot) unique constraint elects one."""
    now = time.time() if now is None else now
    enqueued = []
    for job in _jobs.values():
        slot = int(now // job.interval_seconds)
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(job=job.name, slot=slot, enqueued_at=timezone.now())
                job.task.enqueue()
        except IntegrityError:
            continue
        enqueued.append(job.name)
    return enqueued


def start_scheduler_thread(*, tick_seconds: float = 5.0) -> threading.Event:
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                enqueue_due_jobs()
            except Exception:  # keep the scheduler alive; the next tick retries
                logger.exception("periodic scheduler tick failed")
            finally:
                close_old_connections()
            stop.wait(tick_seconds)

    threading.Thread(target=loop, name="oncoparcours-scheduler", daemon=True).start()
    return stop
