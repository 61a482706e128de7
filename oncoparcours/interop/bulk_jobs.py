"""Asynchronous bulk export (FHIR Bulk Data Access: kick-off, status, files, delete).

A registered system asks ``GET /fhir/$export`` with ``Prefer: respond-async``: a job is queued
(``bulk_job_request``) and run by ``oncoparcours worker`` (``bulk_job_run``), which writes one
NDJSON file per resource type with the same lines as the synchronous stream (the same
``export_lines``: pseudonymised, objecting patients left out, every exported patient audited as
it is read). The client polls the job, downloads its files with its token, and deletes them, or
they expire after ``BULK_EXPORT_RETENTION_HOURS``. Only the client that asked sees the job."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction
from oncoparcours.patients.consent import oppositions_recorded_since

from .bulk_export import TYPES, export_lines, exported_patients
from .models import ApiClient, BulkExportJob
from .readers import Reader
from .rules.bulk_jobs import IN_PROGRESS, check_transition

logger = logging.getLogger(__name__)
Status = BulkExportJob.Status
LINE_START = b'{"resourceType":"'


class ExportCancelled(Exception):
    """The client deleted the job while it ran."""


class ClientDeactivated(Exception):
    """The system was deactivated while its export ran: nothing more is written for it."""


class ExportInProgress(Exception):
    """The system already has an export queued or running (one at a time)."""

    def __init__(self, job: BulkExportJob) -> None:
        super().__init__(f"an export is already {job.status}")
        self.job = job


# A running job whose progress has not moved for this long has lost its worker (killed,
# redeployed): it is failed and its partial files removed.
STALE_AFTER = dt.timedelta(minutes=30)


def export_directory(job: BulkExportJob) -> Path:
    return Path(settings.BULK_EXPORT_DIR) / str(job.pk)


def output_path(job: BulkExportJob, resource_type: str) -> Path:
    return export_directory(job) / f"{resource_type}.ndjson"


def _audit(job: BulkExportJob, what: str, **details: Any) -> None:
    audit_record(
        actor=None,
        actor_label=job.client.actor_label,
        action=AuditAction.EXPORT,
        obj=job,
        details={"what": what, "purpose": job.purpose, "job": str(job.pk), **details},
    )


def _move(job: BulkExportJob, status: str, **fields: Any) -> None:
    check_transition(job.status, status)
    job.status = status
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "updated_at", *fields])


@transaction.atomic
def bulk_job_request(
    *, reader: Reader, purpose: str, types: set[str], request_url: str
) -> BulkExportJob:
    """Queue an export of ``types`` for ``purpose`` by the reader's system; the worker runs it
    once this transaction commits."""
    from .tasks import run_bulk_export

    assert reader.client is not None, "bulk export jobs are for registered systems"
    busy = (
        BulkExportJob.objects.select_for_update()
        .filter(client=reader.client, status__in=IN_PROGRESS)
        .first()
    )
    if busy is not None:
        raise ExportInProgress(busy)
    job = BulkExportJob.objects.create(
        client=reader.client,
        purpose=purpose,
        types=[name for name in TYPES if name in types],
        request_url=request_url[:2000],
    )
    _audit(job, "FHIR $export requested", types=job.types)
    transaction.on_commit(lambda: run_bulk_export.enqueue(str(job.pk)))
    return job


def _start(job_id: str) -> BulkExportJob | None:
    with transaction.atomic():
        job = BulkExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != Status.QUEUED:
            return None  # cancelled before it started, or already taken
        if not job.client.active:  # deactivated since it asked: nothing is read for it
            _move(job, Status.RUNNING)
            _move(job, Status.FAILED, finished_at=timezone.now(), error="client deactivated")
            return None
        reader = Reader(client=job.client)
        total = exported_patients(reader, job.purpose).count()
        _move(job, Status.RUNNING, transaction_time=timezone.now(), patients_total=total)
    return job


def bulk_job_run(job_id: str) -> str:
    """Run a queued job: its files written, then completed; on an error the partial files are
    removed and the job is failed; a job cancelled meanwhile stops at the next chunk."""
    job = _start(job_id)
    if job is None:
        return "not queued"
    directory = export_directory(job)
    try:
        outputs = _write_files(job, directory)
    except ExportCancelled:
        shutil.rmtree(directory, ignore_errors=True)
        return Status.CANCELLED
    except Exception as error:
        shutil.rmtree(directory, ignore_errors=True)
        with transaction.atomic():
            job = BulkExportJob.objects.select_for_update().get(pk=job.pk)
            if job.status != Status.RUNNING:  # cancelled: its files went while it wrote
                return job.status
            if isinstance(error, ClientDeactivated):
                reason = "client deactivated"
            else:
                # The detail stays in the server's log; the client is told the job failed.
                logger.exception("bulk export %s failed", job.pk)
                reason = f"internal error ({type(error).__name__})"
            _move(job, Status.FAILED, finished_at=timezone.now(), error=reason)
        return Status.FAILED
    with transaction.atomic():
        job = BulkExportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != Status.RUNNING:  # cancelled after the last chunk
            shutil.rmtree(directory, ignore_errors=True)
            return job.status
        if not ApiClient.objects.filter(pk=job.client_id, active=True).exists():
            shutil.rmtree(directory, ignore_errors=True)
            _move(job, Status.FAILED, finished_at=timezone.now(), error="client deactivated")
            return Status.FAILED
        _move(job, Status.COMPLETED, finished_at=timezone.now(), outputs=outputs)
        _audit(job, "FHIR $export written", files=outputs, patients=job.patients_done)
    return Status.COMPLETED


def _private(path: str, flags: int) -> int:
    """Files of an export are readable by the server's user only."""
    return os.open(path, flags, 0o600)


def _write_files(job: BulkExportJob, directory: Path) -> list[dict[str, Any]]:
    directory.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.mkdir(mode=0o700, exist_ok=True)
    files: dict[str, Any] = {}
    counts: dict[str, int] = {}
    done = 0

    def progress(patients: int) -> None:
        """After each chunk: progress shown (and the job seen alive), then stop if the client
        cancelled or was deactivated."""
        nonlocal done
        done += patients
        jobs = BulkExportJob.objects.filter(pk=job.pk)
        jobs.update(patients_done=done, updated_at=timezone.now())
        status, active = jobs.values_list("status", "client__active").get()
        if status == Status.CANCELLED:
            raise ExportCancelled
        if not active:
            raise ClientDeactivated

    reader = Reader(client=job.client)
    try:
        for block in export_lines(
            reader=reader,
            purpose=job.purpose,
            types=set(job.types),
            on_chunk=progress,
            audit_details={"job": str(job.pk)},
        ):
            for line in block.splitlines():
                resource_type = line[len(LINE_START) : line.index(b'"', len(LINE_START))]
                name = resource_type.decode()
                if name not in files:
                    files[name] = open(output_path(job, name), "wb", opener=_private)  # noqa: SIM115
                    counts[name] = 0
                files[name].write(line + b"\n")
                counts[name] += 1
    finally:
        for handle in files.values():
            handle.close()
    job.patients_done = done
    return [{"type": name, "count": counts[name]} for name in TYPES if name in counts]


def bulk_job_cancel(*, job: BulkExportJob) -> None:
    """The client's DELETE: the job is cancelled and its files removed (a running job stops at
    its next chunk and removes what it wrote)."""
    with transaction.atomic():
        job = BulkExportJob.objects.select_for_update().get(pk=job.pk)
        _move(job, Status.CANCELLED, finished_at=job.finished_at or timezone.now())
        _audit(job, "FHIR $export deleted")
    shutil.rmtree(export_directory(job), ignore_errors=True)


def bulk_job_withdrawn(job: BulkExportJob) -> bool:
    """Whether a completed job's files were withdrawn because a patient objected to its purpose
    after they were written (they may hold that patient): then the job is expired and its files
    removed, and they are never handed out again."""
    if job.status != Status.COMPLETED or job.transaction_time is None:
        return False
    if not oppositions_recorded_since(purpose=job.purpose, moment=job.transaction_time):
        return False
    _expire(job.pk, Status.EXPIRED, "FHIR $export withdrawn (opposition recorded since)")
    return True


def bulk_file_opened(*, job: BulkExportJob, resource_type: str) -> Path:
    """A completed job's file for ``resource_type``, its download audited."""
    _audit(job, "FHIR $export file downloaded", type=resource_type)
    return output_path(job, resource_type)


def _expire(job_id: Any, wanted: str, what: str, **fields: Any) -> bool:
    with transaction.atomic():
        job = BulkExportJob.objects.select_for_update().get(pk=job_id)
        if wanted not in TRANSITIONS_FROM.get(job.status, ()):
            return False
        _move(job, wanted, **fields)
        _audit(job, what)
    shutil.rmtree(export_directory(job), ignore_errors=True)
    return True


# What the periodic clean-up may do to a job in each state (the rest is the client's).
TRANSITIONS_FROM: dict[str, tuple[str, ...]] = {
    Status.COMPLETED: (Status.EXPIRED,),
    Status.FAILED: (Status.EXPIRED,),
    Status.RUNNING: (Status.FAILED,),
}


def bulk_jobs_expire(now: dt.datetime | None = None) -> int:
    """Periodic: files of exports finished more than the retention ago, or made for a system
    deactivated since, are removed; a running export whose worker was lost (no progress for
    ``STALE_AFTER``) is failed and its partial files removed."""
    now = now or timezone.now()
    limit = now - dt.timedelta(hours=settings.BULK_EXPORT_RETENTION_HOURS)
    ended = BulkExportJob.objects.filter(status__in=(Status.COMPLETED, Status.FAILED))
    old = ended.filter(finished_at__lt=limit) | ended.filter(client__active=False)
    changed = 0
    for job_id in old.values_list("pk", flat=True):
        changed += _expire(job_id, Status.EXPIRED, "FHIR $export expired")
    stale = BulkExportJob.objects.filter(status=Status.RUNNING, updated_at__lt=now - STALE_AFTER)
    for job_id in stale.values_list("pk", flat=True):
        changed += _expire(
            job_id,
            Status.FAILED,
            "FHIR $export lost its worker",
            finished_at=now,
            error="the export stopped (worker lost)",
        )
    return changed
