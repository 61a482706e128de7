"""Home follow-up assessments through FHIR (QuestionnaireResponse): every answer as given, typed
(a yes/no is a boolean, a count an integer, a temperature a decimal, a choice a code), vital
signs and comment included, who answered; care team only, reads audited."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.utils import timezone
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from oncoparcours.core.models import AuditEvent
from oncoparcours.monitoring.services.reports import report_submit

pytestmark = pytest.mark.django_db


def logged_in(professional) -> Client:
    client = Client()
    client.force_login(professional.user)
    return client


def submit(patient, **fields):
    values = {
        "source": "patient",
        "observations": {
            "temperature_c": 38.6,
            "stools_over_baseline_per_day": 5,
            "blood_or_mucus_in_stool": False,
            "fatigue": "relieved_by_rest",
            "neuro_changes": ["confusion", "tremor"],
        },
        "vitals": {"heart_rate": 104, "systolic_bp": 118, "diastolic_bp": 70},
        "comment": "Un peu fatiguée depuis hier.",
        "submission_key": uuid.uuid4(),
        "treatments": ("car_t",),
        **fields,
    }
    return report_submit(patient=patient, **values).report


def answers(resource):
    return {item["linkId"]: item.get("answer") for item in resource["item"]}


def test_answers_are_sent_as_given_and_typed(patient, clinician):
    report = submit(patient)
    resource = logged_in(clinician).get(f"/fhir/QuestionnaireResponse/{report.pk}").json()
    QuestionnaireResponse.model_validate(resource)
    given = answers(resource)
    assert given["temperature_c"] == [{"valueDecimal": 38.6}]
    assert given["stools_over_baseline_per_day"] == [{"valueInteger": 5}]
    assert given["blood_or_mucus_in_stool"] == [{"valueBoolean": False}]
    assert given["fatigue"][0]["valueCoding"]["code"] == "relieved_by_rest"
    assert [a["valueCoding"]["code"] for a in given["neuro_changes"]] == ["confusion", "tremor"]
    assert given["vitals.heart_rate"] == [{"valueInteger": 104}]
    assert given["comment"] == [{"valueString": "Un peu fatiguée depuis hier."}]
    assert resource["source"] == {"reference": f"Patient/{patient.pk}"}
    assert resource["status"] == "completed"
    assert AuditEvent.objects.filter(
        action="view", patient_id=patient.pk, object_id=str(report.pk)
    ).exists()


def test_ice_parts_are_nested_items(patient, clinician):
    ice = {"orientation": 4, "naming": 3, "commands": 1, "writing": 0, "attention": 1}
    report = submit(patient, source="clinician", observations={"ice": ice}, vitals={}, comment="")
    resource = logged_in(clinician).get(f"/fhir/QuestionnaireResponse/{report.pk}").json()
    (item,) = resource["item"]
    assert item["linkId"] == "ice"
    assert {part["linkId"]: part["answer"][0]["valueInteger"] for part in item["item"]} == {
        f"ice.{key}": value for key, value in ice.items()
    }
    assert "source" not in resource  # not the patient's own words


def test_search_by_patient_and_date_care_team_only(patient, clinician, outsider):
    old = submit(patient, submitted_at=timezone.now() - dt.timedelta(days=20))
    recent = submit(patient)
    client = logged_in(clinician)
    everything = client.get(f"/fhir/QuestionnaireResponse?patient={patient.pk}").json()
    assert [e["resource"]["id"] for e in everything["entry"]] == [str(recent.pk), str(old.pk)]
    since = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    found = client.get(f"/fhir/QuestionnaireResponse?authored=ge{since}").json()
    assert [e["resource"]["id"] for e in found["entry"]] == [str(recent.pk)]
    stranger = logged_in(outsider)
    assert stranger.get(f"/fhir/QuestionnaireResponse/{recent.pk}").status_code == 404
    assert stranger.get(f"/fhir/QuestionnaireResponse?patient={patient.pk}").json()["total"] == 0
