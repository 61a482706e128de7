"""FHIR Bulk Data's asynchronous flow: kick-off answer (202 and the status URL), status
polling (202 with progress, then the manifest), file download, and DELETE. Only the system
that asked sees its job: anyone else gets a 404 OperationOutcome."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from . import bulk_jobs, selectors
from .callers import check_scope, request_reader
from .models import BulkExportJob
from .outcomes import FhirError, fhir_response, not_found, operation_outcome
from .readers import Reader
from .rules.bulk_jobs import GONE, IN_PROGRESS

Status = BulkExportJob.Status
RETRY_AFTER_SECONDS = 5


def kick_off(request: HttpRequest, reader: Reader, purpose: str, types: set[str]) -> HttpResponse:
    try:
        job = bulk_jobs.bulk_job_request(
            reader=reader, purpose=purpose, types=types, request_url=request.build_absolute_uri()
        )
    except bulk_jobs.ExportInProgress as busy:
        status_url = request.build_absolute_uri(reverse("interop:bulk_status", args=[busy.job.pk]))
        refused = FhirError(
            429, "throttled", f"one export at a time: yours is {busy.job.status} at {status_url}"
        )
        response = fhir_response(operation_outcome(refused), status=429)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS * 12)
        return response
    response = _accepted(f"export {job.pk} queued")
    response["Content-Location"] = request.build_absolute_uri(
        reverse("interop:bulk_status", args=[job.pk])
    )
    return response


def _accepted(what: str) -> HttpResponse:
    """202 with an informational OperationOutcome (FHIR JSON, as every answer of the API)."""
    return fhir_response(
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "information", "code": "informational", "diagnostics": what}],
        },
        status=202,
    )


def _job(
    request: HttpRequest, job_id: str, resource_type: str = ""
) -> BulkExportJob | HttpResponse:
    """The reader's job, or the answer to give; with ``resource_type``, the token must still
    grant reading that type (a later token with fewer scopes gets only what it grants)."""
    reader = request_reader(request)
    if isinstance(reader, HttpResponse):
        return reader
    if resource_type:
        try:
            check_scope(reader, resource_type, "search")
        except FhirError as refused:
            return fhir_response(operation_outcome(refused), status=refused.status)
    job = selectors.bulk_job_for(reader, job_id)
    if job is not None and bulk_jobs.bulk_job_withdrawn(job):
        withdrawn = FhirError(
            404,
            "not-found",
            f"export {job_id}: a patient objected to {job.purpose} after its files were written; "
            "they were removed: ask for a new export",
        )
        return fhir_response(operation_outcome(withdrawn), status=404)
    if job is None or job.status in GONE:
        error = not_found("export", job_id)
        return fhir_response(operation_outcome(error), status=error.status)
    return job


@csrf_exempt
@login_not_required
@require_http_methods(["GET", "DELETE"])
def bulk_status(request: HttpRequest, job_id: str) -> HttpResponse:
    """``GET``: 202 while it runs (``X-Progress``, ``Retry-After``), then the manifest (200), or
    the failure as an OperationOutcome (500). ``DELETE``: cancelled, files removed (202)."""
    job = _job(request, job_id)
    if isinstance(job, HttpResponse):
        return job
    if request.method == "DELETE":
        bulk_jobs.bulk_job_cancel(job=job)
        return _accepted(f"export {job.pk} deleted")
    if job.status in IN_PROGRESS:
        response = HttpResponse(status=202)
        total = "?" if job.patients_total is None else job.patients_total
        response["X-Progress"] = f"{job.status}: {job.patients_done} / {total} patients"
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    if job.status == Status.FAILED:
        failed = FhirError(
            500, "exception", f"export {job.pk} failed ({job.error}); ask for a new one"
        )
        return fhir_response(operation_outcome(failed), status=500)
    return fhir_response(_manifest(request, job))


def _manifest(request: HttpRequest, job: BulkExportJob) -> dict[str, Any]:
    assert job.transaction_time is not None
    return {
        "transactionTime": job.transaction_time.isoformat(),
        "request": job.request_url,
        "requiresAccessToken": True,
        "output": [
            {
                "type": output["type"],
                "url": request.build_absolute_uri(
                    reverse("interop:bulk_file", args=[job.pk, output["type"]])
                ),
                "count": output["count"],
            }
            for output in job.outputs
        ],
        "error": [],
        "extension": {"purpose": job.purpose, "patients": job.patients_done},
    }


@login_not_required
@require_GET
def bulk_file(request: HttpRequest, job_id: str, resource_type: str) -> HttpResponse | FileResponse:
    """One NDJSON file of a completed job, for the system that asked only (audited)."""
    job = _job(request, job_id, resource_type)
    if isinstance(job, HttpResponse):
        return job
    if job.status != Status.COMPLETED or resource_type not in {o["type"] for o in job.outputs}:
        error = not_found("export file", resource_type)
        return fhir_response(operation_outcome(error), status=error.status)
    path = bulk_jobs.bulk_file_opened(job=job, resource_type=resource_type)
    response = FileResponse(path.open("rb"), content_type="application/fhir+ndjson")
    response["Cache-Control"] = "no-store"
    return response
