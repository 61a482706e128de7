"""Confirmed adverse events through FHIR: grade, severity and seriousness as a clinician reads
them, a correction replaces the event in searches and the old version says what replaced it;
care team only, reads audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from fhir.resources.R4B.adverseevent import AdverseEvent as FhirAdverseEvent

from oncoparcours.core.models import AuditEvent
from oncoparcours.monitoring.services.adverse import adverse_event_record

pytestmark = pytest.mark.django_db


def logged_in(professional) -> Client:
    client = Client()
    client.force_login(professional.user)
    return client


def record(patient, clinician, **fields):
    values = {
        "term": "colitis",
        "grade": 3,
        "onset": timezone.localdate() - dt.timedelta(days=3),
        "attribution": "immune_related",
        "actions": ["hold", "steroids"],
        "outcome": "ongoing",
        **fields,
    }
    return adverse_event_record(patient=patient, actor=clinician.user, **values)


def extension(resource, name):
    return [e for e in resource["extension"] if e["url"].endswith(name)]


def test_grade_3_colitis_is_severe_not_serious_unless_hospitalised(patient, clinician):
    event = record(patient, clinician)
    client = logged_in(clinician)
    resource = client.get(f"/fhir/AdverseEvent/{event.pk}").json()
    FhirAdverseEvent.model_validate(resource)
    assert resource["event"]["text"] == "Colite"
    assert extension(resource, "toxicity-grade")[0]["valueInteger"] == 3
    assert resource["severity"]["coding"][0]["code"] == "severe"
    assert "seriousness" not in resource  # no criterion met: no judgement claimed
    assert {e["valueCode"] for e in extension(resource, "adverse-event-action")} == {
        "hold",
        "steroids",
    }
    hospitalised = record(patient, clinician, term="pneumonitis", actions=["hospitalisation"])
    resource = client.get(f"/fhir/AdverseEvent/{hospitalised.pk}").json()
    assert resource["seriousness"]["coding"][0]["code"] == "serious"
    assert AuditEvent.objects.filter(
        action="view", patient_id=patient.pk, object_id=str(hospitalised.pk)
    ).exists()


def test_a_grade_4_event_is_serious(patient, clinician):
    event = record(patient, clinician, term="cytokine_release_syndrome", grade=4, actions=[])
    resource = logged_in(clinician).get(f"/fhir/AdverseEvent/{event.pk}").json()
    assert resource["seriousness"]["coding"][0]["code"] == "serious"


@pytest.mark.parametrize(
    ("fields", "seriousness"),
    [
        ({"actions": ["hospitalisation_prolonged"]}, "serious"),  # ICH E2A: prolongation
        ({"outcome": "sequelae"}, "serious"),  # persistent disability (safer reading)
        ({"outcome": "fatal", "grade": 5}, "serious"),
        ({"outcome": "resolved"}, None),  # grade 3 is severe, not serious by itself
        ({"actions": ["stop"]}, None),  # "non-serious" is never claimed: the element is left out
    ],
)
def test_ich_e2a_seriousness_criteria_beyond_the_grade(patient, clinician, fields, seriousness):
    event = record(patient, clinician, **fields)
    resource = logged_in(clinician).get(f"/fhir/AdverseEvent/{event.pk}").json()
    found = resource.get("seriousness", {"coding": [{"code": None}]})["coding"][0]["code"]
    assert found == seriousness


def test_correction_replaces_the_event_in_searches(patient, clinician):
    first = record(patient, clinician, grade=2)
    corrected = record(patient, clinician, grade=3, supersedes=first)
    client = logged_in(clinician)
    found = client.get(f"/fhir/AdverseEvent?patient=Patient/{patient.pk}").json()
    assert [e["resource"]["id"] for e in found["entry"]] == [str(corrected.pk)]
    assert extension(found["entry"][0]["resource"], "replaces")[0]["valueReference"] == {
        "reference": f"AdverseEvent/{first.pk}"
    }
    old = client.get(f"/fhir/AdverseEvent/{first.pk}").json()
    assert extension(old, "replaced-by")[0]["valueReference"] == {
        "reference": f"AdverseEvent/{corrected.pk}"
    }


def test_date_search_and_outsiders(patient, clinician, outsider):
    record(patient, clinician, onset=timezone.localdate() - dt.timedelta(days=40))
    recent = record(patient, clinician, term="rash_maculo_papular", grade=1, actions=[])
    since = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    found = logged_in(clinician).get(f"/fhir/AdverseEvent?date=ge{since}").json()
    assert [e["resource"]["id"] for e in found["entry"]] == [str(recent.pk)]
    stranger = logged_in(outsider)
    assert stranger.get(f"/fhir/AdverseEvent/{recent.pk}").status_code == 404
    assert stranger.get(f"/fhir/AdverseEvent?patient={patient.pk}").json()["total"] == 0
    bad = stranger.get("/fhir/AdverseEvent?date=yesterday")
    assert bad.status_code == 400 and bad.json()["issue"][0]["expression"] == ["date"]
