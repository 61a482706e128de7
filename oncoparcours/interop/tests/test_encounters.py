"""Board discussions through FHIR (Encounter): a patient's case on a session's agenda, the
session's time as period, class VR for a board meeting by videoconference, status from the
session and the agenda item; searchable by patient, date and status; care team only, audited;
queries do not grow with the results."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.encounter import Encounter

from oncoparcours.boards.models import AgendaItem, Board, Case, Session
from oncoparcours.core.models import AuditEvent
from oncoparcours.testing.factories import CareTeamMemberFactory, DiagnosisFactory, PatientFactory

pytestmark = pytest.mark.django_db
WHEN = dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.UTC)


def logged_in(professional) -> Client:
    client = Client()
    client.force_login(professional.user)
    return client


def board(video=""):
    return Board.objects.create(
        name="RCP thoracique", kind="standard", start_time=dt.time(8, 0), video_link=video
    )


def session(on_board, chair=None, when=WHEN, status="planned"):
    return Session.objects.create(
        board=on_board, starts_at=when, duration_minutes=90, chair=chair, status=status
    )


def discussed(patient, in_session, clinician, outcome="pending", position=1):
    case = Case.objects.create(
        patient=patient, board=in_session.board, diagnosis=DiagnosisFactory(patient=patient),
        question="Traitement adjuvant ?", context="post_surgery", submitted_by=clinician.user,
        status="scheduled",
    )  # fmt: skip
    return AgendaItem.objects.create(
        session=in_session, case=case, position=position, minutes=10, outcome=outcome
    )


def test_a_case_discussed_in_a_session_is_an_encounter(patient, clinician, outsider):
    by_video = session(board("https://visio.example.org/rcp"), chair=clinician)
    item = discussed(patient, by_video, clinician)
    client = logged_in(clinician)
    resource = client.get(f"/fhir/Encounter/{item.pk}").json()
    Encounter.model_validate(resource)
    assert resource["class"]["code"] == "VR"
    assert resource["status"] == "planned"
    assert resource["subject"] == {"reference": f"Patient/{patient.pk}"}
    assert dt.datetime.fromisoformat(resource["period"]["start"]) == WHEN
    assert dt.datetime.fromisoformat(resource["period"]["end"]) == WHEN + dt.timedelta(minutes=90)
    assert resource["serviceType"]["text"] == "RCP thoracique"
    assert resource["participant"][0]["individual"] == {"reference": f"Practitioner/{clinician.pk}"}
    assert resource["reasonReference"] == [{"reference": f"Condition/{item.case.diagnosis_id}"}]
    assert resource["type"][0]["text"] == "Après chirurgie (traitement adjuvant)"
    assert AuditEvent.objects.filter(
        action="view", patient_id=patient.pk, details__what="FHIR Encounter"
    ).exists()
    assert logged_in(outsider).get(f"/fhir/Encounter/{item.pk}").status_code == 404
    in_person = session(board(), when=WHEN - dt.timedelta(days=30), status="closed")
    discussed(patient, in_person, clinician, outcome="decided")
    found = client.get(f"/fhir/Encounter?patient={patient.pk}").json()
    assert [e["resource"]["status"] for e in found["entry"]] == ["planned", "finished"]
    assert found["entry"][1]["resource"]["class"]["code"] == "in-person-meeting"
    assert client.get("/fhir/Encounter?status=finished").json()["total"] == 1
    assert client.get("/fhir/Encounter?status=planned,cancelled").json()["total"] == 1
    assert client.get("/fhir/Encounter?date=2026-03-10").json()["total"] == 1
    assert client.get("/fhir/Encounter?date=lt2026-03").json()["total"] == 1
    bad = client.get("/fhir/Encounter?status=decided")
    assert bad.status_code == 400 and bad.json()["issue"][0]["expression"] == ["status"]


def test_carried_over_or_cancelled_is_cancelled(patient, clinician):
    held = session(board())
    item = discussed(patient, held, clinician, outcome="carried_over")
    client = logged_in(clinician)
    assert client.get(f"/fhir/Encounter/{item.pk}").json()["status"] == "cancelled"
    called_off = session(held.board, when=WHEN + dt.timedelta(days=7), status="cancelled")
    other = discussed(patient, called_off, clinician)
    assert client.get(f"/fhir/Encounter/{other.pk}").json()["status"] == "cancelled"
    assert client.get("/fhir/Encounter?status=cancelled").json()["total"] == 2


def test_query_count_does_not_grow_with_results(clinician):
    client = logged_in(clinician)
    held = session(board("https://visio.example.org/rcp"), chair=clinician)
    position = iter(range(1, 100))

    def add_patient():
        patient = PatientFactory()
        CareTeamMemberFactory(patient=patient, professional=clinician)
        discussed(patient, held, clinician, position=next(position))

    def measure():
        with CaptureQueriesContext(connection) as queries:
            bundle = client.get("/fhir/Encounter?_count=100").json()
        return len(queries), len(bundle["entry"])

    add_patient()
    client.get("/fhir/Encounter")
    one, shown_one = measure()
    for _ in range(4):
        add_patient()
    five, shown_five = measure()
    assert (shown_one, shown_five) == (1, 5)
    assert five == one
