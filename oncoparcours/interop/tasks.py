"""Background tasks of the FHIR interface (run by ``oncoparcours worker``)."""

from __future__ import annotations

from django_tasks import task

from .bulk_jobs import bulk_job_run, bulk_jobs_expire

EXPIRE_INTERVAL_SECONDS = 3600


@task()
def run_bulk_export(job_id: str) -> str:
    return bulk_job_run(job_id)


@task()
def expire_bulk_exports() -> int:
    return bulk_jobs_expire()
