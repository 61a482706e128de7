"""FHIR Appointment: home nurse visits, EFS bookings and CAR-T infusions.

Home nurse visits: each visit of the tour plan in force for its day (the latest published
version; drafts and replaced versions are not appointments), with its start and end, the patient
and the nurse, the pathway step it carries out (supportingInformation → Task), and a status read
from that step (done → fulfilled, missed → noshow). The EFS bookings (apheresis…) and CAR-T
infusions are built in ``celltherapy_appointments``. One search spans the three sources (visits,
then bookings, then infusions); care team only, audited per patient."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from oncoparcours.celltherapy.models import Booking, CarTOrder
from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction
from oncoparcours.pathways.models import ActivityStatus
from oncoparcours.planning.models import PlanStatus, TourPlan, TourVisit

from . import celltherapy_appointments as cell
from . import systems
from .builders import validated
from .readers import Reader
from .rules.search import SearchError, parse_date, parse_token
from .selectors import Page, _audit_reads, _date_filter, _id_and_patient

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


def appointment_resource(row: TourVisit | Booking | CarTOrder) -> dict[str, Any]:
    if isinstance(row, Booking):
        return cell.booking_appointment(row)
    if isinstance(row, CarTOrder):
        return cell.infusion_appointment(row)
    return visit_appointment(row)


def visit_appointment(visit: TourVisit) -> dict[str, Any]:
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


def _visit_status(raw: str) -> Q:
    condition = Q(pk__in=[])
    for code in raw.split(","):
        _, value = parse_token(code)
        if value not in cell.STATUSES:
            raise SearchError("status", f"one of {', '.join(cell.STATUSES)} is expected")
        statuses = [status for status, fhir in VISIT_STATUS.items() if fhir == value]
        condition |= Q(activity__status__in=statuses)
    return condition


NOTHING = Q(pk__in=[])


def _filters(params: Mapping[str, list[str]]) -> tuple[Q, Q, Q]:
    """One condition per source: home visits, EFS bookings, CAR-T infusions."""
    patients = _id_and_patient({k: v for k, v in params.items() if k != "_id"})
    visits, bookings, infusions = patients, patients, patients
    for raw in params.get("_id", []):
        visit = ID_PATTERN.match(raw)
        booking = cell.id_key(cell.BOOKING_ID, raw)
        infusion = cell.id_key(cell.INFUSION_ID, raw)
        if visit is None and booking is None and infusion is None:
            raise SearchError(
                "_id",
                "an id tour-visit-<number>, efs-booking-<uuid> or car-t-infusion-<uuid> is "
                "expected",
            )
        visits &= Q(pk=int(visit["key"])) if visit else NOTHING
        bookings &= Q(pk=booking) if booking else NOTHING
        infusions &= Q(pk=infusion) if infusion else NOTHING
    for raw in params.get("date", []):
        found = parse_date("date", raw)
        visits &= _date_filter("tour__plan__day", found)
        bookings &= cell.date_filter(found)
        infusions &= cell.date_filter(found)
    for raw in params.get("status", []):
        visits &= _visit_status(raw)
        on_bookings, on_infusions = cell.status_filters(raw)
        bookings &= on_bookings
        infusions &= on_infusions
    return visits, bookings, infusions


def appointment_search(
    *, reader: Reader, params: Mapping[str, list[str]], count: int, page: int
) -> Page:
    """Home visits first, then EFS bookings, then CAR-T infusions, each by patient and newest
    day first; one page may span them (two queries per source)."""
    visits, bookings, infusions = _filters(params)
    tables: list[QuerySet[Any]] = [
        visits_in_force()
        .filter(reader.patient_filter())
        .filter(visits)
        .order_by("patient_id", "-tour__plan__day", "start", "pk"),
        cell.bookings()
        .filter(reader.patient_filter())
        .filter(bookings)
        .order_by("patient_id", "-day", "pk"),
        cell.infusions()
        .filter(reader.patient_filter())
        .filter(infusions)
        .order_by("patient_id", "-day", "pk"),
    ]
    start, end = (page - 1) * count, page * count
    rows: list[Any] = []
    before = 0
    for table in tables:
        size = table.count()
        if start < before + size and end > before:
            rows += list(table[max(start - before, 0) : min(end - before, size)])
        before += size
    _audit_reads(reader, {row.patient_id for row in rows}, "FHIR Appointment search")
    return Page(rows=rows, total=before)


def appointment_read(
    *, reader: Reader, appointment_id: str
) -> TourVisit | Booking | CarTOrder | None:
    found = ID_PATTERN.match(appointment_id)
    booking = cell.id_key(cell.BOOKING_ID, appointment_id)
    infusion = cell.id_key(cell.INFUSION_ID, appointment_id)
    row: TourVisit | Booking | CarTOrder | None = None
    if found is not None:
        row = visits_in_force().filter(reader.patient_filter(), pk=int(found["key"])).first()
    elif booking is not None:
        row = cell.bookings().filter(reader.patient_filter(), pk=booking).first()
    elif infusion is not None:
        row = cell.infusions().filter(reader.patient_filter(), pk=infusion).first()
    if row is not None:
        audit_record(
            **reader.audit(),
            action=AuditAction.VIEW,
            patient_id=row.patient_id,
            obj=row,
            details={"what": "FHIR Appointment"},
        )
    return row
