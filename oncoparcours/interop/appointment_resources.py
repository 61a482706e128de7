"""Home nurse visits as FHIR Appointment: each visit of the tour plan in force for its day (the
latest published version; drafts and replaced versions are not appointments), with its start and
end, the patient and the nurse, the pathway step it carries out (supportingInformation → Task),
and a status read from that step (done → fulfilled, missed → noshow). Care team only, audited
per patient."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction
from oncoparcours.pathways.models import ActivityStatus
from oncoparcours.planning.models import PlanStatus, TourPlan, TourVisit

from . import systems
from .builders import validated
from .readers import Reader
from .rules.search import SearchError, parse_date, parse_token
from .selectors import Page, _audit_reads, _date_filter, _id_and_patient, page_of

APPOINTMENT_PARAMETERS = ("_id", "patient", "date", "status")
ID_PATTERN = re.compile(r"^tour-visit-(?P<key>[0-9]{1,18})$")
VISIT_STATUS = {
    ActivityStatus.PLANNED: "booked",
    ActivityStatus.SCHEDULED: "booked",
    ActivityStatus.DONE: "fulfilled",
    ActivityStatus.CANCELLED: "cancelled",
    ActivityStatus.MISSED: "noshow",
}


def _at(day: dt.date, minutes: int) -> str:
    moment = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
    return timezone.make_aware(moment).isoformat()


def appointment_resource(visit: TourVisit) -> dict[str, Any]:
    activity, day = visit.activity, visit.tour.plan.day
    resource: dict[str, Any] = {
        "resourceType": "Appointment",
        "id": f"tour-visit-{visit.pk}",
        "identifier": [{"system": systems.OWN_TOUR_VISIT, "value": str(visit.pk)}],
        "status": VISIT_STATUS[ActivityStatus(activity.status)],
        "serviceType": [
            {
                "coding": [{"system": systems.OWN_ACTIVITY_KIND, "code": activity.kind}],
                "text": activity.title_fr,
            }
        ],
        "description": activity.title_fr,
        "supportingInformation": [{"reference": f"Task/{activity.pk}"}],
        "start": _at(day, visit.start),
        "end": _at(day, visit.end),
        "minutesDuration": visit.end - visit.start,
        "participant": [
            {"actor": {"reference": f"Patient/{visit.patient_id}"}, "status": "accepted"},
            {
                "actor": {"reference": f"Practitioner/{visit.tour.nurse.professional_id}"},
                "required": "required",
                "status": "accepted",
            },
        ],
    }
    if activity.status in (ActivityStatus.CANCELLED, ActivityStatus.MISSED) and activity.note:
        resource["cancelationReason"] = {"text": activity.note}
    return validated(resource)


def visits_in_force() -> QuerySet[TourVisit]:
    newer = TourPlan.objects.filter(
        day=OuterRef("tour__plan__day"),
        status=PlanStatus.PUBLISHED,
        version__gt=OuterRef("tour__plan__version"),
    )
    return (
        TourVisit.objects.filter(tour__plan__status=PlanStatus.PUBLISHED)
        .filter(~Exists(newer))
        .select_related("tour__plan", "tour__nurse", "activity")
    )


def _status(raw: str) -> Q:
    condition = Q(pk__in=[])
    for code in raw.split(","):
        _, value = parse_token(code)
        statuses = [status for status, fhir in VISIT_STATUS.items() if fhir == value]
        if not statuses:
            allowed = ", ".join(dict.fromkeys(VISIT_STATUS.values()))
            raise SearchError("status", f"one of {allowed} is expected")
        condition |= Q(activity__status__in=statuses)
    return condition


def _filters(params: Mapping[str, list[str]]) -> Q:
    ids = params.get("_id", [])
    condition = _id_and_patient({k: v for k, v in params.items() if k != "_id"})
    for raw in ids:
        found = ID_PATTERN.match(raw)
        if found is None:
            raise SearchError("_id", "an id tour-visit-<number> is expected")
        condition &= Q(pk=int(found["key"]))
    for raw in params.get("date", []):
        condition &= _date_filter("tour__plan__day", parse_date("date", raw))
    for raw in params.get("status", []):
        condition &= _status(raw)
    return condition


def appointment_search(
    *, reader: Reader, params: Mapping[str, list[str]], count: int, page: int
) -> Page:
    queryset = (
        visits_in_force()
        .filter(reader.patient_filter())
        .filter(_filters(params))
        .order_by("patient_id", "-tour__plan__day", "start", "pk")
    )
    found = page_of(queryset, count, page)
    _audit_reads(reader, {v.patient_id for v in found.rows}, "FHIR Appointment search")
    return found


def appointment_read(*, reader: Reader, appointment_id: str) -> TourVisit | None:
    found = ID_PATTERN.match(appointment_id)
    if found is None:
        return None
    visit = visits_in_force().filter(reader.patient_filter(), pk=int(found["key"])).first()
    if visit is not None:
        audit_record(
            **reader.audit(),
            action=AuditAction.VIEW,
            patient_id=visit.patient_id,
            obj=visit,
            details={"what": "FHIR Appointment"},
        )
    return visit
