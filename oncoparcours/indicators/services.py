"""Refreshing the indicators' extract (scheduled, and on demand)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import timezone

from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction, User

from .extract import EVENTS, KEY_FILE, key_fingerprint, write_extract
from .models import ExtractRun


def extract_directory() -> Path:
    return Path(settings.DATA_DIR) / "indicators"


def extract_refresh(*, actor: User | None, incremental: bool = False) -> ExtractRun:
    """Rebuild the extract from the application's data (set-based reads, pseudonymised);
    ``incremental``: re-read only the patients whose data changed since the last run."""
    run = ExtractRun.objects.create(requested_by=actor)
    try:
        written = write_extract(extract_directory(), incremental=incremental)
    except Exception as error:
        run.error = str(error)[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["error", "finished_at"])
        raise
    run.events, run.seconds, run.finished_at = written.rows, written.seconds, timezone.now()
    run.save(update_fields=["events", "seconds", "finished_at"])
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=run,
        details={"what": "indicators extract", "events": written.rows},
    )
    return run


def latest_run() -> ExtractRun | None:
    return ExtractRun.objects.filter(finished_at__isnull=False, error="").first()


def extract_ready() -> bool:
    """The extract exists and its pseudonyms were made with the current key (otherwise the
    exports could not leave out the patients who object: recompute it)."""
    directory = extract_directory()
    if not all((directory / f"{t}.parquet").exists() for t in ("organisations", "boards")):
        return False
    if not any((directory / EVENTS).glob("*/*.parquet")):
        return False
    stamp = directory / KEY_FILE
    return stamp.exists() and stamp.read_text(encoding="utf-8").strip() == key_fingerprint()
