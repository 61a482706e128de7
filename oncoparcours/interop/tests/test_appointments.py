"""Home nurse visits through FHIR (Appointment): the visits of the tour plan in force for their
day (latest published version; drafts and replaced versions never), with start, end, patient,
nurse and the pathway step (Task) they carry out; status from the step; searchable by patient,
date and status; care team only, audited; queries do not grow with the results."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fhir.resources.R4B.appointment import Appointment

from oncoparcours.core.models import AuditEvent
from oncoparcours.pathways import services
from oncoparcours.pathways.models import PathwayTemplate
from oncoparcours.pathways.services.activities import activity_transition
from oncoparcours.planning.models import Tour, TourNurse, TourPlan, TourVisit
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    PatientFactory,
    ProfessionalFactory,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 12)


def logged_in(professional) -> Client:
    client = Client()
    client.force_login(professional.user)
    return client


@pytest.fixture
def nurse(db):
    return TourNurse.objects.create(
        professional=ProfessionalFactory(),
        home_latitude=45.75,
        home_longitude=4.85,
        shift_start=7 * 60,
        shift_end=19 * 60,
    )


def plan(user, version=1, status="published", day=DAY):
    return TourPlan.objects.create(
        day=day,
        version=version,
        status=status,
        rules_version=1,
        created_by=user,
        published_at=timezone.now() if status == "published" else None,
    )


def visit(tour_plan, nurse, activity, start=9 * 60, order=1):
    tour, _ = Tour.objects.get_or_create(
        plan=tour_plan, nurse=nurse, defaults={"depart": 8 * 60, "back": 12 * 60, "distance_m": 1}
    )
    return TourVisit.objects.create(
        tour=tour, activity=activity, patient_id=activity.patient_id, order=order,
        arrival=start - 5, start=start, end=start + 30, travel_minutes=10, distance_m=1000,
        latitude=45.7, longitude=4.8,
    )  # fmt: skip


def activities_of(patient, clinician, count=1):
    instance = services.pathway_apply(
        template=PathwayTemplate.objects.get(code="home-immunotherapy", is_latest=True),
        patient=patient,
        start=dt.date.today() - dt.timedelta(days=60),
        parameters={"interval_weeks": 3},
        actor=clinician.user,
    )
    return list(instance.activities.order_by("day", "key")[:count])


def test_a_visit_of_the_plan_in_force_is_an_appointment(patient, clinician, nurse, outsider):
    first, second = activities_of(patient, clinician, 2)
    old = plan(clinician.user, 1)
    visit(old, nurse, first)
    current = plan(clinician.user, 2)
    kept = visit(current, nurse, first, start=10 * 60)
    visit(plan(clinician.user, 3, status="draft"), nurse, second)
    client = logged_in(clinician)
    found = client.get(f"/fhir/Appointment?patient={patient.pk}").json()
    assert found["total"] == 1
    resource = found["entry"][0]["resource"]
    Appointment.model_validate(resource)
    assert resource["id"] == f"tour-visit-{kept.pk}"
    assert resource["status"] == "booked"
    start = dt.datetime.fromisoformat(resource["start"])
    assert timezone.localtime(start).time() == dt.time(10, 0) and start.date() == DAY
    assert resource["minutesDuration"] == 30
    actors = [p["actor"]["reference"] for p in resource["participant"]]
    assert actors == [f"Patient/{patient.pk}", f"Practitioner/{nurse.professional_id}"]
    assert resource["supportingInformation"] == [{"reference": f"Task/{first.pk}"}]
    read = client.get(f"/fhir/Appointment/tour-visit-{kept.pk}")
    assert read.status_code == 200
    assert AuditEvent.objects.filter(
        action="view", patient_id=patient.pk, details__what="FHIR Appointment"
    ).exists()
    assert client.get(f"/fhir/Appointment/tour-visit-{kept.pk - 1}").status_code == 404
    assert logged_in(outsider).get(f"/fhir/Appointment/tour-visit-{kept.pk}").status_code == 404
    activity_transition(activity=first, to="done", actor=clinician.user, on=first.day)
    assert client.get("/fhir/Appointment?status=fulfilled").json()["total"] == 1
    assert client.get("/fhir/Appointment?status=booked").json()["total"] == 0
    assert client.get("/fhir/Appointment?date=2026-03").json()["total"] == 1
    assert client.get("/fhir/Appointment?date=gt2026-03-12").json()["total"] == 0
    for query, name in (("status=done", "status"), ("_id=12", "_id"), ("date=12/03", "date")):
        bad = client.get(f"/fhir/Appointment?{query}")
        assert bad.status_code == 400 and bad.json()["issue"][0]["expression"] == [name]


def test_query_count_does_not_grow_with_results(clinician, nurse):
    client = logged_in(clinician)
    tour_plan = plan(clinician.user)
    order = iter(range(1, 100))

    def add_patient():
        patient = PatientFactory()
        CareTeamMemberFactory(patient=patient, professional=clinician)
        for activity in activities_of(patient, clinician, 2):
            visit(tour_plan, nurse, activity, order=next(order))

    def measure():
        with CaptureQueriesContext(connection) as queries:
            bundle = client.get("/fhir/Appointment?_count=100").json()
        return len(queries), len(bundle["entry"])

    add_patient()
    client.get("/fhir/Appointment")
    one, shown_one = measure()
    for _ in range(4):
        add_patient()
    five, shown_five = measure()
    assert (shown_one, shown_five) == (2, 10)
    assert five == one
