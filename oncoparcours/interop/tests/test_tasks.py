"""The steps of a care pathway through FHIR (Task): based on the CarePlan, for the patient, a
status read from the step (a missed step fails, never completes) and from the pathway (a paused
pathway puts its open steps on hold), searchable by patient, status and based-on; care team only,
audited; the number of queries does not grow with the results."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.task import Task

from oncoparcours.core.models import AuditEvent
from oncoparcours.pathways import services
from oncoparcours.pathways.models import ActivityStatus, PathwayTemplate
from oncoparcours.pathways.services.activities import activity_transition
from oncoparcours.pathways.services.lifecycle import pathway_pause
from oncoparcours.testing.factories import CareTeamMemberFactory, PatientFactory

pytestmark = pytest.mark.django_db


def logged_in(professional) -> Client:
    client = Client()
    client.force_login(professional.user)
    return client


def apply(patient, clinician):
    return services.pathway_apply(
        template=PathwayTemplate.objects.get(code="home-immunotherapy", is_latest=True),
        patient=patient,
        start=dt.date.today() - dt.timedelta(days=60),
        parameters={"interval_weeks": 3},
        actor=clinician.user,
    )


def test_steps_are_tasks_of_the_care_plan(patient, clinician):
    instance = apply(patient, clinician)
    first, second = instance.activities.order_by("day", "key")[:2]
    activity_transition(activity=first, to="done", actor=clinician.user, on=first.day)
    activity_transition(
        activity=second, to=ActivityStatus.MISSED, actor=clinician.user, note="Patiente absente"
    )
    client = logged_in(clinician)
    done = client.get(f"/fhir/Task/{first.pk}").json()
    Task.model_validate(done)
    assert done["basedOn"] == [{"reference": f"CarePlan/{instance.pk}"}]
    assert done["for"] == {"reference": f"Patient/{patient.pk}"}
    assert done["status"] == "completed" and done["intent"] == "plan"
    assert done["executionPeriod"]["start"] == first.day.isoformat()
    assert done["code"]["text"] == first.title_fr
    missed = client.get(f"/fhir/Task/{second.pk}").json()
    assert missed["status"] == "failed"
    assert missed["statusReason"]["text"] == "Manquée : Patiente absente"
    assert AuditEvent.objects.filter(
        action="view", patient_id=patient.pk, object_id=str(first.pk)
    ).exists()
    plan = client.get(f"/fhir/Task?based-on=CarePlan/{instance.pk}&_count=100").json()
    assert plan["total"] == instance.activities.count()
    assert client.get(f"/fhir/Task?patient={patient.pk}&status=failed").json()["total"] == 1
    opened = client.get(f"/fhir/Task?patient={patient.pk}&status=requested,accepted").json()
    assert opened["total"] == instance.activities.count() - 2


def test_a_paused_pathway_puts_open_steps_on_hold(patient, clinician):
    instance = apply(patient, clinician)
    pathway_pause(instance=instance, actor=clinician.user, reason="toxicity")
    client = logged_in(clinician)
    held = client.get(f"/fhir/Task?patient={patient.pk}&status=on-hold&_count=100").json()
    assert held["total"] == instance.activities.count()
    resource = held["entry"][0]["resource"]
    Task.model_validate(resource)
    assert resource["status"] == "on-hold" and "toxicity" in resource["statusReason"]["text"]
    assert resource["statusReason"]["coding"][0]["code"] == "toxicity"


def test_refusals_and_outsiders(patient, clinician, outsider):
    instance = apply(patient, clinician)
    activity = instance.activities.first()
    client = logged_in(clinician)
    for query, name in (("status=paused", "status"), ("based-on=CarePlan/x", "based-on")):
        bad = client.get(f"/fhir/Task?{query}")
        assert bad.status_code == 400 and bad.json()["issue"][0]["expression"] == [name]
    stranger = logged_in(outsider)
    assert stranger.get(f"/fhir/Task/{activity.pk}").status_code == 404
    assert stranger.get(f"/fhir/Task?patient={patient.pk}").json()["total"] == 0


def test_query_count_does_not_grow_with_results(clinician):
    client = logged_in(clinician)

    def add_patient():
        patient = PatientFactory()
        CareTeamMemberFactory(patient=patient, professional=clinician)
        apply(patient, clinician)

    def measure():
        with CaptureQueriesContext(connection) as queries:
            bundle = client.get("/fhir/Task?_count=100").json()
        return len(queries), bundle["total"], len(bundle["entry"])

    add_patient()
    client.get("/fhir/Task")
    one, total_one, shown_one = measure()
    for _ in range(4):
        add_patient()
    five, total_five, shown_five = measure()
    assert total_five == 5 * total_one and shown_five == shown_one == 100
    assert five == one
