"""The bulk export builds its CarePlans and Tasks pseudonymised from tuples
(``export_pathways``): they must be, key for key and in the same order, the API's resources
after the export's scrub, whatever the pathway's and the activities' states. And its NDJSON
encoder writes the bytes of the standard one (``ndjson``)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from oncoparcours.interop import export_pathways, ndjson
from oncoparcours.interop.bulk_export import Pseudonyms, _rewrite
from oncoparcours.interop.careplan_resources import _instances, careplan_resource
from oncoparcours.interop.task_resources import pathway_steps, task_resource
from oncoparcours.pathways import services as pathway_services
from oncoparcours.pathways.models import ActivityInstance, PathwayInstance, PathwayTemplate
from oncoparcours.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pathway(lyon_patient):
    doctor = lyon_patient.care_team.first().professional
    instance = pathway_services.pathway_apply(
        template=PathwayTemplate.objects.get(code="home-immunotherapy", is_latest=True),
        patient=lyon_patient,
        start=dt.date.today() - dt.timedelta(days=60),
        parameters={"interval_weeks": 3},
        actor=doctor.user,
    )
    steps = list(ActivityInstance.objects.filter(instance=instance).order_by("day", "key"))
    assert len(steps) >= 6
    done, missed, cancelled, scheduled, assigned, at_centre = steps[:6]
    update = ActivityInstance.objects.filter
    update(pk=done.pk).update(
        status="done", done_on=done.day, result_value=Decimal("1.50"), result_unit="g/L"
    )
    update(pk=missed.pk).update(status="missed", note="NOTE-LIBRE")
    update(pk=cancelled.pk).update(status="cancelled", note="")
    update(pk=scheduled.pk).update(status="scheduled", scheduled_for=timezone.now())
    update(pk=assigned.pk).update(assigned_to=doctor)
    update(pk=at_centre.pk).update(organisation=OrganisationFactory(name="Centre Léon Bérard"))
    return instance


def _expected(patient):
    alias = Pseudonyms("evaluation", recipient="client:test")
    plans = [
        _rewrite(careplan_resource(plan), alias)
        for plan in _instances().filter(patient=patient).order_by("start_date", "pk")
    ]
    tasks = [
        _rewrite(task_resource(step), alias)
        for step in pathway_steps().filter(patient=patient).order_by("instance_id", "day", "key")
    ]
    return plans, tasks


def _direct(patient):
    alias = Pseudonyms("evaluation", recipient="client:test")
    found = export_pathways.Pathways([patient.pk])
    plans = [export_pathways.careplan(row, alias) for row in found.careplan_rows()]
    tasks = [export_pathways.task(row, alias) for row in found.task_rows()]
    return plans, tasks


def _line(resource):
    return ndjson.encode(resource)


@pytest.mark.parametrize(
    ("status", "pause_reason", "end_reason"),
    [
        ("active", "", ""),
        ("paused", "hospitalisation", ""),
        ("paused", "", ""),
        ("ended", "", "progression"),
        ("completed", "", ""),
    ],
)
def test_careplans_and_tasks_built_directly_are_the_scrubbed_api_resources(
    lyon_patient, pathway, status, pause_reason, end_reason
):
    PathwayInstance.objects.filter(pk=pathway.pk).update(
        status=status,
        pause_reason=pause_reason,
        end_reason=end_reason,
        ended_on=dt.date.today() if status in ("ended", "completed") else None,
    )
    expected_plans, expected_tasks = _expected(lyon_patient)
    plans, tasks = _direct(lyon_patient)
    assert plans == expected_plans
    assert tasks == expected_tasks
    # The same bytes too (key order; floats: see the encoder test below).
    assert [_line(r) for r in plans + tasks] == [
        json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode()
        for r in expected_plans + expected_tasks
    ]
    statuses = {task["status"] for task in tasks}
    if status == "paused":
        assert "on-hold" in statuses
        on_hold = next(task for task in tasks if task["status"] == "on-hold")
        assert ("statusReason" in on_hold) == bool(pause_reason)
    if status == "ended":
        assert "cancelled" in statuses
    assert "NOTE-LIBRE" not in json.dumps(plans + tasks)


@pytest.mark.parametrize(
    "value",
    [1e-05, 2.5e-07, -3e-9, 9.99e-05, 1e-4, 0.0, -0.0, 1.5, 1e16, 1e300, float("nan"), 1 / 3],
)
def test_the_ndjson_encoder_writes_the_standard_bytes(value):
    resource = {"resourceType": "Observation", "valueQuantity": {"value": value}, "t": "é\n\x01"}
    standard = json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode()
    written = {**resource, "valueQuantity": {"value": ndjson.number(value)}}
    assert ndjson.encode(written) == standard
