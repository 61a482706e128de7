"""Vital signs and toxicity grades of the home follow-up reports as FHIR Observations: the
vital-signs profiles' LOINC codes and UCUM units (blood pressure as a panel), CTCAE / ASTCT grades
under our own term codes (never MedDRA), searchable with the other Observations by patient,
category, code and date; deterministic ids that are never UUIDs; care team only, audited; the
number of queries does not grow with the results."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fhir.resources.R4B.observation import Observation

from oncoparcours.core.models import AuditEvent
from oncoparcours.monitoring.services.reports import report_submit
from oncoparcours.patients.models import PerformanceStatus
from oncoparcours.patients.molecular_services import molecular_entry_add
from oncoparcours.testing.factories import CareTeamMemberFactory, PatientFactory

pytestmark = pytest.mark.django_db
TERM = "https://oncoparcours.fr/fhir/CodeSystem/adverse-event-term"


def logged_in(professional) -> Client:
    client = Client()
    client.force_login(professional.user)
    return client


def submit(patient, when=None, **fields):
    values = {
        "source": "nurse",
        "observations": {"temperature_c": 38.6, "stools_over_baseline_per_day": 5},
        "vitals": {"heart_rate": 104, "systolic_bp": 118, "diastolic_bp": 70, "spo2": 95},
        "submission_key": uuid.uuid4(),
        "treatments": ("car_t",),
        "days_since_infusion": 5,
        "submitted_at": when or timezone.now() - dt.timedelta(hours=1),
        **fields,
    }
    return report_submit(patient=patient, **values).report


def entries(bundle):
    return [e["resource"] for e in bundle["entry"]]


def by_code(resources):
    return {r["code"]["coding"][0]["code"]: r for r in resources}


def test_vital_signs_and_grades_of_a_report(patient, clinician):
    report = submit(patient)
    found = logged_in(clinician).get(f"/fhir/Observation?patient={patient.pk}").json()
    resources = entries(found)
    for resource in resources:
        Observation.model_validate(resource)
        assert resource["id"].startswith(report.pk.hex + "-")
        assert resource["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{report.pk}"}]
    codes = by_code(resources)
    assert set(codes) >= {"8310-5", "8867-4", "85354-9", "2708-6", "fever", "diarrhea", "crs"}
    assert "29463-7" not in codes  # no weight measured, none sent
    temperature = codes["8310-5"]
    assert temperature["valueQuantity"] == {
        "value": 38.6, "unit": "°C", "system": "http://unitsofmeasure.org", "code": "Cel",
    }  # fmt: skip
    assert temperature["category"][0]["coding"][0]["code"] == "vital-signs"
    assert temperature["status"] == "final"  # measured
    assert temperature["meta"]["profile"] == ["http://hl7.org/fhir/StructureDefinition/bodytemp"]
    pressure = codes["85354-9"]
    assert [
        (c["code"]["coding"][0]["code"], c["valueQuantity"]["value"], c["valueQuantity"]["code"])
        for c in pressure["component"]
    ] == [("8480-6", 118, "mm[Hg]"), ("8462-4", 70, "mm[Hg]")]
    assert [c["code"] for c in codes["2708-6"]["code"]["coding"]] == ["2708-6", "59408-5"]
    assert codes["8867-4"]["valueQuantity"]["code"] == "/min"
    diarrhea = codes["diarrhea"]
    assert diarrhea["code"]["coding"] == [{"system": TERM, "code": "diarrhea"}]
    assert diarrhea["code"]["text"] == "Diarrhée"
    assert diarrhea["valueInteger"] == 2
    assert diarrhea["status"] == "preliminary"  # the engine's grade, not a confirmed event
    assert [c["coding"][0]["code"] for c in diarrhea["category"]] == ["survey", "toxicity-grade"]
    assert "CTCAE" in diarrhea["method"]["text"]
    assert codes["crs"]["valueInteger"] >= 1 and "ASTCT" in codes["crs"]["method"]["text"]
    assert not any("meddra" in str(r).lower() for r in resources)


def test_reads_are_audited_and_scoped(patient, clinician, outsider):
    report = submit(patient)
    key = f"{report.pk.hex}-vs-heart-rate"
    resource = logged_in(clinician).get(f"/fhir/Observation/{key}").json()
    assert resource["id"] == key and resource["valueQuantity"]["value"] == 104
    assert AuditEvent.objects.filter(
        action="view", patient_id=patient.pk, details__what="FHIR Observation"
    ).exists()
    assert logged_in(outsider).get(f"/fhir/Observation/{key}").status_code == 404
    assert logged_in(clinician).get(f"/fhir/Observation/{report.pk.hex}-nope").status_code == 404
    one = logged_in(clinician).get(f"/fhir/Observation?_id={key}").json()
    assert [r["id"] for r in entries(one)] == [key]


def test_search_by_category_code_and_date_alongside_performance_status(patient, clinician):
    client = logged_in(clinician)
    old = submit(patient, when=timezone.now() - dt.timedelta(days=40))
    submit(patient)
    PerformanceStatus.objects.create(
        patient=patient, scale="ecog", value=1, recorded_on=timezone.localdate()
    )
    everything = client.get(f"/fhir/Observation?patient={patient.pk}&_count=100").json()
    kinds = [r["code"]["coding"][0]["code"] for r in entries(everything)]
    assert kinds[0] == "89247-1" and kinds.count("8867-4") == 2
    assert everything["total"] == len(kinds)
    vitals = client.get(f"/fhir/Observation?patient={patient.pk}&category=vital-signs").json()
    assert {r["category"][0]["coding"][0]["code"] for r in entries(vitals)} == {"vital-signs"}
    survey = client.get(f"/fhir/Observation?patient={patient.pk}&category=survey").json()
    assert "89247-1" in [r["code"]["coding"][0]["code"] for r in entries(survey)]
    pulse = client.get("/fhir/Observation?code=http://loinc.org|8867-4").json()
    assert pulse["total"] == 2
    since = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    recent = client.get(f"/fhir/Observation?code=8867-4&date=ge{since}").json()
    assert recent["total"] == 1
    grades = client.get(f"/fhir/Observation?code={TERM}|diarrhea,{TERM}|fever").json()
    assert {r["code"]["coding"][0]["code"] for r in entries(grades)} == {"diarrhea", "fever"}
    assert grades["total"] == 4
    paged = client.get(f"/fhir/Observation?patient={patient.pk}&_count=3&_page=2").json()
    assert [r["id"] for r in entries(paged)] == [r["id"] for r in entries(everything)][3:6]
    assert old.pk.hex in entries(everything)[-1]["id"]
    for bad, name in (("category=lab", "category"), ("code=http://loinc.org|0000-0", "code")):
        refused = client.get(f"/fhir/Observation?{bad}")
        assert refused.status_code == 400
        assert refused.json()["issue"][0]["expression"] == [name]


def test_a_report_outside_the_care_team_is_never_returned(patient, clinician):
    stranger = PatientFactory()
    submit(stranger)
    found = logged_in(clinician).get("/fhir/Observation?category=vital-signs").json()
    assert found["total"] == 0


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url)
    assert answer.status_code == 200
    return len(queries), answer.json()["total"]


def add_patient_rows(clinician):
    patient = PatientFactory()
    CareTeamMemberFactory(patient=patient, professional=clinician)
    submit(patient)
    PerformanceStatus.objects.create(
        patient=patient, scale="ecog", value=1, recorded_on=timezone.localdate()
    )
    molecular_entry_add(
        actor=clinician.user, patient=patient, marker="HER2", result="positive", value="IHC 3+",
        tested_on=timezone.localdate(),
    )  # fmt: skip


def test_query_count_does_not_grow_with_results(clinician):
    client = logged_in(clinician)
    add_patient_rows(clinician)
    client.get("/fhir/Observation")  # session caches warm
    one, total_one = queries_for(client, "/fhir/Observation?_count=100")
    for _ in range(4):
        add_patient_rows(clinician)
    five, total_five = queries_for(client, "/fhir/Observation?_count=100")
    assert total_five == 5 * total_one
    assert five == one


def test_ids_are_unique_per_report_and_never_uuids():
    from oncoparcours.interop.report_observations import Derived, derived_of
    from oncoparcours.monitoring.labels import TERM_LABELS
    from oncoparcours.monitoring.models import Report

    report = Report(
        id=uuid.uuid4(),
        patient_id=uuid.uuid4(),
        submitted_at=timezone.now(),
        observations={"temperature_c": 37.0},
        vitals={"systolic_bp": 120, "weight_kg": 70.5},
        result={
            "grades": [{"term": term, "grade": 1, "system": "CTCAE-5.0"} for term in TERM_LABELS]
            + [{"term": "fever", "grade": 2}, {"term": "nausea", "grade": None}],
            "crs": {"grade": 1, "system": "ASTCT-2019"},
            "icans": {"grade": 0, "system": "ASTCT-2019", "ice_score": 10},
        },
    )
    found: list[Derived] = derived_of(report)
    ids = [d.id for d in found]
    assert len(ids) == len(set(ids)) == 3 + len(TERM_LABELS)
    for key in ids:
        assert len(key) <= 64
        with pytest.raises(ValueError):
            uuid.UUID(key)
    pressure = next(d for d in found if d.slug == "vs-blood-pressure")
    from oncoparcours.interop.report_observations import derived_observation

    components = derived_observation(pressure)["component"]
    assert components[1]["dataAbsentReason"]["coding"][0]["code"] == "not-performed"
    for derived in found:
        Observation.model_validate(derived_observation(derived))
