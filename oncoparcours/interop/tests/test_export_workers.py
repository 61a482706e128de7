"""``$export`` with its chunks built by worker processes: the same bytes in the same order as
the request builds itself, every exported patient audited once by the request, the objecting
patient still left out. Worker processes open the test database with their own connection, so
this runs on PostgreSQL (the SQLite test database lives in this process's memory)."""

from __future__ import annotations

import pytest
from django.db import connection

from oncoparcours.core.models import AuditAction, AuditEvent
from oncoparcours.interop import bulk_export
from oncoparcours.interop.export_workers import ChunkWorkers, shareable_database
from oncoparcours.testing.factories import CareTeamMemberFactory, PatientFactory

from .test_bulk_export import exported_as, objecting
from .test_bulk_export_types import full_record
from .test_system_access import call, register, token


@pytest.mark.parametrize(
    ("engine", "name", "shareable"),
    [
        ("django.db.backends.sqlite3", ":memory:", False),
        ("django.db.backends.sqlite3", "file:memorydb_default?mode=memory&cache=shared", False),
        ("django.db.backends.sqlite3", "", False),
        ("django.db.backends.sqlite3", "/srv/oncoparcours/db.sqlite3", True),
        ("django.db.backends.postgresql", "oncoparcours", True),
    ],
)
def test_only_a_database_other_processes_can_open_is_shared(engine, name, shareable):
    assert shareable_database({"ENGINE": engine, "NAME": name}) is shareable


class CountedWorkers(ChunkWorkers):
    started: list[int] = []

    def __init__(self, count, key, types):
        CountedWorkers.started.append(count)
        super().__init__(count, key, types)


@pytest.fixture
def workers_spy(monkeypatch):
    if not shareable_database(connection.settings_dict):
        pytest.skip("worker processes cannot open an in-memory SQLite test database")
    CountedWorkers.started = []
    monkeypatch.setattr(bulk_export, "ChunkWorkers", CountedWorkers)
    monkeypatch.setattr(bulk_export, "CHUNK", 2)
    return CountedWorkers.started


@pytest.mark.django_db(transaction=True)
def test_worker_processes_export_the_same_bytes_in_order_and_the_request_audits_each_patient(
    lyon_patient, lyon, settings, workers_spy
):
    doctor = lyon_patient.care_team.first().professional
    patients = [lyon_patient] + [PatientFactory() for _ in range(4)]
    for patient in patients[1:]:
        CareTeamMemberFactory(patient=patient, professional=doctor)
    for patient in patients:
        full_record(patient, doctor)
    opposed = PatientFactory(birth_last_name="OPPOSANTE")
    CareTeamMemberFactory(patient=opposed, professional=doctor)
    objecting(opposed, "evaluation", doctor)
    exporter = token(register(lyon, ["system/*.rs"]), "system/*.rs")["access_token"]

    def export() -> bytes:
        response = call(exporter, "/fhir/$export?purpose=evaluation")
        assert response.status_code == 200
        return b"".join(response.streaming_content)

    settings.EXPORT_WORKERS = 0
    in_process = export()
    assert workers_spy == []
    settings.EXPORT_WORKERS = 2
    by_workers = export()
    assert workers_spy == [2]  # 5 patients in chunks of 2: built by two worker processes

    assert by_workers == in_process
    alias = exported_as("evaluation")
    assert alias(opposed.pk).encode() not in by_workers
    ids = sorted(patient.pk for patient in patients)
    subjects = [f'"Patient/{alias(pk)}"'.encode() for pk in ids]
    firsts = [by_workers.index(subject) for subject in subjects]
    assert firsts == sorted(firsts)  # chunks joined in patient order
    audited = AuditEvent.objects.filter(action=AuditAction.EXPORT, patient_id__isnull=False)
    assert sorted(audited.values_list("patient_id", flat=True)) == sorted(ids * 2)


@pytest.mark.django_db(transaction=True)
def test_one_chunk_is_built_without_starting_workers(lyon_patient, lyon, settings, workers_spy):
    settings.EXPORT_WORKERS = 2
    exporter = token(register(lyon, ["system/*.rs"]), "system/Patient.rs")["access_token"]
    response = call(exporter, "/fhir/$export?purpose=evaluation")
    assert b"".join(response.streaming_content).count(b"\n") == 1
    assert workers_spy == []
