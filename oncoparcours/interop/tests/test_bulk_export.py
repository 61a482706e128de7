"""``$export``: a registered system receives every patient of its organisations' care teams as
pseudonymised NDJSON, without the patients who object to the export's purpose."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from fhir.resources.R4B import get_fhir_model_class

from oncoparcours.core.models import AuditAction, AuditEvent
from oncoparcours.patients import services as patient_services
from oncoparcours.testing.factories import CareTeamMemberFactory, DiagnosisFactory, PatientFactory

from .test_system_access import call, register, token

pytestmark = pytest.mark.django_db


def lines(response):
    return [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]


@pytest.fixture
def exporter(lyon):
    new = register(lyon, ["system/*.rs"])
    return token(
        new,
        "system/Patient.rs system/Condition.rs system/Observation.rs system/MedicationStatement.rs",
    )["access_token"]


def exported_as(purpose):
    """The pseudonyms of the (only) registered system's exports for ``purpose``."""
    from oncoparcours.interop.bulk_export import Pseudonyms
    from oncoparcours.interop.models import ApiClient

    return Pseudonyms(purpose, recipient=f"client:{ApiClient.objects.get().pk}")


def objecting(patient, purpose, doctor):
    patient_services.consent_record(
        actor=doctor.user,
        patient=patient,
        kind="data_sharing",
        scope=purpose,
        decision="opposition",
        recorded_on=dt.date.today(),
    )


def test_export_is_pseudonymised_valid_and_leaves_out_who_objects(lyon_patient, exporter):
    DiagnosisFactory(patient=lyon_patient)
    doctor = lyon_patient.care_team.first().professional
    other = PatientFactory(birth_last_name="OPPOSANTE")
    CareTeamMemberFactory(patient=other, professional=doctor)
    objecting(other, "evaluation", doctor)

    response = call(exporter, "/fhir/$export?purpose=evaluation")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+ndjson"
    assert response["Cache-Control"] == "no-store"
    found = lines(response)
    patients = [r for r in found if r["resourceType"] == "Patient"]
    assert len(patients) == 1  # the objecting patient is not exported
    text = json.dumps(found)
    for identifying in (lyon_patient.birth_last_name, str(lyon_patient.pk), "OPPOSANTE"):
        assert identifying not in text
    assert patients[0]["birthDate"] == str(lyon_patient.birth_date.year)
    conditions = [r for r in found if r["resourceType"] == "Condition"]
    assert conditions and conditions[0]["subject"]["reference"] == f"Patient/{patients[0]['id']}"
    for resource in found:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    # The same patient under another purpose (no opposition to research) is exported.
    research = lines(call(exporter, "/fhir/$export?purpose=research&_type=Patient"))
    assert len(research) == 2 and {r["resourceType"] for r in research} == {"Patient"}
    assert research[0]["id"] not in {p["id"] for p in patients}  # purposes cannot be joined
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, patient_id=lyon_patient.pk, details__purpose="evaluation"
    ).exists()
    assert not AuditEvent.objects.filter(
        action=AuditAction.EXPORT, patient_id=other.pk, details__purpose="evaluation"
    ).exists()


@pytest.mark.parametrize(
    ("query", "expression"),
    [
        ("", "purpose"),
        ("?purpose=marketing", "purpose"),
        ("?purpose=research&_type=Practitioner", "_type"),
        ("?purpose=research&_since=2020", "_since"),
    ],
)
def test_a_bad_export_request_is_an_operation_outcome_naming_the_parameter(
    lyon_patient,
    exporter,
    query,
    expression,
):
    response = call(exporter, f"/fhir/$export{query}")
    assert response.status_code == 400
    assert response.json()["issue"][0]["expression"] == [expression]


def test_bulk_export_is_for_systems_not_sessions(lyon_patient):
    doctor = lyon_patient.care_team.first().professional
    client = Client()
    client.force_login(doctor.user)
    response = client.get("/fhir/$export?purpose=research")
    assert response.status_code == 403
    assert response.json()["resourceType"] == "OperationOutcome"


def test_a_token_without_the_type_scope_is_refused(lyon, lyon_patient):
    new = register(lyon, ["system/Patient.rs"])
    access = token(new, "system/Patient.rs")["access_token"]
    response = call(access, "/fhir/$export?purpose=research&_type=Patient,Condition")
    assert response.status_code == 403
    assert "system/Condition.s" in response.json()["issue"][0]["diagnostics"]


def test_two_systems_exporting_for_one_purpose_cannot_join_their_files(lyon, lyon_patient):
    first = token(register(lyon, ["system/*.rs"]), "system/Patient.rs")["access_token"]
    second = token(register(lyon, ["system/*.rs"]), "system/Patient.rs")["access_token"]
    ids = [
        lines(call(bearer, "/fhir/$export?purpose=evaluation"))[0]["id"]
        for bearer in (first, second)
    ]
    assert ids[0] != ids[1]


def test_a_system_exports_only_for_the_purposes_it_is_registered_for(lyon, lyon_patient):
    research = register(lyon, ["system/*.rs"], purposes=["research"])
    bearer = token(research, "system/Patient.rs")["access_token"]
    assert call(bearer, "/fhir/$export?purpose=research").status_code == 200
    for headers in ({}, {"HTTP_PREFER": "respond-async"}):
        refused = Client().get(
            "/fhir/$export?purpose=network", HTTP_AUTHORIZATION=f"Bearer {bearer}", **headers
        )
        assert refused.status_code == 403
        issue = refused.json()["issue"][0]
        assert issue["expression"] == ["purpose"]
        assert "registered: research" in issue["diagnostics"]


def test_unknown_export_purposes_are_refused_when_a_system_is_registered(lyon):
    from oncoparcours.core.errors import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        register(lyon, ["system/*.rs"], purposes=["marketing"])
    assert refused.value.field == "export_purposes"


def test_one_purpose_per_export_and_everything_takes_no_parameter(lyon_patient, exporter):
    twice = call(exporter, "/fhir/$export?purpose=marketing&purpose=evaluation")
    assert twice.status_code == 400
    assert twice.json()["issue"][0]["expression"] == ["purpose"]
    for query in ("_type=Encounter", "_count=0", "_since=x", "foo=bar"):
        refused = call(exporter, f"/fhir/Patient/{lyon_patient.pk}/$everything?{query}")
        assert refused.status_code == 400, query
        assert refused.json()["issue"][0]["expression"] == [query.split("=")[0]]
    assert call(exporter, f"/fhir/Patient/{lyon_patient.pk}/$everything").status_code == 200
