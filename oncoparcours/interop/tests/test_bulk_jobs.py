"""Asynchronous ``$export`` (FHIR Bulk Data): kick-off, polling, the manifest, the files (the
same lines as the synchronous stream, objecting patients left out), delete, expiry, failure and
cancellation; only the system that asked sees its job."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from oncoparcours.core.models import AuditAction, AuditEvent
from oncoparcours.interop import bulk_jobs
from oncoparcours.interop.models import ApiClient, BulkExportJob
from oncoparcours.interop.rules.bulk_jobs import IllegalTransition, check_transition

from .test_bulk_export import exported_as, objecting
from .test_bulk_export_types import exporter, two_patients  # noqa: F401 (fixtures)
from .test_system_access import register, token

# The worker command closes and reopens its database connection: the tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)
ASYNC = {"HTTP_PREFER": "respond-async"}


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.BULK_EXPORT_DIR = str(tmp_path / "bulk")
    return Path(settings.BULK_EXPORT_DIR)


def call(bearer, url, method="get", **headers):
    return getattr(Client(), method)(url, HTTP_AUTHORIZATION=f"Bearer {bearer}", **headers)


def kick_off(bearer, django_capture_on_commit_callbacks, query="purpose=evaluation"):
    with django_capture_on_commit_callbacks(execute=True):
        response = call(bearer, f"/fhir/$export?{query}", **ASYNC)
    assert response.status_code == 202, response.content
    return response["Content-Location"].removeprefix("http://testserver")


def after_first_chunk(monkeypatch, action):
    """Chunks of one patient, and ``action`` done while the export runs (after the first)."""
    real = bulk_jobs.export_lines

    def interleaved(**arguments):
        for block in real(**arguments):
            action()
            yield block

    monkeypatch.setattr(bulk_jobs, "export_lines", interleaved)
    monkeypatch.setattr("oncoparcours.interop.bulk_export.CHUNK", 1)


def run_worker():
    call_command("worker", batch=True, no_scheduler=True, no_startup_delay=True, verbosity=0)


def test_kick_off_poll_download_and_delete(
    two_patients,  # noqa: F811
    exporter,  # noqa: F811
    export_dir,
    django_capture_on_commit_callbacks,
):
    _, objecting = two_patients
    status_url = kick_off(exporter, django_capture_on_commit_callbacks)
    assert status_url.startswith("/fhir/bulkstatus/")

    waiting = call(exporter, status_url)
    assert waiting.status_code == 202
    assert waiting["X-Progress"] == "queued: 0 / ? patients" and waiting["Retry-After"] == "5"

    run_worker()  # the real worker command takes the queued task
    done = call(exporter, status_url)
    assert done.status_code == 200
    manifest = done.json()
    assert manifest["requiresAccessToken"] is True
    assert manifest["request"].endswith("/fhir/$export?purpose=evaluation")
    assert manifest["extension"] == {"purpose": "evaluation", "patients": 1}
    types = [output["type"] for output in manifest["output"]]
    assert types[0] == "Patient" and "Observation" in types and "CarePlan" in types

    written = []
    for output in manifest["output"]:
        file = call(exporter, output["url"].removeprefix("http://testserver"))
        assert file.status_code == 200
        assert file["Content-Type"] == "application/fhir+ndjson"
        assert file["Cache-Control"] == "no-store"
        lines = b"".join(file.streaming_content).splitlines()
        assert len(lines) == output["count"]
        assert {json.loads(line)["resourceType"] for line in lines} == {output["type"]}
        written += lines
    stream = call(exporter, "/fhir/$export?purpose=evaluation")
    assert sorted(written) == sorted(b"".join(stream.streaming_content).splitlines())
    alias = exported_as("evaluation")
    assert not any(alias(objecting.pk).encode() in line for line in written)
    downloads = AuditEvent.objects.filter(details__what="FHIR $export file downloaded")
    assert downloads.count() == len(types)

    assert call(exporter, status_url, method="delete").status_code == 202
    assert call(exporter, status_url).status_code == 404
    first = manifest["output"][0]["url"].removeprefix("http://testserver")
    assert call(exporter, first).status_code == 404
    assert not any(export_dir.iterdir())


def test_only_the_system_that_asked_sees_its_export(
    two_patients,  # noqa: F811
    exporter,  # noqa: F811
    lyon,
    django_capture_on_commit_callbacks,
):
    status_url = kick_off(exporter, django_capture_on_commit_callbacks)
    run_worker()
    url = call(exporter, status_url).json()["output"][0]["url"].removeprefix("http://testserver")
    other = token(register(lyon, ["system/*.rs"]), "system/*.rs")["access_token"]
    for path in (status_url, url):
        refused = call(other, path)
        assert refused.status_code == 404
        assert refused.json()["resourceType"] == "OperationOutcome"
    assert call(other, status_url, method="delete").status_code == 404
    assert call("not-a-token", status_url).status_code == 401
    assert call(exporter, "/fhir/bulkstatus/not-an-id").status_code == 404
    assert call(exporter, status_url).status_code == 200  # still there for its owner


def test_an_export_deleted_before_it_runs_reads_no_patient(
    two_patients,  # noqa: F811
    exporter,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    status_url = kick_off(exporter, django_capture_on_commit_callbacks)
    assert call(exporter, status_url, method="delete").status_code == 202
    run_worker()
    assert BulkExportJob.objects.get().status == "cancelled"
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT, patient_id__isnull=False)


def test_an_export_cancelled_while_it_runs_stops_and_removes_its_files(
    two_patients,  # noqa: F811
    exporter,  # noqa: F811
    export_dir,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    kick_off(exporter, django_capture_on_commit_callbacks)
    job = BulkExportJob.objects.get()
    after_first_chunk(monkeypatch, lambda: bulk_jobs.bulk_job_cancel(job=job))  # client's DELETE
    assert bulk_jobs.bulk_job_run(str(job.pk)) == "cancelled"
    job.refresh_from_db()
    assert job.status == "cancelled" and job.patients_done == 1
    assert not (export_dir / str(job.pk)).exists()


def test_a_failed_export_says_so_and_leaves_no_file(
    two_patients,  # noqa: F811
    exporter,  # noqa: F811
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the exports should go")
    settings.BULK_EXPORT_DIR = str(blocked)
    status_url = kick_off(exporter, django_capture_on_commit_callbacks)
    run_worker()
    failed = call(exporter, status_url)
    assert failed.status_code == 500
    outcome = failed.json()
    assert outcome["resourceType"] == "OperationOutcome"
    diagnostics = outcome["issue"][0]["diagnostics"]
    assert "failed" in diagnostics and "ask for a new one" in diagnostics
    assert str(blocked) not in diagnostics  # the server's detail stays in its log
    assert BulkExportJob.objects.get().status == "failed"


def test_finished_exports_expire_with_their_files(
    two_patients,  # noqa: F811
    exporter,  # noqa: F811
    export_dir,
    django_capture_on_commit_callbacks,
):
    status_url = kick_off(exporter, django_capture_on_commit_callbacks)
    run_worker()
    job = BulkExportJob.objects.get()
    assert (export_dir / str(job.pk) / "Patient.ndjson").exists()
    assert bulk_jobs.bulk_jobs_expire(now=timezone.now() + dt.timedelta(hours=23)) == 0
    assert bulk_jobs.bulk_jobs_expire(now=timezone.now() + dt.timedelta(hours=25)) == 1
    assert not (export_dir / str(job.pk)).exists()
    assert call(exporter, status_url).status_code == 404


def test_a_bad_kick_off_is_refused_before_any_job(exporter):  # noqa: F811
    response = call(exporter, "/fhir/$export?purpose=marketing", **ASYNC)
    assert response.status_code == 400
    assert response.json()["issue"][0]["expression"] == ["purpose"]
    assert not BulkExportJob.objects.exists()


def test_job_states_change_only_along_the_table():
    check_transition("queued", "running")
    check_transition("running", "cancelled")
    with pytest.raises(IllegalTransition, match="allowed: cancelled, expired"):
        check_transition("completed", "running")
    with pytest.raises(IllegalTransition, match=r"allowed: none \(final state\)"):
        check_transition("cancelled", "running")


def test_output_formats_other_than_ndjson_are_refused_by_name(exporter):  # noqa: F811
    accepted = call(exporter, "/fhir/$export?purpose=evaluation&_outputFormat=ndjson", **ASYNC)
    assert accepted.status_code == 202
    refused = call(exporter, "/fhir/$export?purpose=evaluation&_outputFormat=text/csv", **ASYNC)
    assert refused.status_code == 400
    assert refused.json()["issue"][0]["expression"] == ["_outputFormat"]
    assert BulkExportJob.objects.count() == 1


def test_a_system_deactivated_before_its_export_runs_gets_nothing(
    two_patients,  # noqa: F811
    exporter,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    kick_off(exporter, django_capture_on_commit_callbacks)
    job = BulkExportJob.objects.get()
    job.client.active = False
    job.client.save()
    run_worker()
    job.refresh_from_db()
    assert job.status == "failed" and job.error == "client deactivated"
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT, patient_id__isnull=False)


def test_one_export_at_a_time_per_system(exporter, django_capture_on_commit_callbacks):  # noqa: F811
    status_url = kick_off(exporter, django_capture_on_commit_callbacks)
    second = call(exporter, "/fhir/$export?purpose=research", **ASYNC)
    assert second.status_code == 429 and second["Retry-After"] == "60"
    assert status_url in second.json()["issue"][0]["diagnostics"]
    assert BulkExportJob.objects.count() == 1


def test_files_are_private_and_each_exported_patient_audited_with_the_job(
    two_patients,  # noqa: F811
    exporter,  # noqa: F811
    export_dir,
    django_capture_on_commit_callbacks,
):
    kept, _ = two_patients
    kick_off(exporter, django_capture_on_commit_callbacks)
    run_worker()
    job = BulkExportJob.objects.get()
    folder = export_dir / str(job.pk)
    assert folder.stat().st_mode & 0o777 == 0o700
    assert {path.stat().st_mode & 0o777 for path in folder.iterdir()} == {0o600}
    audited = AuditEvent.objects.get(action=AuditAction.EXPORT, patient_id=kept.pk)
    assert audited.details["job"] == str(job.pk)


def test_an_opposition_recorded_after_the_files_were_written_withdraws_them(
    two_patients,  # noqa: F811
    exporter,  # noqa: F811
    export_dir,
    django_capture_on_commit_callbacks,
):
    kept, _ = two_patients
    status_url = kick_off(exporter, django_capture_on_commit_callbacks)
    run_worker()
    manifest = call(exporter, status_url).json()
    objecting(kept, "evaluation", kept.care_team.first().professional)
    file_url = manifest["output"][0]["url"].removeprefix("http://testserver")
    refused = call(exporter, file_url)
    assert refused.status_code == 404
    assert "objected to evaluation" in refused.json()["issue"][0]["diagnostics"]
    assert call(exporter, status_url).status_code == 404  # gone for good
    job = BulkExportJob.objects.get()
    assert job.status == "expired" and not (export_dir / str(job.pk)).exists()
    assert AuditEvent.objects.filter(details__what__startswith="FHIR $export withdrawn").exists()


def test_a_system_deactivated_while_its_export_runs_gets_no_file(
    two_patients,  # noqa: F811
    exporter,  # noqa: F811
    export_dir,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    kick_off(exporter, django_capture_on_commit_callbacks)
    job = BulkExportJob.objects.get()
    deactivate = ApiClient.objects.filter(pk=job.client_id).update
    after_first_chunk(monkeypatch, lambda: deactivate(active=False))
    assert bulk_jobs.bulk_job_run(str(job.pk)) == "failed"
    job.refresh_from_db()
    assert job.error == "client deactivated" and job.patients_done == 1
    assert not (export_dir / str(job.pk)).exists()


def test_a_running_export_that_lost_its_worker_is_failed_and_cleaned(
    exporter,  # noqa: F811
    export_dir,
    django_capture_on_commit_callbacks,
):
    status_url = kick_off(exporter, django_capture_on_commit_callbacks)
    job = BulkExportJob.objects.get()
    BulkExportJob.objects.filter(pk=job.pk).update(
        status="running", transaction_time=timezone.now()
    )
    (export_dir / str(job.pk)).mkdir(parents=True)
    (export_dir / str(job.pk) / "Patient.ndjson").write_text("{}")
    assert bulk_jobs.bulk_jobs_expire(now=timezone.now() + dt.timedelta(minutes=10)) == 0
    assert bulk_jobs.bulk_jobs_expire(now=timezone.now() + dt.timedelta(minutes=31)) == 1
    job.refresh_from_db()
    assert job.status == "failed" and not (export_dir / str(job.pk)).exists()
    failed = call(exporter, status_url)
    assert failed.status_code == 500
    assert "worker lost" in failed.json()["issue"][0]["diagnostics"]


def test_repeated_types_and_an_unencoded_plus_are_read_as_bulk_clients_send_them(
    two_patients,  # noqa: F811
    exporter,  # noqa: F811
):
    response = call(
        exporter,
        "/fhir/$export?purpose=evaluation&_type=Patient&_type=Condition"
        "&_outputFormat=application/fhir+ndjson",
    )
    assert response.status_code == 200
    found = {
        json.loads(line)["resourceType"]
        for line in b"".join(response.streaming_content).splitlines()
    }
    assert found == {"Patient", "Condition"}


def test_a_file_is_handed_out_only_to_a_token_granting_its_type(
    two_patients,  # noqa: F811
    lyon,
    django_capture_on_commit_callbacks,
):
    client = register(lyon, ["system/*.rs"])
    full = token(client, "system/*.rs")["access_token"]
    status_url = kick_off(full, django_capture_on_commit_callbacks)
    run_worker()
    urls = {
        output["type"]: output["url"].removeprefix("http://testserver")
        for output in call(full, status_url).json()["output"]
    }
    narrow = token(client, "system/Patient.rs")["access_token"]
    assert call(narrow, urls["Patient"]).status_code == 200
    refused = call(narrow, urls["Observation"])
    assert refused.status_code == 403
    assert refused.json()["issue"][0]["expression"] == ["Observation"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/fhir/Patient"),
        ("put", "/fhir/Patient"),
        ("delete", "/fhir/Patient"),
        ("post", "/fhir/$export?purpose=evaluation"),
        ("post", "/fhir/metadata"),
        ("post", "/fhir/bulkstatus/00000000-0000-0000-0000-000000000000"),
    ],
)
def test_methods_the_api_does_not_answer_get_a_405_operation_outcome(exporter, method, path):  # noqa: F811
    refused = call(exporter, path, method=method)
    assert refused.status_code == 405
    assert refused.json()["resourceType"] == "OperationOutcome"
    assert method.upper() in refused.json()["issue"][0]["diagnostics"]
