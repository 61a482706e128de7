"""The CarePlans and Tasks of the bulk export (``bulk_export``), built **pseudonymised** from rows
read as tuples: the pathway instances of a chunk's patients, and their activities in one query
(the activities are most of the export: about 60 % of its lines, and every CarePlan carries its
activities inline).

The resources are those of the API (``careplan_resources.careplan_resource``,
``task_resources.task_resource``) as the export's scrub leaves them (``bulk_export._rewrite``):
ids and references as pseudonyms; no identifier, note or free-text reason (a ``statusReason``
keeps its coding only: the pause reason of an on-hold Task; the CarePlan activities' reasons are
text only, so they go). Building them so directly skips the Django models and the scrub; a test
compares both ways on every status (``test_bulk_export_types``), and the whole export is
compared byte for byte before and after (docs/benchmarks.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from oncoparcours.pathways.models import (
    ActivityInstance,
    ActivityStatus,
    InstanceStatus,
    PathwayInstance,
    Place,
)

from . import ndjson, systems
from .careplan_resources import ACTIVITY_STATUS, OPEN_ACTIVITIES, PLAN_STATUS, french_label
from .export_records import dashed, id_text
from .task_resources import STEP_STATUS

Alias = Callable[[Any], str]

# The ids (but the patient's) are read as text (``export_records.id_text``): only their
# pseudonyms are needed, and the activities match their pathway by the same text.
PLAN_FIELDS = (
    id_text("pk"), "patient_id", "template__code", "template__version", "template__title_fr",
    "status", "start_date", "ended_on", "pause_reason",
)  # fmt: skip
STEP_FIELDS = (
    id_text("pk"), id_text("instance_id"), "patient_id", "key", "kind", "title_fr", "status",
    "place", "day", "due_date", "scheduled_for", "done_on", "updated_at", "result_value",
    "result_unit", id_text("assigned_to_id"), "organisation_id", "organisation__name",
)  # fmt: skip
PLAN_PK, PLAN_PATIENT, PLAN_STATUS_AT, PLAN_PAUSE_REASON = 0, 1, 5, 8
STEP_INSTANCE, STEP_PATIENT = 1, 2
PAUSED, ENDED, DONE = InstanceStatus.PAUSED, InstanceStatus.ENDED, ActivityStatus.DONE
SCHEDULED = ActivityStatus.SCHEDULED


class Pathways:
    """The pathway instances of a chunk's patients (by start date, then id, as the CarePlans are
    exported) and their activities in the Task search's order (instance id, day, key; each
    instance's activities by day and key, as the CarePlan lists them)."""

    def __init__(self, patient_ids: Sequence[Any]) -> None:
        self.plans: list[tuple[Any, ...]] = list(
            PathwayInstance.objects.filter(patient_id__in=patient_ids)
            .order_by("start_date", "pk")
            .values_list(*PLAN_FIELDS)
        )
        self.steps: list[tuple[Any, ...]] = list(
            ActivityInstance.objects.filter(instance__patient_id__in=patient_ids)
            .order_by("instance_id", "day", "key")
            .values_list(*STEP_FIELDS)
        )
        self.plan_of = {plan[PLAN_PK]: plan for plan in self.plans}
        self.steps_of: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)
        for step in self.steps:
            self.steps_of[step[STEP_INSTANCE]].append(step)

    def careplan_rows(self) -> list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
        return [(plan, self.steps_of.get(plan[PLAN_PK], [])) for plan in self.plans]

    def task_rows(self) -> list[tuple[tuple[Any, ...], tuple[Any, ...]]]:
        return [(step, self.plan_of[step[STEP_INSTANCE]]) for step in self.steps]


# The status maps are keyed by the choices, equal to (and hashed as) their stored strings: looked
# up with the string read (an enum call per row costs more than building the row's resource).
_places: dict[str, str] = {}
TASK_STATUS: dict[str, str] = {status.value: fhir for status, fhir in STEP_STATUS.items()}


def _place_label(place: str) -> str:
    label = _places.get(place)
    if label is None:
        label = _places[place] = french_label(Place(place))
    return label


def _extensions(key: str, due: Any) -> list[dict[str, Any]]:
    return [
        {"url": systems.OWN_ACTIVITY_KEY, "valueString": key},
        {"url": systems.OWN_ACTIVITY_DUE, "valueDate": due.isoformat()},
    ]


def _code(kind: str, title: str) -> dict[str, Any]:
    return {"coding": [{"system": systems.OWN_ACTIVITY_KIND, "code": kind}], "text": title}


def _activity(step: tuple[Any, ...], paused: bool, alias: Alias) -> dict[str, Any]:
    (_, _, _, key, kind, title, status, place, day, due, scheduled_for, _, _, _, _,
     assigned_to_id, organisation_id, organisation_name) = step  # fmt: skip
    label = _place_label(place)
    detail: dict[str, Any] = {
        "extension": _extensions(key, due),
        "kind": "Task",
        "code": _code(kind, title),
        "status": "on-hold" if paused and status in OPEN_ACTIVITIES else ACTIVITY_STATUS[status],
        "scheduledPeriod": {"start": scheduled_for.isoformat() if scheduled_for else str(day)},
        "location": {
            "display": label if organisation_id is None else f"{label} — {organisation_name}"
        },
    }
    if assigned_to_id:
        detail["performer"] = [{"reference": f"Practitioner/{alias(dashed(assigned_to_id))}"}]
    return {"detail": detail}


def careplan(row: tuple[tuple[Any, ...], list[tuple[Any, ...]]], alias: Alias) -> dict[str, Any]:
    """``careplan_resource`` pseudonymised (the end reason is a note: dropped)."""
    plan, steps = row
    pk, patient_id, code, version, title, status, start_date, ended_on, _ = plan
    period = {"start": start_date.isoformat()}
    if ended_on:
        period["end"] = ended_on.isoformat()
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": alias(dashed(pk)),
        "instantiatesUri": [f"{systems.OWN_PATHWAY_TEMPLATE}/{code}/{version}"],
        "status": PLAN_STATUS[status],
        "intent": "plan",
        "title": f"{title} (v{version})",
        "subject": {"reference": f"Patient/{alias(patient_id)}"},
        "period": period,
    }
    if steps:
        paused = status == PAUSED
        resource["activity"] = [_activity(step, paused, alias) for step in steps]
    return resource


def _task_status(status: str, plan_status: str) -> str:
    if status in OPEN_ACTIVITIES and plan_status == PAUSED:
        return "on-hold"
    if status in OPEN_ACTIVITIES and plan_status == ENDED:
        return "cancelled"
    return TASK_STATUS[status]


def _period(status: str, day: Any, scheduled_for: Any, done_on: Any) -> dict[str, str]:
    if status == DONE and done_on:
        return {"start": done_on.isoformat(), "end": done_on.isoformat()}
    if status == SCHEDULED and scheduled_for:
        return {"start": scheduled_for.isoformat()}
    return {"start": day.isoformat()}


def task(row: tuple[tuple[Any, ...], tuple[Any, ...]], alias: Alias) -> dict[str, Any]:
    """``task_resource`` pseudonymised: the status reason keeps the pause reason's coding."""
    step, plan = row
    (pk, instance_id, patient_id, key, kind, title, raw_status, _, day, due, scheduled_for,
     done_on, updated_at, result_value, result_unit, assigned_to_id, _, _) = step  # fmt: skip
    status = _task_status(raw_status, plan[PLAN_STATUS_AT])
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": alias(dashed(pk)),
        "extension": _extensions(key, due),
        "basedOn": [{"reference": f"CarePlan/{alias(dashed(instance_id))}"}],
        "status": status,
        "intent": "plan",
        "code": _code(kind, title),
        "description": title,
        "for": {"reference": f"Patient/{alias(patient_id)}"},
        "executionPeriod": _period(raw_status, day, scheduled_for, done_on),
        "lastModified": updated_at.isoformat(),
    }
    pause_reason = plan[PLAN_PAUSE_REASON]
    if status == "on-hold" and pause_reason:
        resource["statusReason"] = {
            "coding": [{"system": systems.OWN_PAUSE_REASON, "code": pause_reason}]
        }
    if assigned_to_id:
        resource["owner"] = {"reference": f"Practitioner/{alias(dashed(assigned_to_id))}"}
    if raw_status == DONE and result_value is not None:
        quantity: dict[str, Any] = {"value": ndjson.number(float(result_value))}
        if result_unit:
            quantity["unit"] = result_unit
        resource["output"] = [{"type": {"text": "result"}, "valueQuantity": quantity}]
    return resource
