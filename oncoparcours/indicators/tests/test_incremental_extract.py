"""The incremental refresh of the extract (issue 13): re-reading only the patients whose data
changed since the last run and merging them into the partitioned Parquet gives exactly what a
full extract at the same moment gives."""

from __future__ import annotations

import datetime as dt
import uuid

import duckdb
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from oncoparcours.indicators.extract import events_source, write_extract
from oncoparcours.monitoring.services import alert_acknowledge, report_submit
from oncoparcours.pathways.models import (
    ActivityInstance,
    PathwayInstance,
    PathwayTemplate,
    PhaseInstance,
)
from oncoparcours.pathways.services.apply import pathway_apply
from oncoparcours.patients.models import Diagnosis, Patient
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    DiagnosisFactory,
    PatientFactory,
)

pytestmark = pytest.mark.django_db

KEY = b"k" * 32


def rows(directory):
    source = events_source(directory)
    return sorted(duckdb.connect().execute(f"SELECT * FROM {source}").fetchall(), key=repr)


@pytest.fixture
def region(clinician):
    patients = []
    for number in range(30):
        patient = PatientFactory(birth_last_name=f"Incr{number}", departement="69")
        CareTeamMemberFactory(patient=patient, professional=clinician, is_lead=True)
        DiagnosisFactory(patient=patient, icd10="C50.9")
        patients.append(patient)
    return patients


def open_home_immunotherapy(patients, clinician):
    """Home pathways still open: their follow-up period and sequence run to the extract time."""
    template = PathwayTemplate.objects.get(code="home-immunotherapy", is_latest=True)
    for patient in patients:
        pathway_apply(
            template=template,
            patient=patient,
            start=timezone.localdate() - dt.timedelta(days=40),
            parameters={"interval_weeks": 3},
            actor=clinician.user,
        )


def test_incremental_refresh_equals_a_full_extract(region, clinician, tmp_path):
    open_home_immunotherapy(region[10:14], clinician)
    # The region was written two days ago, the last extract yesterday.
    two_days_ago = timezone.now() - dt.timedelta(days=2)
    Patient.objects.update(updated_at=two_days_ago)
    Diagnosis.objects.update(updated_at=two_days_ago)
    PathwayInstance.objects.update(updated_at=two_days_ago)
    PhaseInstance.objects.update(updated_at=two_days_ago)
    ActivityInstance.objects.update(updated_at=two_days_ago)
    first = timezone.now() - dt.timedelta(days=1)
    made = write_extract(tmp_path / "kept", now=first, key=KEY, incremental=True)
    assert made.patients_refreshed is None  # no previous run: a full extract
    before = rows(tmp_path / "kept")

    # A day of activity: a new patient, a corrected diagnosis, an alert acknowledged.
    newcomer = PatientFactory(birth_last_name="Nouveau", departement="972", ins=None)
    DiagnosisFactory(patient=newcomer, icd10="C34.1")
    corrected = region[3].diagnoses.get()
    corrected.icd10 = "C18.7"
    corrected.save()
    submitted = report_submit(
        patient=region[5],
        source="patient",
        observations={"dyspnea": "life_threatening"},
        submission_key=uuid.uuid4(),
        treatments=("immune_checkpoint_inhibitor",),
    )
    assert submitted.alert is not None
    alert_acknowledge(alert=submitted.alert, actor=clinician.user)

    later = timezone.now()
    refreshed = write_extract(tmp_path / "kept", now=later, key=KEY, incremental=True)
    full = write_extract(tmp_path / "full", now=later, key=KEY)

    assert refreshed.patients_refreshed == 3  # not the 31 patients
    # The open home pathways: only their time-dependent rows were re-read, and moved a day on.
    assert refreshed.open_periods_refreshed == 4
    after = rows(tmp_path / "kept")
    assert after == rows(tmp_path / "full")
    ends_before = {row[0]: row[3] for row in before if row[1] == "followup"}
    ends_after = {row[0]: row[3] for row in after if row[1] == "followup"}
    assert len(ends_after) == 4 and all(ends_after[p] > ends_before[p] for p in ends_after)
    assert after != before and len(after) == full.rows
    # Once more with nothing changed: only the look-back window re-read, the same extract.
    again = write_extract(tmp_path / "kept", now=later, key=KEY, incremental=True)
    assert again.patients_refreshed == 3 and rows(tmp_path / "kept") == after


def test_the_extract_runs_within_the_configured_memory_limit(region, clinician, tmp_path, settings):
    """DuckDB partitions the events within ``INDICATORS_EXTRACT_MEMORY_LIMIT`` (spilling to the
    extract's temporary directory beyond it), for the full extract and the incremental merge: the
    connection reports the limit it ran with."""
    open_home_immunotherapy(region[:2], clinician)
    settings.INDICATORS_EXTRACT_MEMORY_LIMIT = "300MiB"
    full = write_extract(tmp_path, key=KEY)
    assert full.memory_limit == "300.0 MiB"
    settings.INDICATORS_EXTRACT_MEMORY_LIMIT = "1GB"
    refreshed = write_extract(tmp_path, key=KEY, incremental=True)
    assert refreshed.patients_refreshed is not None and refreshed.memory_limit == "953.6 MiB"


def test_a_wrong_memory_limit_is_refused_and_the_extract_kept(region, tmp_path, settings):
    write_extract(tmp_path, key=KEY)
    before = rows(tmp_path)
    settings.INDICATORS_EXTRACT_MEMORY_LIMIT = "lots"
    with pytest.raises(ImproperlyConfigured, match="ONCOPARCOURS_EXTRACT_MEMORY_LIMIT"):
        write_extract(tmp_path, key=KEY)
    assert rows(tmp_path) == before
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith("tmp")] == []
