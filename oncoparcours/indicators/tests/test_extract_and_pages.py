"""From the application's data to the dashboards: the extract carries pseudonyms only, the pages
show aggregates only with small strata hidden, downloads and the pseudonymised extract are
audited and restricted."""

from __future__ import annotations

import io
import re
import uuid
from urllib.parse import unquote

import duckdb
import pytest
from django.urls import reverse

from oncoparcours.core.models import AuditEvent
from oncoparcours.indicators.exports import KIND_LABELS_FR
from oncoparcours.indicators.extract import Pseudonymiser, events_source
from oncoparcours.indicators.services import extract_directory, extract_refresh
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    DiagnosisFactory,
    PatientFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


@pytest.fixture
def region(clinician):
    patients = []
    for number in range(7):
        # The first one lives in Martinique (no INS in this test: the factory builds
        # metropolitan ones).
        overseas = {"departement": "972", "ins": None} if number == 0 else {"departement": "69"}
        patient = PatientFactory(birth_last_name=f"Zorglub{number}", **overseas)
        CareTeamMemberFactory(patient=patient, professional=clinician, is_lead=True)
        DiagnosisFactory(patient=patient, icd10="C50.9")
        patients.append(patient)
    return patients


def events():
    source = events_source(extract_directory())
    return duckdb.connect().execute(f"SELECT * FROM {source}").fetchall()


def test_the_extract_holds_pseudonyms_not_identities(region, clinician):
    run = extract_refresh(actor=clinician.user)
    assert run.events == 7  # seven primary diagnoses
    rows = events()
    expected = {Pseudonymiser()(p.pk) for p in region}
    assert {row[0] for row in rows} == expected
    flat = repr(rows)
    for patient in region:
        assert str(patient.pk) not in flat and "Zorglub" not in flat
        assert patient.ins is None or patient.ins not in flat
    assert sum(1 for row in rows if row[-1]) == 1  # the overseas patient
    assert AuditEvent.objects.filter(action="export", details__what="indicators extract").exists()


def test_pseudonyms_are_stable_and_keyed(region):
    first, again, other = (
        Pseudonymiser(b"k" * 32),
        Pseudonymiser(b"k" * 32),
        Pseudonymiser(b"x" * 32),
    )
    patient = region[0].pk
    assert first(patient) == again(patient) != other(patient)


def test_pages_show_aggregates_only(client, region, clinician):
    extract_refresh(actor=None)
    manager = UserFactory(username="ars-test", role="ars_evaluator")
    client.force_login(manager)
    for url in (
        reverse("indicators:overview"),
        reverse("indicators:catalogue"),
        reverse("indicators:article51"),
        *[
            reverse("indicators:detail", args=[key])
            for key in ("near_home_share", "delay_diagnosis_rcp", "a51_inclusions")
        ],
    ):
        body = client.get(url).content.decode()
        assert "Zorglub" not in body, url
        assert region[1].ins not in body, url


def test_filters_are_checked(client, region):
    extract_refresh(actor=None)
    client.force_login(UserFactory(username="coord", role="network_coordinator"))
    response = client.get(
        reverse("indicators:detail", args=["near_home_share"]),
        {"debut": "2026-05-01", "fin": "2026-04-01"},
    )
    assert response.status_code == 400
    assert "La fin de la période précède son début." in response.content.decode()


def test_csv_and_parquet_downloads_are_audited(client, region):
    extract_refresh(actor=None)
    client.force_login(UserFactory(username="coord", role="network_coordinator"))
    csv_response = client.get(
        reverse("indicators:download", args=["delay_suspicion_diagnosis", "csv"])
    )
    assert csv_response.status_code == 200 and csv_response["Content-Type"].startswith("text/csv")
    # Only diagnoses in this region: the indicator says why it is not available.
    assert (
        "Non disponible : aucune donnée source dans l'extraction "
        "(suspicions de cancer, diagnostics confirmés)" in csv_response.content.decode("utf-8-sig")
    )
    parquet = client.get(
        reverse("indicators:download", args=["delay_suspicion_diagnosis", "parquet"])
    )
    assert parquet.content[:4] == b"PAR1"
    assert (
        AuditEvent.objects.filter(
            action="export", details__indicator="delay_suspicion_diagnosis"
        ).count()
        == 2
    )


def test_the_event_extract_is_for_evaluators_and_can_shift_dates(
    client, region, clinician, tmp_path
):
    extract_refresh(actor=None)
    client.force_login(clinician.user)
    assert client.get(reverse("indicators:extract", args=["parquet"])).status_code == 404
    client.force_login(UserFactory(username="ars-test", role="ars_evaluator"))
    response = client.get(reverse("indicators:extract", args=["csv"]))
    plain = response.content.decode("utf-8-sig")
    shifted = client.get(
        reverse("indicators:extract", args=["csv"]), {"decalage": "1"}
    ).content.decode("utf-8-sig")
    plain_rows = plain.splitlines()
    shifted_rows = shifted.splitlines()
    assert not any(row.startswith("#") for row in plain_rows)  # a spreadsheet shows # lines
    # what the file is travels with the download, in its HTTP headers
    title = unquote(response["X-Export-Title"])
    assert title == "Extraction pseudonymisée au niveau des événements"
    assert unquote(response["X-Export-Note"]) == (
        "0 patient exclu (opposition à au moins une finalité d'export : "
        "recherche, réseau, registre, évaluation)"
    )
    assert response["X-Export-Excluded-Patients"] == "0"
    assert plain_rows[0].startswith("patient (pseudonyme);événement;date;date de fin;")
    # Codes read as French words (the Parquet extract keeps the machine codes).
    kinds = {row.split(";")[1] for row in plain_rows[1:]}
    assert kinds and not kinds & set(KIND_LABELS_FR), kinds
    assert kinds <= set(KIND_LABELS_FR.values())
    assert all(
        re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", row.split(";")[2]) for row in plain_rows[1:]
    )
    assert len(plain_rows) == len(shifted_rows) == 8
    assert plain != shifted  # dates moved (by up to 15 days, the same shift for one patient)
    assert "Zorglub" not in plain
    parquet = client.get(reverse("indicators:extract", args=["parquet"]))
    saved = tmp_path / "extract.parquet"
    saved.write_bytes(parquet.content)
    table = (
        duckdb.connect().execute("SELECT count(*) FROM read_parquet(?)", [str(saved)]).fetchone()
    )
    assert table == (7,)


def test_refresh_is_for_managers_and_evaluators(client, region, clinician):
    client.force_login(clinician.user)
    assert client.post(reverse("indicators:refresh")).status_code == 404
    client.force_login(UserFactory(username="dir", role="centre_manager"))
    response = client.post(reverse("indicators:refresh"), follow=True)
    assert "Indicateurs recalculés" in response.content.decode()


def test_the_refresh_command_writes_the_extract(region):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("indicators", "refresh", stdout=out)
    assert out.getvalue().startswith("7 events written to")
    assert list((extract_directory() / "events").glob("*/*.parquet"))


def test_unknown_formats_and_outside_redirects_are_refused(client, region):
    extract_refresh(actor=None)
    client.force_login(UserFactory(username="dir", role="centre_manager"))
    assert client.get(reverse("indicators:download", args=["referrals", "xlsx"])).status_code == 404
    response = client.post(reverse("indicators:refresh"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("indicators:overview")


def test_the_extract_holds_partial_article51_sequences_and_the_phase_of_administrations(
    region, clinician
):
    import datetime as dt

    from django.utils import timezone

    from oncoparcours.pathways.models import ActivityInstance, PathwayTemplate
    from oncoparcours.pathways.services.apply import pathway_apply

    start = timezone.localdate() - dt.timedelta(days=91)
    instance = pathway_apply(
        template=PathwayTemplate.objects.get(code="home-immunotherapy", is_latest=True),
        patient=region[1],
        start=start,
        parameters={"interval_weeks": 3},
        actor=clinician.user,
    )
    ActivityInstance.objects.filter(
        instance=instance, template_activity="dh-administration", day__lte=start
    ).update(status="done", done_on=start)
    extract_refresh(actor=None)
    source = events_source(extract_directory())
    connection = duckdb.connect()
    sequence = connection.execute(
        f"SELECT category, value, value2, count FROM {source} WHERE kind = 'sequence'"
    ).fetchall()
    # Sequence 1 in progress for 91 days (charged pro rata), order 0.
    assert sequence == [("sequence-1", 91.0, 0.0, 0)]
    administrations = connection.execute(
        f"SELECT category, count FROM {source} WHERE kind = 'administration'"
    ).fetchall()
    assert administrations == [("expert", 0)]  # in day hospital, during sequence 1


def test_the_extract_knows_overseas_boards_and_where_patients_are_treated(region, clinician):
    import datetime as dt

    from oncoparcours.boards.models import Board
    from oncoparcours.testing.boards import past_session, stored_decision
    from oncoparcours.testing.factories import OrganisationFactory

    martinique = OrganisationFactory(name="CHU de Martinique", departement="972")
    roussy = OrganisationFactory(name="Gustave Roussy", departement="94")
    caribbean = Board.objects.create(
        name="RCP Caraïbes", kind="interregional", start_time=dt.time(7)
    )
    caribbean.organisers.add(martinique, roussy)
    mainland_board = Board.objects.create(
        name="RCP Paris", kind="interregional", start_time=dt.time(7)
    )
    mainland_board.organisers.add(roussy)
    session = past_session(caribbean, clinician, dt.datetime(2026, 1, 8, 11, tzinfo=dt.UTC))
    for patient, organisation in ((region[0], martinique), (region[1], roussy), (region[2], None)):
        stored_decision(
            session=session,
            patient=patient,
            diagnosis=patient.diagnoses.get(),
            place="expert",
            organisation=organisation,
        )
    extract_refresh(actor=None)
    connection = duckdb.connect()
    boards = dict(
        connection.execute(
            f"SELECT name, overseas FROM read_parquet('{extract_directory() / 'boards.parquet'}')"
        ).fetchall()
    )
    assert boards == {"RCP Caraïbes": True, "RCP Paris": False}
    pseudonym = Pseudonymiser()
    mainland = dict(
        connection.execute(
            f"SELECT patient, value2 FROM {events_source(extract_directory())} "
            "WHERE kind = 'rcp_decision'"
        ).fetchall()
    )
    assert [mainland[pseudonym(p.pk)] for p in region[:3]] == [0.0, 1.0, None]


def test_the_catalogue_names_indicators_in_french_without_code_paths(client, region):
    """Cold try-out: the catalogue showed snake_case ids beside each title, the code's file path
    and the database engine."""
    client.force_login(UserFactory(username="ars-cat", role="ars_evaluator"))
    body = client.get(reverse("indicators:catalogue")).content.decode()
    assert "catalogue.py" not in body and "DuckDB" not in body
    heading = body.split('id="delay_rcp_treatment"')[1].split("</h3>")[0]
    assert "<code>delay_rcp_treatment</code>" not in heading
    assert "Code pour les analystes" in body


def test_pseudonyms_stay_the_same_when_the_bounded_memory_forgets_them(monkeypatch):
    monkeypatch.setattr(Pseudonymiser, "REMEMBERED", 3)
    pseudonym = Pseudonymiser(key=b"k" * 32)
    ids = [uuid.uuid4() for _ in range(10)]
    first = [pseudonym(patient) for patient in ids]
    assert len(pseudonym.cache) <= 3  # a national extract does not keep every patient
    assert [pseudonym(patient) for patient in ids] == first
    assert [Pseudonymiser(key=b"k" * 32)(str(patient)) for patient in ids] == first
    assert len(set(first)) == 10
