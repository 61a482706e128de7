"""Scheduled recomputation of the indicators' extract (run by `oncoparcours worker`)."""

from __future__ import annotations

from django_tasks import task

from .services import extract_refresh

REFRESH_INTERVAL_SECONDS = 6 * 3600


@task()
def refresh_extract() -> int:
    return extract_refresh(actor=None).events
