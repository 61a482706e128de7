"""Cell-therapy appointments as FHIR Appointment, beside the home nurse visits
(``appointment_resources``):

- **EFS bookings** (``celltherapy.Booking``): a procedure at an EFS care centre (the apheresis
  for CAR-T cells first, and the centre's other procedures: exchanges, photopheresis,
  phlebotomy…). Id ``efs-booking-<uuid>``. A request not yet scheduled is ``proposed`` with the
  wanted period as ``requestedPeriod``; a scheduled one is ``booked`` with the machine slot as
  ``start`` / ``end``; done → ``fulfilled``; declined or cancelled → ``cancelled`` (the decline
  reason as ``cancelationReason``). A booking marked scheduled but without its slot (start and
  end) is still ``proposed`` with its wanted period: FHIR R4 allows an Appointment without
  start / end only when proposed, cancelled or waitlisted (invariant app-3), and ``booked``
  without a time would tell the receiver a slot exists. A booking **done without its slot**
  cannot be ``fulfilled`` without a start and an end (app-3) and is not proposed, booked or
  cancelled either: when it is the CAR-T leukapheresis of an order whose custody ledger records
  the collection, it is ``fulfilled`` at that time (``start`` = ``end`` = the collection, the
  time the ledger signs; no duration is claimed); otherwise it is **not** an Appointment (the
  record holds no time of the procedure), and the pathway step it carried out (Task, completed)
  still says it was done.
- **CAR-T infusions** (``celltherapy.CarTOrder.planned_infusion_on``): id
  ``car-t-infusion-<order uuid>``. The record holds the planned day, not a time: the appointment
  is ``proposed`` with that day as ``requestedPeriod`` (a booked Appointment needs a start and an
  end); once infused it is ``fulfilled`` with the infusion time of the custody ledger as
  ``start`` and ``end`` (without an infusion event in the ledger, the time the order's step to
  infused was dated at; without either, no Appointment: ``fulfilled`` needs a start, app-3, and
  the BiologicallyDerivedProduct still says infused); a cancelled order → ``cancelled``. An order
  **out of specification** (the product quarantined, awaiting the benefit–risk decision) has
  **no** infusion Appointment while it is so: a ``proposed`` infusion would read as planned and on
  track, and ``pending`` needs a start time the record does not hold (app-3). The
  BiologicallyDerivedProduct carries the state (``out_of_specification``, unavailable); the
  appointment comes back, proposed, when the countersigned decision resumes the order (a product
  is declared out of specification only before its infusion).

Both carry the patient as participant, the CAR-T product (BiologicallyDerivedProduct) and the
pathway step (Task) they belong to as ``supportingInformation``, and the centre as an
Organization reference there too (an Organization cannot be an Appointment participant)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from django.db.models import Case, DateField, DateTimeField, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import translation

from oncoparcours.celltherapy import catalogue
from oncoparcours.celltherapy.models import (
    Booking,
    BookingStatus,
    CarTOrder,
    CustodyEvent,
    CustodyKind,
    OrderState,
    OrderTransition,
)

from . import systems
from .builders import validated
from .rules.search import DateRange, SearchError, parse_token

BOOKING_ID = re.compile(r"^efs-booking-(?P<key>[0-9a-f-]{36})$")
INFUSION_ID = re.compile(r"^car-t-infusion-(?P<key>[0-9a-f-]{36})$")
INFUSION_CODE = "car-t-infusion"
BOOKING_STATUS = {
    BookingStatus.REQUESTED: "proposed",
    BookingStatus.SCHEDULED: "booked",
    BookingStatus.DONE: "fulfilled",
    BookingStatus.DECLINED: "cancelled",
    BookingStatus.CANCELLED: "cancelled",
}
# What each FHIR status means for an infusion (order states); the other states are "proposed".
INFUSION_STATES = {
    "fulfilled": (OrderState.INFUSED,),
    "cancelled": (OrderState.CANCELLED,),
}
INFUSION_LABEL = "Perfusion de cellules CAR-T"


def _uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def _french_procedure(code: str) -> str:
    found = catalogue.procedure(code)
    return found.fr if found is not None else code


def _day(value: dt.date) -> str:
    return value.isoformat()


def _supporting(*references: str) -> list[dict[str, str]]:
    return [{"reference": reference} for reference in references]


def booking_appointment(booking: Booking) -> dict[str, Any]:
    status = BOOKING_STATUS[BookingStatus(booking.status)]
    starts, ends = booking.starts_at, booking.ends_at
    if status == "booked" and (starts is None or ends is None):
        status = "proposed"  # scheduled without its slot: no start, so not booked (app-3)
    collected_at: dt.datetime | None = getattr(booking, "collected_at", None)
    slotted = starts is not None and ends is not None
    label = _french_procedure(booking.procedure)
    references = [f"Organization/{booking.centre_id}"]
    if booking.order_id:
        references.append(f"BiologicallyDerivedProduct/{booking.order_id}")
    if booking.activity_id:
        references.append(f"Task/{booking.activity_id}")
    resource: dict[str, Any] = {
        "resourceType": "Appointment",
        "id": f"efs-booking-{booking.pk}",
        "identifier": [{"system": systems.OWN_EFS_BOOKING, "value": str(booking.pk)}],
        "status": status,
        "serviceType": [
            {
                "coding": [{"system": systems.OWN_EFS_PROCEDURE, "code": booking.procedure}],
                "text": label,
            }
        ],
        "description": label,
        "created": booking.created_at.date().isoformat(),
        "supportingInformation": _supporting(*references),
        "participant": [
            {
                "actor": {"reference": f"Patient/{booking.patient_id}"},
                "status": "accepted" if status != "proposed" else "needs-action",
            }
        ],
    }
    if starts is not None and ends is not None:
        resource["start"] = starts.isoformat()
        resource["end"] = ends.isoformat()
        resource["minutesDuration"] = int((ends - starts).total_seconds() // 60)
    elif status == "fulfilled" and collected_at is not None and not slotted:
        # Done without its slot: the collection time of the custody ledger (``bookings``).
        resource["start"] = resource["end"] = collected_at.isoformat()
    else:
        resource["requestedPeriod"] = [
            {"start": _day(booking.wanted_from), "end": _day(booking.wanted_until)}
        ]
    if status == "cancelled" and booking.decline_reason:
        resource["cancelationReason"] = {"text": booking.decline_reason}
    return validated(resource)


def infusion_appointment(order: CarTOrder) -> dict[str, Any]:
    infused_at: dt.datetime | None = getattr(order, "infused_at", None)
    if order.state == OrderState.INFUSED:
        status = "fulfilled"
    elif order.state == OrderState.CANCELLED:
        status = "cancelled"
    else:
        status = "proposed"
    references = [
        f"Organization/{order.treating_centre_id}",
        f"BiologicallyDerivedProduct/{order.pk}",
    ]
    resource: dict[str, Any] = {
        "resourceType": "Appointment",
        "id": f"car-t-infusion-{order.pk}",
        "identifier": [{"system": systems.OWN_COI, "value": order.coi}],
        "status": status,
        "serviceType": [
            {
                "coding": [{"system": systems.OWN_EFS_PROCEDURE, "code": INFUSION_CODE}],
                "text": INFUSION_LABEL,
            }
        ],
        "description": f"{INFUSION_LABEL} ({order.product})",
        "supportingInformation": _supporting(*references),
        "participant": [
            {
                "actor": {"reference": f"Patient/{order.patient_id}"},
                "status": "accepted" if status != "proposed" else "needs-action",
            }
        ],
    }
    if status == "fulfilled" and infused_at is not None:
        resource["start"] = resource["end"] = infused_at.isoformat()
    if order.planned_infusion_on:
        planned = _day(order.planned_infusion_on)
        resource["requestedPeriod"] = [{"start": planned, "end": planned}]
    with translation.override("fr"):
        resource["comment"] = str(OrderState(order.state).label)
    return validated(resource)


SLOT = Q(starts_at__isnull=False, ends_at__isnull=False)
LEUKAPHERESIS = "leukapheresis_cart"  # the procedure whose end the custody ledger records
DONE_UNSLOTTED = Q(status=BookingStatus.DONE) & ~SLOT


def bookings() -> QuerySet[Any]:
    """The EFS bookings, each with its day (slot, else first day wanted); a CAR-T leukapheresis
    done without its slot with the collection time of its order's custody ledger; without a
    booking done without its slot and without that time (see the module docstring)."""
    collected = CustodyEvent.objects.filter(
        order=OuterRef("order_id"), kind=CustodyKind.COLLECTED
    ).order_by("sequence")
    return (
        Booking.objects.annotate(
            collected_at=Case(
                When(
                    DONE_UNSLOTTED & Q(procedure=LEUKAPHERESIS),
                    then=Subquery(collected.values("at")[:1]),
                ),
                default=None,
                output_field=DateTimeField(),
            )
        )
        .annotate(
            day=Coalesce(
                TruncDate("starts_at"),
                TruncDate("collected_at"),
                "wanted_from",
                output_field=DateField(),
            )
        )
        .exclude(DONE_UNSLOTTED & Q(collected_at__isnull=True))
    )


def infusions() -> QuerySet[Any]:
    """The CAR-T orders with a planned or a recorded infusion, with the infusion time of the
    custody ledger (else the time the step to infused was dated at; one subquery each); not an
    order out of specification (quarantined before any infusion, awaiting the benefit–risk
    decision), nor an infused order without either time (see the module docstring)."""
    infused = CustodyEvent.objects.filter(order=OuterRef("pk"), kind=CustodyKind.INFUSED).order_by(
        "sequence"
    )
    stepped = OrderTransition.objects.filter(
        order=OuterRef("pk"), to_state=OrderState.INFUSED
    ).order_by("at", "id")
    return (
        CarTOrder.objects.annotate(
            infused_at=Coalesce(
                Subquery(infused.values("at")[:1]),
                Subquery(stepped.values("at")[:1]),
                output_field=DateTimeField(),
            )
        )
        .annotate(
            day=Coalesce(TruncDate("infused_at"), "planned_infusion_on", output_field=DateField())
        )
        .filter(day__isnull=False)
        .exclude(state=OrderState.OUT_OF_SPECIFICATION)
        .exclude(Q(state=OrderState.INFUSED) & Q(infused_at__isnull=True))
    )


def booking_status(value: str) -> Q | None:
    """The bookings ``booking_appointment`` gives that status (scheduled without a slot:
    proposed)."""
    statuses = [status for status, fhir in BOOKING_STATUS.items() if fhir == value]
    if value == "booked":
        return Q(status__in=statuses) & SLOT
    if value == "proposed":
        return Q(status__in=statuses) | (Q(status=BookingStatus.SCHEDULED) & ~SLOT)
    return Q(status__in=statuses) if statuses else None


def infusion_status(value: str) -> Q | None:
    if value in INFUSION_STATES:
        return Q(state__in=INFUSION_STATES[value])
    if value == "proposed":
        return ~Q(state__in=[s for states in INFUSION_STATES.values() for s in states])
    return None


STATUSES = ("proposed", "booked", "fulfilled", "cancelled", "noshow")


def status_filters(raw: str) -> tuple[Q, Q]:
    """A comma-separated status list (OR) as a condition on bookings and one on infusions."""
    nothing = Q(pk__in=[])
    on_bookings, on_infusions = nothing, nothing
    for code in raw.split(","):
        _, value = parse_token(code)
        if value not in STATUSES:
            raise SearchError("status", f"one of {', '.join(STATUSES)} is expected")
        on_bookings |= booking_status(value) or nothing
        on_infusions |= infusion_status(value) or nothing
    return on_bookings, on_infusions


def date_filter(found: DateRange) -> Q:
    condition = Q()
    if found.start is not None:
        condition &= Q(day__gte=found.start)
    if found.end is not None:
        condition &= Q(day__lt=found.end)
    return ~condition if found.negate else condition


def id_key(pattern: re.Pattern[str], raw: str) -> uuid.UUID | None:
    found = pattern.match(raw)
    return _uuid(found["key"]) if found else None
