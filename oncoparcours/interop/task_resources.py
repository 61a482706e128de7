"""The steps of a care pathway as FHIR Task: each activity of a pathway instance, based on the
CarePlan that carries the whole pathway, for the patient, its status (a paused pathway puts its
open steps on hold), when it was or is to be done, who owns it and its result. Care team only,
audited per patient."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet

from oncoparcours.pathways.models import ActivityInstance, ActivityStatus, InstanceStatus

from . import systems
from .builders import own_identifier, validated
from .careplan_resources import _french, french_label
from .readers import Reader
from .rules.search import SearchError, parse_reference, parse_token
from .selectors import Page, _audit_reads, _id_and_patient, _row_read, _uuid, page_of

TASK_PARAMETERS = ("_id", "patient", "subject", "status", "based-on")
OPEN = (ActivityStatus.PLANNED, ActivityStatus.SCHEDULED)
STEP_STATUS = {
    ActivityStatus.PLANNED: "requested",
    ActivityStatus.SCHEDULED: "accepted",
    ActivityStatus.DONE: "completed",
    ActivityStatus.CANCELLED: "cancelled",
    ActivityStatus.MISSED: "failed",
}
RUNNING = (InstanceStatus.ACTIVE, InstanceStatus.COMPLETED)
# The same mapping as a database filter, one per FHIR status (``task_status`` below in Python).
STATUS_FILTERS = {
    "requested": Q(status=ActivityStatus.PLANNED, instance__status__in=RUNNING),
    "accepted": Q(status=ActivityStatus.SCHEDULED, instance__status__in=RUNNING),
    "on-hold": Q(status__in=OPEN, instance__status=InstanceStatus.PAUSED),
    "cancelled": Q(status=ActivityStatus.CANCELLED)
    | Q(status__in=OPEN, instance__status=InstanceStatus.ENDED),
    "completed": Q(status=ActivityStatus.DONE),
    "failed": Q(status=ActivityStatus.MISSED),
}


def task_status(activity: ActivityInstance) -> str:
    """An open step of a paused pathway is on hold; of an ended pathway, cancelled."""
    if activity.status in OPEN and activity.instance.status == InstanceStatus.PAUSED:
        return "on-hold"
    if activity.status in OPEN and activity.instance.status == InstanceStatus.ENDED:
        return "cancelled"
    return STEP_STATUS[ActivityStatus(activity.status)]


def _status_reason(activity: ActivityInstance, status: str) -> str:
    instance = activity.instance
    if status == "on-hold":
        reason = f" ({instance.pause_reason})" if instance.pause_reason else ""
        return f"Parcours en pause{reason}"
    if status == "cancelled" and activity.status in OPEN:
        return f"Parcours terminé : {_french(instance.get_end_reason_display())}"
    if activity.status in (ActivityStatus.MISSED, ActivityStatus.CANCELLED):
        label = french_label(ActivityStatus(activity.status))
        return f"{label} : {activity.note}" if activity.note else label
    return ""


def _period(activity: ActivityInstance) -> dict[str, str]:
    if activity.status == ActivityStatus.DONE and activity.done_on:
        return {"start": activity.done_on.isoformat(), "end": activity.done_on.isoformat()}
    if activity.status == ActivityStatus.SCHEDULED and activity.scheduled_for:
        return {"start": activity.scheduled_for.isoformat()}
    return {"start": activity.day.isoformat()}


def task_resource(activity: ActivityInstance) -> dict[str, Any]:
    status = task_status(activity)
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": str(activity.pk),
        "extension": [
            {"url": systems.OWN_ACTIVITY_KEY, "valueString": activity.key},
            {"url": systems.OWN_ACTIVITY_DUE, "valueDate": activity.due_date.isoformat()},
        ],
        "identifier": [own_identifier(activity.pk)],
        "basedOn": [{"reference": f"CarePlan/{activity.instance_id}"}],
        "status": status,
        "intent": "plan",
        "code": {
            "coding": [{"system": systems.OWN_ACTIVITY_KIND, "code": activity.kind}],
            "text": activity.title_fr,
        },
        "description": activity.title_fr,
        "for": {"reference": f"Patient/{activity.patient_id}"},
        "executionPeriod": _period(activity),
        "lastModified": activity.updated_at.isoformat(),
    }
    reason = _status_reason(activity, status)
    if reason:
        resource["statusReason"] = {"text": reason}
    if status == "on-hold" and activity.instance.pause_reason:
        resource["statusReason"]["coding"] = [
            {"system": systems.OWN_PAUSE_REASON, "code": activity.instance.pause_reason}
        ]
    if activity.assigned_to_id:
        resource["owner"] = {"reference": f"Practitioner/{activity.assigned_to_id}"}
    if activity.status == ActivityStatus.DONE and activity.result_value is not None:
        resource["output"] = [
            {
                "type": {"text": "result"},
                "valueQuantity": {
                    "value": float(activity.result_value),
                    **({"unit": activity.result_unit} if activity.result_unit else {}),
                },
            }
        ]
    return validated(resource)


def _status(raw: str) -> Q:
    condition = Q(pk__in=[])
    for code in raw.split(","):
        _, value = parse_token(code)
        if value not in STATUS_FILTERS:
            raise SearchError("status", f"one of {', '.join(STATUS_FILTERS)} is expected")
        condition |= STATUS_FILTERS[value]
    return condition


def _filters(params: Mapping[str, list[str]]) -> Q:
    condition = _id_and_patient(params)
    for raw in params.get("status", []):
        condition &= _status(raw)
    for raw in params.get("based-on", []):
        key = _uuid("based-on", parse_reference("based-on", raw, "CarePlan"))
        condition &= Q(instance_id=key)
    return condition


def pathway_steps() -> QuerySet[ActivityInstance]:
    return ActivityInstance.objects.select_related("instance")


def task_search(*, reader: Reader, params: Mapping[str, list[str]], count: int, page: int) -> Page:
    queryset = (
        pathway_steps()
        .filter(reader.patient_filter())
        .filter(_filters(params))
        .order_by("patient_id", "instance_id", "day", "key", "pk")
    )
    found = page_of(queryset, count, page)
    _audit_reads(reader, {a.patient_id for a in found.rows}, "FHIR Task search")
    return found


def task_read(*, reader: Reader, task_id: str) -> ActivityInstance | None:
    found: ActivityInstance | None = _row_read(pathway_steps(), reader, task_id, "FHIR Task")
    return found
