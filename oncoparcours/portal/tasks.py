"""Background tasks of the portal (enqueued by the worker's periodic scheduler)."""

from __future__ import annotations

from django_tasks import task

from .services import codes_scrub

SCRUB_INTERVAL_SECONDS = 60


@task()
def scrub_login_codes() -> int:
    return codes_scrub()
