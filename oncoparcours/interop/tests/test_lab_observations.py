"""Laboratory values as FHIR Observations (category laboratory): the values of the home
follow-up reports (neutrophil count, and creatinine / ALT / AST / bilirubin as multiples of the
upper limit of normal) and the EFS haemoglobin results, coded through the sourced mapping table
(LOINC, or our own code when LOINC has none for what is stored); searchable by patient,
category, code and date; care team only, audited; the database keeps only the reports holding
the values asked for."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fhir.resources.R4B.observation import Observation

from oncoparcours.celltherapy.models import HaemoglobinResult
from oncoparcours.core.models import AuditEvent
from oncoparcours.interop.rules import lab_codes

from .test_report_observations import by_code, entries, logged_in, submit

pytestmark = pytest.mark.django_db
LAB = "https://oncoparcours.fr/fhir/CodeSystem/lab-result"
UCUM = "http://unitsofmeasure.org"


def labs_report(patient, when=None):
    return submit(
        patient,
        when=when,
        source="clinician",
        observations={"temperature_c": 37.2, "neutrophils_g_per_l": 0.4, "alt_x_uln": 3.5},
        vitals={},
    )


def haemoglobin(patient, clinician, value="9.8", day=None):
    return HaemoglobinResult.objects.create(
        patient=patient,
        value_g_dl=Decimal(value),
        measured_on=day or timezone.localdate(),
        moment="request",
        recorded_by=clinician.user,
    )


def test_the_mapping_table_is_sourced_and_says_why_a_value_has_no_loinc_code():
    import json

    table = json.loads(lab_codes.DATA.read_text(encoding="utf-8"))
    assert table["version"] and {"loinc", "ucum", "fields"} <= set(table["sources"])
    for row in table["report_labs"]:
        assert row["loinc"] or row["no_loinc"], row["key"]
    from oncoparcours.monitoring.rules.observations import OBSERVATIONS

    assert {lab.key for lab in lab_codes.report_labs()} <= set(OBSERVATIONS)


def test_report_lab_values_are_laboratory_observations(patient, clinician):
    report = labs_report(patient)
    client = logged_in(clinician)
    found = client.get(f"/fhir/Observation?patient={patient.pk}&category=laboratory").json()
    resources = entries(found)
    for resource in resources:
        Observation.model_validate(resource)
        assert resource["category"][0]["coding"][0]["code"] == "laboratory"
        assert resource["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{report.pk}"}]
    codes = by_code(resources)
    assert set(codes) == {"26499-4", "alt_x_uln"}  # no temperature, no grade
    neutrophils = codes["26499-4"]
    assert neutrophils["code"]["coding"][0]["system"] == "http://loinc.org"
    assert neutrophils["valueQuantity"] == {
        "value": 0.4, "unit": "10⁹/L", "system": UCUM, "code": "10*9/L",
    }  # fmt: skip
    assert neutrophils["id"] == f"{report.pk.hex}-lab-neutrophils"
    alt = codes["alt_x_uln"]
    assert alt["code"]["coding"][0]["system"] == LAB
    assert alt["valueQuantity"]["value"] == 3.5 and alt["valueQuantity"]["code"] == "{xULN}"
    read = client.get(f"/fhir/Observation/{report.pk.hex}-lab-neutrophils")
    assert read.status_code == 200 and read.json()["valueQuantity"]["value"] == 0.4


def test_haemoglobin_results_are_laboratory_observations(patient, clinician, outsider):
    result = haemoglobin(patient, clinician)
    client = logged_in(clinician)
    found = client.get(f"/fhir/Observation?patient={patient.pk}&code=http://loinc.org|718-7")
    resources = entries(found.json())
    assert [r["id"] for r in resources] == [f"efs-hb-{result.pk}"]
    resource = resources[0]
    Observation.model_validate(resource)
    assert resource["valueQuantity"] == {
        "value": 9.8,
        "unit": "g/dL",
        "system": UCUM,
        "code": "g/dL",
    }
    assert resource["category"][0]["coding"][0]["code"] == "laboratory"
    assert resource["effectiveDateTime"] == result.measured_on.isoformat()
    assert client.get(f"/fhir/Observation/efs-hb-{result.pk}").json()["id"] == resource["id"]
    assert AuditEvent.objects.filter(
        action="view", patient_id=patient.pk, details__what="FHIR Observation"
    ).exists()
    assert logged_in(outsider).get(f"/fhir/Observation/efs-hb-{result.pk}").status_code == 404
    assert logged_in(outsider).get("/fhir/Observation?code=718-7").json()["total"] == 0
    assert client.get("/fhir/Observation?_id=efs-hb-999999").json()["total"] == 0


def test_search_by_category_code_and_date(patient, clinician):
    client = logged_in(clinician)
    labs_report(patient, when=timezone.now() - dt.timedelta(days=40))
    labs_report(patient)
    haemoglobin(patient, clinician, day=timezone.localdate() - dt.timedelta(days=40))
    haemoglobin(patient, clinician, "11.2")
    submit(patient)  # vital signs and grades, no lab value
    labs = client.get("/fhir/Observation?category=laboratory&_count=100").json()
    assert labs["total"] == 6 == len(labs["entry"])
    assert {r["category"][0]["coding"][0]["code"] for r in entries(labs)} == {"laboratory"}
    since = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    recent = client.get(f"/fhir/Observation?category=laboratory&date=ge{since}").json()
    assert recent["total"] == 3
    neutrophils = client.get(f"/fhir/Observation?patient={patient.pk}&code=26499-4").json()
    assert neutrophils["total"] == 2
    both = client.get(f"/fhir/Observation?code={LAB}|alt_x_uln,http://loinc.org|718-7").json()
    assert {r["code"]["coding"][0]["code"] for r in entries(both)} == {"alt_x_uln", "718-7"}
    assert both["total"] == 4
    # A lab code and the vital-signs category exclude each other.
    assert client.get("/fhir/Observation?code=26499-4&category=vital-signs").json()["total"] == 0
    refused = client.get("/fhir/Observation?code=http://loinc.org|alt_x_uln")
    assert refused.status_code == 400
    assert refused.json()["issue"][0]["expression"] == ["code"]


def test_the_database_keeps_only_the_reports_holding_the_values_asked_for(patient, clinician):
    client = logged_in(clinician)
    labs_report(patient)
    for _ in range(3):
        submit(patient)
    client.get("/fhir/Observation?category=laboratory")  # session caches warm
    with CaptureQueriesContext(connection) as queries:
        found = client.get("/fhir/Observation?category=laboratory").json()
    assert found["total"] == 2
    report_query = next(q["sql"] for q in queries if "monitoring_report" in q["sql"])
    assert "neutrophils_g_per_l" in report_query and "alt_x_uln" in report_query


def test_everything_holds_the_lab_observations(patient, clinician):
    labs_report(patient)
    result = haemoglobin(patient, clinician)
    bundle = logged_in(clinician).get(f"/fhir/Patient/{patient.pk}/$everything").json()
    ids = {e["resource"]["id"] for e in bundle["entry"]}
    assert f"efs-hb-{result.pk}" in ids
    assert any(key.endswith("-lab-neutrophils") for key in ids)


def test_a_value_the_patient_typed_in_is_preliminary_and_says_so(patient, clinician):
    """Review M5: a neutrophil count a patient copied into a home report is not a validated
    result dated at the sample: it goes out preliminary, with the report time as `issued`."""
    typed = submit(patient, source="patient", observations={"neutrophils_g_per_l": 0.4}, vitals={})
    measured = labs_report(patient)
    client = logged_in(clinician)
    own = client.get(f"/fhir/Observation/{typed.pk.hex}-lab-neutrophils").json()
    Observation.model_validate(own)
    assert (
        own["status"] == "preliminary" and "sampling date is not recorded" in own["note"][0]["text"]
    )
    assert own["issued"] == typed.submitted_at.isoformat()
    checked = client.get(f"/fhir/Observation/{measured.pk.hex}-lab-neutrophils").json()
    assert checked["status"] == "final" and "note" not in checked
