"""A patient's care pathway as FHIR CarePlan: the versioned template it instantiates, its status
and period, and every planned activity inline (what, when, where, by whom, done or not).
Care team only, audited per patient."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from django.db.models import Choices, Prefetch, Q, QuerySet
from django.utils import translation

from oncoparcours.pathways.models import (
    ActivityInstance,
    ActivityStatus,
    InstanceStatus,
    PathwayInstance,
    Place,
)

from . import systems
from .builders import own_identifier, validated
from .readers import Reader
from .rules.search import SearchError, parse_token
from .selectors import Page, _audit_reads, _id_and_patient, _row_read, page_of

CAREPLAN_PARAMETERS = ("_id", "patient", "subject", "status")
PLAN_STATUS = {
    InstanceStatus.ACTIVE: "active",
    InstanceStatus.PAUSED: "on-hold",
    InstanceStatus.ENDED: "revoked",
    InstanceStatus.COMPLETED: "completed",
}
# A missed activity was not done on its day: "stopped" with the reason, never "completed".
ACTIVITY_STATUS = {
    ActivityStatus.PLANNED: "not-started",
    ActivityStatus.SCHEDULED: "scheduled",
    ActivityStatus.DONE: "completed",
    ActivityStatus.CANCELLED: "cancelled",
    ActivityStatus.MISSED: "stopped",
}


def _french(label: Any) -> str:
    with translation.override("fr"):
        return str(label)


@functools.lru_cache(maxsize=256)
def french_label(choice: Choices) -> str:
    """The French label of a choice, translated once (the bulk export asks it for every
    activity); bounded by the number of choices."""
    return _french(choice.label)


# A paused pathway's open activities (planned or scheduled) are on hold with it: exported as
# "scheduled" or "not-started" a receiving system would expect them to happen (FHIR R4
# CarePlanActivityStatus "on-hold": "the planned care is paused"). Done, cancelled and missed
# activities keep their status.
OPEN_ACTIVITIES = (ActivityStatus.PLANNED, ActivityStatus.SCHEDULED)


def _activity(activity: ActivityInstance, paused: bool = False) -> dict[str, Any]:
    start = activity.scheduled_for.isoformat() if activity.scheduled_for else str(activity.day)
    detail: dict[str, Any] = {
        "extension": [
            {"url": systems.OWN_ACTIVITY_KEY, "valueString": activity.key},
            {"url": systems.OWN_ACTIVITY_DUE, "valueDate": activity.due_date.isoformat()},
        ],
        "kind": "Task",
        "code": {
            "coding": [{"system": systems.OWN_ACTIVITY_KIND, "code": activity.kind}],
            "text": activity.title_fr,
        },
        "status": ACTIVITY_STATUS[ActivityStatus(activity.status)],
        "scheduledPeriod": {"start": start},
        "location": {"display": french_label(Place(activity.place))},
    }
    if activity.status in (ActivityStatus.MISSED, ActivityStatus.CANCELLED):
        label = french_label(ActivityStatus(activity.status))
        detail["statusReason"] = {"text": f"{label} : {activity.note}" if activity.note else label}
    if paused and activity.status in OPEN_ACTIVITIES:
        detail["status"] = "on-hold"
        detail["statusReason"] = {"text": "Parcours suspendu"}
    if activity.organisation is not None:
        detail["location"] = {
            "display": f"{french_label(Place(activity.place))} — {activity.organisation.name}"
        }
    if activity.assigned_to_id:
        detail["performer"] = [{"reference": f"Practitioner/{activity.assigned_to_id}"}]
    return {"detail": detail}


def careplan_resource(instance: PathwayInstance) -> dict[str, Any]:
    template = instance.template
    period = {"start": instance.start_date.isoformat()}
    if instance.ended_on:
        period["end"] = instance.ended_on.isoformat()
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": str(instance.pk),
        "identifier": [own_identifier(instance.pk)],
        "instantiatesUri": [f"{systems.OWN_PATHWAY_TEMPLATE}/{template.code}/{template.version}"],
        "status": PLAN_STATUS[InstanceStatus(instance.status)],
        "intent": "plan",
        "title": f"{template.title_fr} (v{template.version})",
        "subject": {"reference": f"Patient/{instance.patient_id}"},
        "period": period,
        "activity": [
            _activity(activity, paused=instance.status == InstanceStatus.PAUSED)
            for activity in instance.activities.all()
        ],
    }
    if instance.end_reason:
        resource["note"] = [{"text": _french(instance.get_end_reason_display())}]
    return validated({key: value for key, value in resource.items() if value != []})


def _status(raw: str) -> Q:
    condition = Q()
    for code in raw.split(","):
        _, value = parse_token(code)
        statuses = [status for status, fhir in PLAN_STATUS.items() if fhir == value]
        if not statuses:
            allowed = ", ".join(PLAN_STATUS.values())
            raise SearchError("status", f"one of {allowed} is expected")
        condition |= Q(status__in=statuses)
    return condition


def _instances() -> QuerySet[PathwayInstance]:
    activities = ActivityInstance.objects.select_related("organisation").order_by("day", "key")
    return PathwayInstance.objects.select_related("template").prefetch_related(
        Prefetch("activities", queryset=activities)
    )


def careplan_search(
    *, reader: Reader, params: Mapping[str, list[str]], count: int, page: int
) -> Page:
    condition = _id_and_patient(params)
    for raw in params.get("status", []):
        condition &= _status(raw)
    queryset = (
        _instances()
        .filter(reader.patient_filter())
        .filter(condition)
        .order_by("patient_id", "-start_date", "pk")
    )
    found = page_of(queryset, count, page)
    _audit_reads(reader, {i.patient_id for i in found.rows}, "FHIR CarePlan search")
    return found


def careplan_read(*, reader: Reader, careplan_id: str) -> PathwayInstance | None:
    found: PathwayInstance | None = _row_read(_instances(), reader, careplan_id, "FHIR CarePlan")
    return found
