"""``$everything`` carries the follow-up: vital signs and grades of the reports, the care
pathway (CarePlan) and its steps (Task), home nurse visits (Appointment) and board discussions
(Encounter); a system sees only the types its token reads, and only its care teams' data."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from oncoparcours.monitoring.services.reports import report_submit
from oncoparcours.pathways import services as pathways
from oncoparcours.pathways.models import PathwayTemplate
from oncoparcours.planning.models import TourNurse
from oncoparcours.testing.factories import ProfessionalFactory

from .test_appointments import plan, visit
from .test_encounters import board, discussed, session
from .test_system_access import call, register, token

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed(lyon_patient):
    doctor = lyon_patient.care_team.first().professional
    instance = pathways.pathway_apply(
        template=PathwayTemplate.objects.get(code="home-immunotherapy", is_latest=True),
        patient=lyon_patient,
        start=dt.date.today() - dt.timedelta(days=60),
        parameters={"interval_weeks": 3},
        actor=doctor.user,
    )
    nurse = TourNurse.objects.create(
        professional=ProfessionalFactory(), home_latitude=45.7, home_longitude=4.8,
        shift_start=420, shift_end=1140,
    )  # fmt: skip
    visit(plan(doctor.user), nurse, instance.activities.order_by("day", "key").first())
    discussed(lyon_patient, session(board("https://visio.example.org")), doctor)
    report_submit(
        patient=lyon_patient, source="patient", observations={"temperature_c": 38.2},
        vitals={"heart_rate": 90}, submission_key=uuid.uuid4(), treatments=("chemotherapy",),
    )  # fmt: skip
    return lyon_patient, instance


def kinds(bundle):
    found: dict[str, int] = {}
    for entry in bundle["entry"]:
        kind = entry["resource"]["resourceType"]
        found[kind] = found.get(kind, 0) + 1
    return found


def test_everything_holds_the_follow_up(followed):
    patient, instance = followed
    client = Client()
    client.force_login(patient.care_team.first().professional.user)
    bundle = client.get(f"/fhir/Patient/{patient.pk}/$everything").json()
    Bundle.model_validate(bundle)
    found = kinds(bundle)
    assert found["CarePlan"] == 1 and found["Task"] == instance.activities.count()
    assert found["Appointment"] == 1 and found["Encounter"] == 1
    codes = {
        e["resource"]["code"]["coding"][0]["code"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
    }
    assert {"8310-5", "8867-4", "fever"} <= codes


def test_a_system_sees_only_the_types_its_token_reads(lyon, followed):
    patient, instance = followed
    new = register(lyon, ["system/Patient.rs", "system/Encounter.rs", "system/Task.rs"])
    granted = token(new, "system/Patient.r system/Encounter.r")
    bundle = call(granted["access_token"], f"/fhir/Patient/{patient.pk}/$everything").json()
    assert kinds(bundle) == {"Patient": 1, "Encounter": 1}
    tasks = call(granted["access_token"], "/fhir/Task")
    assert tasks.status_code == 403 and tasks.json()["issue"][0]["expression"] == ["Task"]
    wider = token(new, "system/Encounter.rs system/Task.rs")["access_token"]
    assert call(wider, "/fhir/Encounter").json()["total"] == 1
    assert call(wider, "/fhir/Task").json()["total"] == instance.activities.count()
