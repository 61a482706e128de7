"""Care pathways through FHIR (CarePlan): the template and version applied, status, and every
activity with its status, day and place — a missed activity never reads as done; care team
only, audited; the number of queries does not grow with the activities."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.careplan import CarePlan

from oncoparcours.core.models import AuditEvent
from oncoparcours.pathways import services
from oncoparcours.pathways.models import ActivityStatus, PathwayTemplate
from oncoparcours.pathways.services.activities import activity_transition
from oncoparcours.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def logged_in(professional) -> Client:
    client = Client()
    client.force_login(professional.user)
    return client


@pytest.fixture
def instance(patient, clinician):
    patient.expert_centre = OrganisationFactory(name="Centre Léon Bérard", kind="clcc")
    patient.proximity_centre = OrganisationFactory(name="CH de Vienne", kind="ch")
    patient.save()
    return services.pathway_apply(
        template=PathwayTemplate.objects.get(code="home-immunotherapy", is_latest=True),
        patient=patient,
        start=dt.date.today() - dt.timedelta(days=60),
        parameters={"interval_weeks": 3},
        actor=clinician.user,
    )


def details(resource):
    return {a["detail"]["extension"][0]["valueString"]: a["detail"] for a in resource["activity"]}


def test_pathway_with_its_activities(instance, clinician, patient):
    first, second = instance.activities.order_by("day", "key")[:2]
    activity_transition(activity=first, to="done", actor=clinician.user, on=first.day)
    activity_transition(
        activity=second, to=ActivityStatus.MISSED, actor=clinician.user, note="Patiente absente"
    )
    resource = logged_in(clinician).get(f"/fhir/CarePlan/{instance.pk}").json()
    CarePlan.model_validate(resource)
    assert resource["status"] == "active" and resource["intent"] == "plan"
    template = instance.template
    assert resource["instantiatesUri"] == [
        f"https://oncoparcours.fr/fhir/PlanDefinition/{template.code}/{template.version}"
    ]
    activities = details(resource)
    assert len(activities) == instance.activities.count()
    assert activities[first.key]["status"] == "completed"
    assert activities[second.key]["status"] == "stopped"
    assert activities[second.key]["statusReason"]["text"] == "Manquée : Patiente absente"
    assert activities[first.key]["code"]["text"] == first.title_fr
    assert AuditEvent.objects.filter(
        action="view", patient_id=patient.pk, object_id=str(instance.pk)
    ).exists()


def test_a_paused_pathway_and_its_open_activities_are_on_hold(instance, clinician):
    first = instance.activities.order_by("day", "key").first()
    activity_transition(activity=first, to="done", actor=clinician.user, on=first.day)
    services.pathway_pause(instance=instance, actor=clinician.user, reason="toxicity")
    resource = logged_in(clinician).get(f"/fhir/CarePlan/{instance.pk}").json()
    CarePlan.model_validate(resource)
    assert resource["status"] == "on-hold"
    activities = details(resource)
    assert activities.pop(first.key)["status"] == "completed"  # what was done stays done
    assert activities and {a["status"] for a in activities.values()} <= {"on-hold", "cancelled"}
    assert not {a["status"] for a in activities.values()} & {"scheduled", "not-started"}
    assert next(iter(activities.values()))["statusReason"]["text"] == "Parcours suspendu"


def test_search_by_status_and_outsiders(instance, clinician, outsider, patient):
    client = logged_in(clinician)
    assert client.get(f"/fhir/CarePlan?patient={patient.pk}&status=active").json()["total"] == 1
    assert client.get("/fhir/CarePlan?status=completed").json()["total"] == 0
    bad = client.get("/fhir/CarePlan?status=paused")
    assert bad.status_code == 400 and bad.json()["issue"][0]["expression"] == ["status"]
    stranger = logged_in(outsider)
    assert stranger.get(f"/fhir/CarePlan/{instance.pk}").status_code == 404
    assert stranger.get(f"/fhir/CarePlan?patient={patient.pk}").json()["total"] == 0


def test_queries_do_not_grow_with_activities(instance, clinician):
    client = logged_in(clinician)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/fhir/CarePlan").status_code == 200
    assert instance.activities.count() > 5
    assert len(queries) <= 12
