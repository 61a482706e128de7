"""Every export honours the oppositions in force the day it is produced: the indicator pages,
their CSV and Parquet downloads, the overview and Article 51 pages, and the pseudonymised
event-level extract for each declared purpose. An objecting patient is absent and counted as
excluded; an opposition recorded today, after the extract was computed, removes the patient
from an export produced today for an older period."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import unquote

import duckdb
import pytest
from django.urls import reverse
from django.utils import timezone

from oncoparcours.boards.models import Board
from oncoparcours.core.models import AuditEvent
from oncoparcours.indicators.extract import Pseudonymiser
from oncoparcours.indicators.services import extract_ready, extract_refresh
from oncoparcours.patients import services as patients
from oncoparcours.testing.boards import past_session, stored_decision
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    DiagnosisFactory,
    PatientFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OLD_PERIOD = {"debut": "2025-01-01", "fin": "2025-12-31"}
EVALUATION = "Évaluation et pilotage (indicateurs, évaluation « article 51 », extractions pour"


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


@pytest.fixture
def region(clinician, organisation):
    """Six patients, each with a board decision validated in 2025 (near home)."""
    board = Board.objects.create(name="RCP sein", kind="standard", start_time=dt.time(8))
    board.organisers.add(organisation)
    session = past_session(board, clinician, dt.datetime(2025, 3, 4, 8, tzinfo=dt.UTC))
    made = []
    for number in range(6):
        patient = PatientFactory(birth_last_name=f"Zorglub{number}", expert_centre=organisation)
        CareTeamMemberFactory(patient=patient, professional=clinician, is_lead=True)
        diagnosis = DiagnosisFactory(
            patient=patient, icd10="C50.9", diagnosed_on=dt.date(2025, 2, 1)
        )
        stored_decision(session=session, patient=patient, diagnosis=diagnosis, place="proximity")
        made.append(patient)
    return made


def object_to(clinician, patient, purpose, decision="opposition", on=None):
    patients.consent_record(
        actor=clinician.user,
        patient=patient,
        kind="data_sharing",
        scope=purpose,
        decision=decision,
        recorded_on=on or timezone.localdate(),
    )


def csv_rows(response) -> tuple[list[str], list[list[str]]]:
    """What a downloaded CSV says of itself (its HTTP headers: title, purpose, note) and its
    table. The file holds the table only: no comment line a spreadsheet would show as data."""
    text = response.content.decode("utf-8-sig")
    assert not any(line.startswith("#") for line in text.splitlines())
    about = [
        unquote(response.get(name, ""))
        for name in ("X-Export-Title", "X-Export-Purpose", "X-Export-Note")
    ]
    return about, list(csv.reader(io.StringIO(text), delimiter=";"))


def parquet(body: bytes, tmp_path, name="file.parquet"):
    path = tmp_path / name
    path.write_bytes(body)
    connection = duckdb.connect()
    rows = connection.execute("SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    metadata = dict(
        connection.execute(
            "SELECT key::VARCHAR, value::VARCHAR FROM parquet_kv_metadata(?)", [str(path)]
        ).fetchall()
    )
    return rows, metadata


@pytest.fixture
def evaluator(client):
    client.force_login(UserFactory(username="ars-eval", role="ars_evaluator"))
    return client


def test_indicator_downloads_and_pages_leave_out_an_opposition_recorded_today(
    evaluator, region, clinician, tmp_path
):
    extract_refresh(actor=None)  # computed before the opposition
    url = reverse("indicators:download", args=["near_home_share", "csv"])
    comments, table = csv_rows(evaluator.get(url, OLD_PERIOD))
    assert (table[1][0], table[1][2], table[1][3]) == (
        "Ensemble",
        "selon la définition de chaque RCP",
        "6",
    )
    assert table[2][2] == "lieu de soins fixé au centre de proximité"  # the board's definition
    assert comments[2].startswith("0 patient exclu")

    object_to(clinician, region[0], "evaluation")  # today; the decisions date from 2025

    comments, table = csv_rows(evaluator.get(url, OLD_PERIOD))
    assert table[1][0] == "Ensemble" and table[1][3] == "5"
    assert comments[0].startswith("Part des patients traités à proximité")
    assert comments[1].startswith(EVALUATION)
    assert "CSS art. L.162-31-1" in comments[1]
    assert comments[2].startswith("1 patient exclu (opposition à la finalité « " + EVALUATION)
    # A program reads the same file as it comes: a header line, then the table.
    path = tmp_path / "near.csv"
    path.write_bytes(evaluator.get(url, OLD_PERIOD).content)
    read = duckdb.connect().execute(
        "SELECT * FROM read_csv(?, delim=';', header=true)", [str(path)]
    )
    assert read.fetchone()[3] == 5

    rows, metadata = parquet(
        evaluator.get(
            reverse("indicators:download", args=["near_home_share", "parquet"]), OLD_PERIOD
        ).content,
        tmp_path,
    )
    assert rows[0][3] == 5
    assert (metadata["purpose"], metadata["excluded_patients"]) == ("evaluation", "1")
    assert metadata["exclusion_note"].startswith("1 patient exclu")

    detail = evaluator.get(
        reverse("indicators:detail", args=["near_home_share"]), OLD_PERIOD
    ).content.decode()
    assert "1 patient exclu (opposition à la finalité" in detail
    for page in (reverse("indicators:overview"), reverse("indicators:article51")):
        assert "1 patient exclu (opposition à la finalité" in evaluator.get(page).content.decode()
    audit = AuditEvent.objects.filter(action="export", details__indicator="near_home_share")
    assert audit.latest("at").details["excluded_patients"] == 1


def test_an_opposition_to_another_purpose_leaves_the_indicators_alone(evaluator, region, clinician):
    object_to(clinician, region[0], "research")
    extract_refresh(actor=None)
    url = reverse("indicators:download", args=["near_home_share", "csv"])
    comments, table = csv_rows(evaluator.get(url))
    assert table[1][3] == "6" and comments[2].startswith("0 patient exclu")


def test_a_later_non_opposition_brings_the_patient_back(evaluator, region, clinician):
    today = timezone.localdate()
    object_to(clinician, region[0], "evaluation", on=today - dt.timedelta(days=10))
    object_to(clinician, region[0], "evaluation", decision="non_opposition", on=today)
    extract_refresh(actor=None)
    url = reverse("indicators:download", args=["near_home_share", "csv"])
    assert csv_rows(evaluator.get(url))[1][1][3] == "6"


@pytest.mark.parametrize("purpose", ["evaluation", "research", "registry", "network"])
def test_the_event_extract_leaves_out_patients_objecting_to_any_export_purpose(
    evaluator, region, clinician, tmp_path, purpose
):
    """A patient-level file leaves the product: whatever purpose it is declared for, objectors to
    any export purpose are left out (it could otherwise be reused for another purpose)."""
    extract_refresh(actor=None)
    object_to(clinician, region[0], purpose)  # after the extract was computed
    other = next(p for p in ("research", "registry", "network", "evaluation") if p != purpose)
    object_to(clinician, region[1], other)  # another purpose: left out too
    pseudonym = Pseudonymiser()
    url = reverse("indicators:extract", args=["csv"])
    comments, table = csv_rows(evaluator.get(url, {"finalite": purpose}))
    patients_in = {row[0] for row in table[1:]}
    assert pseudonym(region[0].pk) not in patients_in
    assert pseudonym(region[1].pk) not in patients_in
    assert len(patients_in) == 4
    assert comments[2].startswith("2 patients exclus (opposition à au moins une finalité")
    assert table[0][:3] == ["patient (pseudonyme)", "événement", "date"]
    rows, metadata = parquet(
        evaluator.get(
            reverse("indicators:extract", args=["parquet"]), {"finalite": purpose, "decalage": "1"}
        ).content,
        tmp_path,
    )
    assert {row[0] for row in rows} == patients_in
    assert (metadata["purpose"], metadata["excluded_patients"]) == (purpose, "2")
    event = AuditEvent.objects.filter(details__what="pseudonymised extract").latest("at")
    assert (event.details["purpose"], event.details["excluded_patients"]) == (purpose, 2)


def test_the_download_page_lists_each_purpose_with_its_exclusions(evaluator, region, clinician):
    object_to(clinician, region[0], "research")
    object_to(clinician, region[1], "research")
    extract_refresh(actor=None)
    page = evaluator.get(reverse("indicators:overview")).content.decode()
    assert "Extraction par finalité déclarée" in page
    assert "2 patients exclus (opposition à au moins une finalité d&#x27;export" in page
    # The two counts (indicators vs patient-level file) are told apart in plain words.
    assert "Indicateurs : 0 patient exclu" in page
    assert "Pourquoi ce nombre diffère de celui des indicateurs" in page
    assert "Patients écartés du fichier" in page
    assert "?finalite=registry" in page
    assert (
        evaluator.get(
            reverse("indicators:extract", args=["csv"]), {"finalite": "care_team"}
        ).status_code
        == 404
    )


def test_an_extract_made_with_another_pseudonym_key_is_not_used(region, monkeypatch):
    extract_refresh(actor=None)
    assert extract_ready()
    monkeypatch.setenv("ONCOPARCOURS_PSEUDONYM_KEY", "another key")
    # Exclusions are matched by pseudonym: with another key they would match nobody.
    assert not extract_ready()
