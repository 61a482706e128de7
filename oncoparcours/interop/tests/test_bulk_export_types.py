"""``$export`` of every patient-data type the API serves (Condition, MedicationStatement,
QuestionnaireResponse, AdverseEvent, CarePlan, Task, Appointment, Encounter,
BiologicallyDerivedProduct, and the record's, report and lab Observations): each valid,
pseudonymised (references point to the pseudonyms, free text and names dropped), and **never
for a patient who objects** to the export's purpose (safety rule: one test per type)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from oncoparcours.celltherapy.models import Booking, CarTOrder, HaemoglobinResult
from oncoparcours.interop.bulk_export import TYPES
from oncoparcours.monitoring.services.reports import report_submit
from oncoparcours.pathways import services as pathway_services
from oncoparcours.pathways.models import PathwayTemplate
from oncoparcours.patients.models import PerformanceStatus, Staging
from oncoparcours.testing.celltherapy import car_t_setting, place_order
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    DiagnosisFactory,
    PatientFactory,
    TreatmentCourseFactory,
)

from .test_adverse_events import record as adverse_event
from .test_bulk_export import exported_as, lines, objecting
from .test_encounters import board, discussed, session
from .test_system_access import call, register, token

pytestmark = pytest.mark.django_db
SECRET = "TEXTE-LIBRE-SECRET"
NEW_TYPES = (
    "Condition",
    "Observation",
    "MedicationStatement",
    "QuestionnaireResponse",
    "AdverseEvent",
    "CarePlan",
    "Task",
    "Appointment",
    "Encounter",
    "BiologicallyDerivedProduct",
)


def full_record(patient, doctor):
    """One row or more of every type for ``patient``, with free text where the model has it."""
    report_submit(
        patient=patient, source="nurse", submission_key=uuid.uuid4(), treatments=("car_t",),
        observations={"temperature_c": 38.4, "neutrophils_g_per_l": 0.3},
        vitals={"heart_rate": 110}, comment=SECRET, days_since_infusion=4,
        submitted_at=timezone.now() - dt.timedelta(hours=2),
    )  # fmt: skip
    HaemoglobinResult.objects.create(
        patient=patient, value_g_dl=Decimal("10.1"), measured_on=timezone.localdate(),
        moment="request", recorded_by=doctor.user,
    )  # fmt: skip
    adverse_event(patient, doctor)
    diagnosis = DiagnosisFactory(patient=patient, note=SECRET, icdo3_topography="C34.1")
    Staging.objects.create(diagnosis=diagnosis, kind="clinical", t="T2", n="N0", m="M0",
                           stage_group="IB", staged_on=timezone.localdate())  # fmt: skip
    PerformanceStatus.objects.create(patient=patient, value=1, recorded_on=timezone.localdate())
    TreatmentCourseFactory(patient=patient, recorded_by=doctor.user, note=SECRET, line=2,
                           ended_on=timezone.localdate(), end_reason="other")  # fmt: skip
    pathway_services.pathway_apply(
        template=PathwayTemplate.objects.get(code="home-immunotherapy", is_latest=True),
        patient=patient,
        start=dt.date.today() - dt.timedelta(days=60),
        parameters={"interval_weeks": 3},
        actor=doctor.user,
    )
    setting = car_t_setting()
    order = place_order(patient, doctor.user)
    CarTOrder.objects.filter(pk=order.pk).update(planned_infusion_on=dt.date(2026, 5, 4))
    Booking.objects.create(
        centre=setting.efs_centre, patient=patient, procedure="leukapheresis_cart",
        status="declined", requested_by=doctor.user, wanted_from=dt.date(2026, 4, 1),
        wanted_until=dt.date(2026, 4, 8), order=order, decline_reason=SECRET,
    )  # fmt: skip
    discussed(patient, session(board(), chair=doctor), doctor)


@pytest.fixture
def exporter(lyon):
    return token(register(lyon, ["system/*.rs"]), "system/*.rs")["access_token"]


@pytest.fixture
def two_patients(lyon_patient):
    doctor = lyon_patient.care_team.first().professional
    other = PatientFactory(birth_last_name="OPPOSANTE")
    CareTeamMemberFactory(patient=other, professional=doctor)
    for patient in (lyon_patient, other):
        full_record(patient, doctor)
    objecting(other, "evaluation", doctor)
    return lyon_patient, other


def test_every_patient_type_the_api_serves_is_exported():
    from oncoparcours.interop.views import SEARCHES

    not_patient_data = {"Practitioner", "PractitionerRole", "Organization", "ResearchStudy"}
    assert set(TYPES) == set(SEARCHES) - not_patient_data


@pytest.mark.parametrize("resource_type", NEW_TYPES)
def test_each_type_is_exported_pseudonymised_and_never_for_an_objecting_patient(
    two_patients, exporter, resource_type
):
    kept, other = two_patients
    response = call(exporter, f"/fhir/$export?purpose=evaluation&_type=Patient,{resource_type}")
    assert response.status_code == 200
    found = lines(response)
    patients = [r for r in found if r["resourceType"] == "Patient"]
    assert len(patients) == 1
    exported = [r for r in found if r["resourceType"] == resource_type]
    assert exported, resource_type
    alias = exported_as("evaluation")
    text = json.dumps(found, ensure_ascii=False)
    # Nothing of the objecting patient: neither their pseudonym nor their rows' ids.
    assert alias(other.pk) not in text
    assert patients[0]["id"] == alias(kept.pk)
    for identifying in (str(kept.pk), str(other.pk), "OPPOSANTE", kept.birth_last_name, SECRET):
        assert identifying not in text
    for resource in exported:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert "identifier" not in resource and "note" not in resource
        references = [value for value in _references(resource) if value.startswith("Patient/")]
        assert references and set(references) == {f"Patient/{patients[0]['id']}"}


def _references(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference":
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def test_report_and_lab_observations_are_in_the_export(two_patients, exporter):
    found = lines(call(exporter, "/fhir/$export?purpose=evaluation&_type=Observation"))
    codes = {r["code"]["coding"][0]["code"] for r in found}
    assert {"26499-4", "718-7", "8867-4", "8310-5"} <= codes
    # The derived Observation points to its pseudonymised QuestionnaireResponse.
    answers = lines(call(exporter, "/fhir/$export?purpose=evaluation&_type=QuestionnaireResponse"))
    derived = next(r for r in found if r["code"]["coding"][0]["code"] == "26499-4")
    assert derived["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{answers[0]['id']}"}]
    assert not any(item["linkId"] == "comment" for item in answers[0]["item"])


def test_without_type_the_export_holds_the_types_the_token_grants(two_patients, lyon):
    narrow = token(register(lyon, ["system/Patient.rs", "system/Task.rs"]),
                   "system/Patient.rs system/Task.rs")["access_token"]  # fmt: skip
    found = lines(call(narrow, "/fhir/$export?purpose=evaluation"))
    assert {r["resourceType"] for r in found} == {"Patient", "Task"}


def test_query_count_per_chunk_does_not_grow_with_patients(lyon_patient, exporter):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    doctor = lyon_patient.care_team.first().professional

    def measure():
        with CaptureQueriesContext(connection) as queries:
            response = call(exporter, "/fhir/$export?purpose=research")
            found = lines(response)
        return len(queries), len(found)

    full_record(lyon_patient, doctor)
    one, size_one = measure()
    for _ in range(2):
        patient = PatientFactory()
        CareTeamMemberFactory(patient=patient, professional=doctor)
        full_record(patient, doctor)
    three, size_three = measure()
    assert size_three > size_one
    assert three == one


def test_the_capability_statement_declares_the_export(lyon_patient):
    from django.test import Client

    statement = Client().get("/fhir/metadata").json()
    (rest,) = statement["rest"]
    assert {
        "name": "export",
        "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export",
    } in rest["operation"]
    observation = next(r for r in rest["resource"] if r["type"] == "Observation")
    code = next(p for p in observation["searchParam"] if p["name"] == "code")
    assert "26499-4" in code["documentation"] and "718-7" in code["documentation"]


def test_care_plans_and_tasks_are_those_of_the_api_in_the_task_search_order(two_patients, exporter):
    """The export reads the activities once, with the care plans and only the columns the
    resources use: its CarePlans and Tasks are the API's resources, pseudonymised, the Tasks in
    the Task search's order (pathway, day, key), with or without the CarePlans asked."""
    from oncoparcours.interop.bulk_export import _rewrite
    from oncoparcours.interop.careplan_resources import _instances, careplan_resource
    from oncoparcours.interop.task_resources import pathway_steps, task_resource
    from oncoparcours.pathways.models import ActivityInstance

    kept, _ = two_patients
    steps = ActivityInstance.objects.filter(patient=kept).order_by("day", "key")
    done, missed = steps[0], steps[1]
    ActivityInstance.objects.filter(pk=done.pk).update(
        status="done", done_on=done.day, result_value=Decimal("1.5"), result_unit="g/L"
    )
    ActivityInstance.objects.filter(pk=missed.pk).update(status="missed", note=SECRET)
    alias = exported_as("evaluation")
    tasks = [
        _rewrite(task_resource(step), alias)
        for step in pathway_steps().filter(patient=kept).order_by("instance_id", "day", "key")
    ]
    plans = [
        _rewrite(careplan_resource(plan), alias)
        for plan in _instances().filter(patient=kept).order_by("start_date", "pk")
    ]
    assert len(tasks) > 2 and plans
    for asked in ("Task", "CarePlan,Task"):
        found = lines(call(exporter, f"/fhir/$export?purpose=evaluation&_type={asked}"))
        assert [r for r in found if r["resourceType"] == "Task"] == tasks
    assert [r for r in found if r["resourceType"] == "CarePlan"] == plans
    assert SECRET not in json.dumps(found, ensure_ascii=False)


def test_a_corrected_adverse_event_is_exported_once_as_corrected(lyon_patient, exporter):
    doctor = lyon_patient.care_team.first().professional
    first = adverse_event(lyon_patient, doctor, grade=3)
    corrected = adverse_event(lyon_patient, doctor, grade=2, supersedes=first)
    response = call(exporter, "/fhir/$export?purpose=evaluation&_type=AdverseEvent")
    events = [r for r in lines(response) if r["resourceType"] == "AdverseEvent"]
    alias = exported_as("evaluation")
    assert [event["id"] for event in events] == [alias(str(corrected.pk))]
    assert events[0]["severity"]["coding"][0]["code"] == "moderate"
