"""The FHIR API as a hospital system sees it: CapabilityStatement, Patient and Condition read
and search, scoped to the care team (404 otherwise), audited, paged, errors as
OperationOutcome naming the failing parameter."""

from __future__ import annotations

import datetime as dt

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.patient import Patient as FhirPatient

from oncoparcours.core.models import AuditEvent
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    DiagnosisFactory,
    PatientFactory,
    ProfessionalFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(staff):
    return staff


def in_team(doctor, **fields):
    patient = PatientFactory(**fields)
    CareTeamMemberFactory(patient=patient, professional=doctor)
    return patient


def get(client, url, status=200):
    answer = client.get(url)
    assert answer.status_code == status, answer.content
    assert answer["Content-Type"].startswith("application/fhir+json")
    assert answer["Cache-Control"] == "no-store"
    return answer.json()


def test_capability_statement_lists_what_is_served(client):
    statement = get(client, "/fhir/metadata")
    CapabilityStatement.model_validate(statement)
    served = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert set(served) >= {"Patient", "Condition"}
    assert {"patient", "code"} <= {p["name"] for p in served["Condition"]["searchParam"]}


def test_patient_read_is_mcode_and_leaves_out_the_ins(client_for, doctor):
    patient = in_team(
        doctor,
        birth_last_name="MARTIN",
        used_last_name="DURAND",
        first_names="MARIE CLAIRE",
        postcode="69003",
        city="Lyon",
        phone="0600000001",
        gp=ProfessionalFactory(),
    )
    resource = get(client_for, f"/fhir/Patient/{patient.pk}")
    FhirPatient.model_validate(resource)
    assert resource["meta"]["profile"] == [
        "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-cancer-patient"
    ]
    assert resource["name"][0] == {
        "use": "official",
        "family": "MARTIN",
        "given": ["Marie", "Claire"],
    }
    assert resource["name"][1]["family"] == "DURAND"
    assert resource["gender"] == "female" and resource["birthDate"] == "1960-05-17"
    assert resource["address"] == [{"postalCode": "69003", "city": "Lyon", "country": "FR"}]
    assert resource["generalPractitioner"][0]["identifier"]["value"] == patient.gp.rpps
    assert patient.ins and patient.ins not in str(resource)  # identity qualification unknown
    event = AuditEvent.objects.get(patient_id=patient.pk, action="view")
    assert event.details == {"what": "FHIR Patient"} and event.actor == doctor.user


def test_outside_the_care_team_is_not_found_and_audited(client_for):
    stranger = PatientFactory()
    answer = get(client_for, f"/fhir/Patient/{stranger.pk}", status=404)
    assert answer["resourceType"] == "OperationOutcome"
    assert answer["issue"][0]["code"] == "not-found"
    assert AuditEvent.objects.filter(patient_id=stranger.pk, action="denied").count() == 1
    unknown = get(client_for, "/fhir/Patient/00000000-0000-0000-0000-000000000000", status=404)
    assert unknown["issue"][0]["diagnostics"].replace(
        "00000000-0000-0000-0000-000000000000", "X"
    ) == answer["issue"][0]["diagnostics"].replace(str(stranger.pk), "X")
    assert get(client_for, f"/fhir/Patient?_id={stranger.pk}")["total"] == 0


def test_anonymous_call_gets_401_operation_outcome(client):
    patient = PatientFactory()
    answer = get(client, f"/fhir/Patient/{patient.pk}", status=401)
    assert answer["issue"][0]["code"] == "login"


def test_patient_search_by_name_and_birthdate_pages_with_links(client_for, doctor):
    for n in range(5):
        in_team(doctor, birth_last_name=f"LEROY{n}", birth_date=dt.date(1950 + n, 1, 2))
    in_team(doctor, birth_last_name="AUTRE")
    PatientFactory(birth_last_name="LEROY9")  # not in the team: never found
    bundle = get(client_for, "/fhir/Patient?family=leroy&birthdate=ge1951&_count=2")
    Bundle.model_validate(bundle)
    assert bundle["type"] == "searchset" and bundle["total"] == 4
    assert [e["resource"]["name"][0]["family"] for e in bundle["entry"]] == ["LEROY1", "LEROY2"]
    links = {link["relation"]: link["url"] for link in bundle["link"]}
    assert "previous" not in links and "_page=2" in links["next"]
    assert "family=leroy" in links["next"] and "_count=2" in links["next"]
    last = get(client_for, links["next"].split("testserver")[1])
    assert [e["resource"]["name"][0]["family"] for e in last["entry"]] == ["LEROY3", "LEROY4"]
    assert {link["relation"] for link in last["link"]} == {"self", "previous"}
    # One read event per patient returned, none for the others.
    assert AuditEvent.objects.filter(details__what="FHIR Patient search").count() == 4


def test_condition_search_by_patient_and_code(client_for, doctor):
    patient = in_team(doctor)
    primary = DiagnosisFactory(
        patient=patient, icd10="C34.1", icdo3_topography="C34.1", icdo3_morphology="8140/3"
    )
    DiagnosisFactory(patient=patient, icd10="C79.3", is_primary=False)
    DiagnosisFactory(icd10="C34.1")  # another patient's, outside the team
    bundle = get(client_for, f"/fhir/Condition?patient=Patient/{patient.pk}")
    assert bundle["total"] == 2
    first = bundle["entry"][0]["resource"]
    Condition.model_validate(first)
    assert first["id"] == str(primary.pk)
    assert first["meta"]["profile"][0].endswith("mcode-primary-cancer-condition")
    assert first["code"]["coding"][0]["code"] == "C34.1"
    assert first["bodySite"][0]["coding"][0]["code"] == "C34.1"
    histology = [e for e in first["extension"] if e["url"].endswith("morphology-behavior")]
    assert histology[0]["valueCodeableConcept"]["coding"][0]["code"] == "8140/3"
    assert bundle["entry"][1]["resource"]["meta"]["profile"][0].endswith(
        "mcode-secondary-cancer-condition"
    )
    by_code = get(client_for, "/fhir/Condition?code=http://hl7.org/fhir/sid/icd-10|C341")
    assert [e["resource"]["id"] for e in by_code["entry"]] == [str(primary.pk)]


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/fhir/Condition?patinet=x", "patinet"),
        ("/fhir/Patient?birthdate=17/05/1960", "birthdate"),
        ("/fhir/Patient?_count=1000", "_count"),
        ("/fhir/Patient?gender=f", "gender"),
        ("/fhir/Condition?patient=not-a-uuid", "patient"),
        ("/fhir/Condition?code=http://snomed.info/sct|254637007", "code"),
        ("/fhir/Condition?code=lung", "code"),
    ],
)
def test_bad_search_is_refused_naming_the_parameter(client_for, url, parameter):
    answer = get(client_for, url, status=400)
    assert answer["resourceType"] == "OperationOutcome"
    assert answer["issue"][0]["code"] == "invalid"
    assert answer["issue"][0]["expression"] == [parameter]


def test_unknown_resource_type_is_not_supported(client_for):
    answer = get(client_for, "/fhir/Medication", status=404)
    assert answer["issue"][0]["code"] == "not-supported"


def test_search_query_count_does_not_grow_with_results(
    client_for, doctor, django_assert_max_num_queries
):
    for _ in range(3):
        DiagnosisFactory(patient=in_team(doctor))
    with django_assert_max_num_queries(12) as few:
        get(client_for, "/fhir/Condition?_count=50")
    for _ in range(15):
        DiagnosisFactory(patient=in_team(doctor, gp=ProfessionalFactory()))
    with django_assert_max_num_queries(len(few.captured_queries)):
        get(client_for, "/fhir/Condition?_count=50")
    with django_assert_max_num_queries(len(few.captured_queries)):
        get(client_for, "/fhir/Patient?_count=50")


def test_medication_statement_search_and_read_carry_the_treatment(client_for, doctor):
    from fhir.resources.R4B.medicationstatement import MedicationStatement

    from oncoparcours.patients import services as patient_services

    patient = in_team(doctor)
    course = patient_services.treatment_start(
        actor=doctor.user,
        patient=patient,
        kind="immune_checkpoint_inhibitor",
        regimen="Pembrolizumab",
        started_on=dt.date(2026, 1, 5),
        line=2,
    )
    other = ProfessionalFactory()  # the outsider is treated by a physician of its own team
    outsider = in_team(other)
    patient_services.treatment_start(
        actor=other.user,
        patient=outsider,
        kind="chemotherapy",
        regimen="X",
        started_on=dt.date(2026, 1, 5),
    )
    bundle = get(client_for, f"/fhir/MedicationStatement?patient={patient.pk}")
    assert bundle["total"] == 1
    resource = bundle["entry"][0]["resource"]
    MedicationStatement.model_validate(resource)
    assert resource["status"] == "active"
    assert resource["medicationCodeableConcept"]["text"] == "Pembrolizumab"
    assert resource["extension"][0]["valueInteger"] == 2
    assert get(client_for, f"/fhir/MedicationStatement/{course.pk}")["id"] == str(course.pk)
    assert get(client_for, "/fhir/MedicationStatement")["total"] == 1  # never the outsider's


def test_a_condition_whose_code_has_no_label_is_served_valid(client_for, doctor):
    """An ICD-10 code outside the label table (an imported or older code): the Condition is
    served with the code alone, not refused nor an empty display."""
    patient = in_team(doctor)
    DiagnosisFactory(patient=patient, icd10="Z99.9")
    bundle = get(client_for, f"/fhir/Condition?patient=Patient/{patient.pk}")
    condition = bundle["entry"][0]["resource"]
    Condition.model_validate(condition)
    coding = condition["code"]["coding"][0]
    assert coding["code"] == "Z99.9" and coding.get("display", "label") != ""
    read = get(client_for, f"/fhir/Condition/{condition['id']}")
    assert read["code"]["coding"][0]["code"] == "Z99.9"


def test_capability_statement_declares_the_board_decision_document(client):
    statement = client.get("/fhir/metadata").json()
    (composition,) = [r for r in statement["rest"][0]["resource"] if r["type"] == "Composition"]
    assert composition["operation"] == [
        {
            "name": "document",
            "definition": "http://hl7.org/fhir/OperationDefinition/Composition-document",
        }
    ]
