"""Intensive-care bed reservations for the days after a CAR-T infusion: the cell-therapy team
requests a bed from the order, the ICU confirms, refuses or releases it; the order's infusion
date is fixed only on a confirmed reservation that covers it (issue 18)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.core.notifications.services import Recipient, notification_send
from oncoparcours.patients.models import CareTeamMember, CareTeamRole
from oncoparcours.patients.selectors import professional_for

from .. import catalogue
from ..models import (
    BedReservation,
    BedReservationEvent,
    BedStay,
    BedUnit,
    CarTOrder,
    ReservationStatus,
)
from ..rules import icu_beds
from . import care_team

# The cell-therapy team: the haematologist and the coordination nurse of the order.
TEAM_ROLES = frozenset({"clinician", "coordination_nurse"})
CLOSED = frozenset({"infused", "cancelled"})
ACTIVE = (ReservationStatus.REQUESTED, ReservationStatus.CONFIRMED)
STATUS_LABELS = dict(ReservationStatus.choices)
RELEASE_KIND = "icu_bed_released"  # in-app notice of an early release (templates in the app)


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status)).lower()


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def days_held(order: CarTOrder) -> int:
    return icu_beds.days_held(order.product, catalogue.icu_bed_days())


def is_icu_staff(user: User, unit: BedUnit | None = None) -> bool:
    """Whether the user answers reservations (of this unit, or of any intensive-care unit)."""
    professional = professional_for(user)
    if professional is None:
        return False
    units = professional.icu_units.filter(intensive_care=True)
    return units.filter(pk=unit.pk).exists() if unit is not None else units.exists()


def occupied(
    unit: BedUnit, first: dt.date, last: dt.date, *, exclude: BedReservation | None = None
) -> Counter[dt.date]:
    """Beds taken per day from ``first`` to ``last``: stays plus confirmed reservations."""
    counts: Counter[dt.date] = Counter()
    stays = BedStay.objects.filter(unit=unit, start__lte=last).filter(
        Q(end__isnull=True) | Q(end__gt=first)
    )
    for start, end in stays.values_list("start", "end"):
        day = max(start, first)
        while day <= last and (end is None or day < end):
            counts[day] += 1
            day += dt.timedelta(days=1)
    held = BedReservation.objects.filter(
        unit=unit, status__in=icu_beds.HOLDING, first_day__lte=last, last_day__gte=first
    )
    if exclude is not None:
        held = held.exclude(pk=exclude.pk)
    for start, end in held.values_list("first_day", "last_day"):
        day = max(start, first)
        while day <= min(end, last):
            counts[day] += 1
            day += dt.timedelta(days=1)
    return counts


def _check_capacity(
    unit: BedUnit, first: dt.date, last: dt.date, exclude: BedReservation | None = None
) -> None:
    days = icu_beds.covered_days(first, (last - first).days + 1)
    full = icu_beds.full_days(occupied(unit, first, last, exclude=exclude), unit.beds, days)
    if full:
        raise ApplicationError(
            _("%(unit)s has no bed free on %(days)s: choose another day or another unit.")
            % {"unit": unit.name, "days": ", ".join(_day(d) for d in full)},
            field="first_day",
        )


def _event(
    reservation: BedReservation, actor: User, previous: str, reason: str = ""
) -> BedReservationEvent:
    event = BedReservationEvent.objects.create(
        reservation=reservation,
        from_status=previous,
        to_status=reservation.status,
        actor=actor,
        actor_label=actor.display_name,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if not previous else AuditAction.UPDATE,
        patient_id=reservation.patient_id,
        obj=reservation,
        details={
            "from": previous,
            "to": reservation.status,
            "unit": str(reservation.unit_id),
            "first_day": reservation.first_day.isoformat(),
            "last_day": reservation.last_day.isoformat(),
            "order": str(reservation.order_id),
        },
    )
    return event


def units_for_order(order: CarTOrder) -> list[BedUnit]:
    """Intensive-care units of the order's treating site (the centre or its parent)."""
    site = Q(organisation_id=order.treating_centre_id)
    parent = order.treating_centre.parent_id
    if parent:
        site |= Q(organisation_id=parent)
    return list(BedUnit.objects.filter(site, intensive_care=True).order_by("name"))


@transaction.atomic
def reservation_request(
    *, actor: User, order: CarTOrder, unit: BedUnit, infusion_on: dt.date
) -> BedReservation:
    """Ask the ICU for a bed from the planned infusion day for the days the product needs."""
    if actor.role not in TEAM_ROLES:
        raise ApplicationError(
            _("Only the cell-therapy team (physician or coordination nurse) can request a bed.")
        )
    order = CarTOrder.objects.select_for_update().get(pk=order.pk)
    if order.state in CLOSED:
        raise ApplicationError(
            _("This order is closed: no bed can be requested for it."), field="order"
        )
    if unit.pk not in {u.pk for u in units_for_order(order)}:
        raise ApplicationError(
            _("Choose an intensive-care unit of the treating centre."), field="unit"
        )
    if infusion_on < timezone.localdate():
        raise ApplicationError(_("The infusion day cannot be in the past."), field="first_day")
    current = order.bed_reservations.filter(status__in=ACTIVE).first()
    if current is not None:
        raise ApplicationError(
            _(
                "A reservation is already %(status)s for this order (%(first)s–%(last)s): "
                "cancel it before asking for another."
            )
            % {
                "status": status_label(current.status),
                "first": _day(current.first_day),
                "last": _day(current.last_day),
            },
            field="first_day",
        )
    unit = BedUnit.objects.select_for_update().get(pk=unit.pk)
    last = icu_beds.last_day(infusion_on, days_held(order))
    _check_capacity(unit, infusion_on, last)
    reservation = BedReservation.objects.create(
        order=order,
        unit=unit,
        patient_id=order.patient_id,
        first_day=infusion_on,
        last_day=last,
        requested_by=actor,
    )
    _event(reservation, actor, "")
    # The unit's staff answer the request: they join the care team to see who is coming.
    people = [(p, CareTeamRole.OTHER) for p in unit.staff.filter(is_active=True)]
    care_team._join(order.patient, people, actor, f"CAR-T {order.coi} — réanimation")
    return reservation


def _refuse_move(reservation: BedReservation, target: str) -> None:
    options = icu_beds.allowed_next(reservation.status)
    raise ApplicationError(
        _(
            "A reservation that is “%(current)s” cannot become “%(target)s”. Possible next "
            "steps: %(options)s."
        )
        % {
            "current": status_label(reservation.status),
            "target": status_label(target),
            "options": ", ".join(status_label(o) for o in options) or _("none"),
        },
        field="status",
        allowed=list(options),
    )


@transaction.atomic
def reservation_move(
    *,
    actor: User,
    reservation: BedReservation,
    to: str,
    reason: str = "",
    expected_version: int | None = None,
) -> BedReservation:
    """Confirm, refuse or release (the ICU), or cancel (the cell-therapy team)."""
    reservation = (
        BedReservation.objects.select_for_update()
        .select_related("unit", "order")
        .get(pk=reservation.pk)
    )
    if expected_version is not None and reservation.version != expected_version:
        raise ApplicationError(
            _("This reservation was changed meanwhile (now: %(status)s). Reload the page.")
            % {"status": status_label(reservation.status)}
        )
    if not icu_beds.can_move(reservation.status, to):
        _refuse_move(reservation, to)
    if to in icu_beds.BY_ICU and not is_icu_staff(actor, reservation.unit):
        raise ApplicationError(
            _("Only the staff of %(unit)s can answer this reservation.")
            % {"unit": reservation.unit.name},
            field="status",
        )
    if to in icu_beds.BY_TEAM and actor.role not in TEAM_ROLES:
        raise ApplicationError(
            _("Only the cell-therapy team can cancel a reservation."), field="status"
        )
    reason = reason.strip()
    if to in ("refused", "cancelled") and not reason:
        raise ApplicationError(_("Say why (reason)."), field="reason")
    early = to == "released" and release_is_early(reservation)
    if early and not reason:
        raise ApplicationError(
            _(
                "This bed is still held until %(last)s for a CAR-T patient: say why it is "
                "released (reason); the haematologist and the coordination nurse will be told. "
                "Possible next steps: %(options)s."
            )
            % {
                "last": _day(reservation.last_day),
                "options": ", ".join(
                    status_label(o) for o in icu_beds.allowed_next(reservation.status)
                ),
            },
            field="reason",
            allowed=list(icu_beds.allowed_next(reservation.status)),
        )
    if to == "confirmed":
        BedUnit.objects.select_for_update().filter(pk=reservation.unit_id).first()
        _check_capacity(
            reservation.unit, reservation.first_day, reservation.last_day, exclude=reservation
        )
    previous = reservation.status
    reservation.status = to
    reservation.version += 1
    reservation.save(update_fields=["status", "version", "updated_at"])
    _event(reservation, actor, previous, reason)
    if previous == "confirmed":
        _unfix_date(reservation, actor)
    if early:
        _tell_team_of_release(reservation, actor, reason)
    return reservation


def infusion_day(order: CarTOrder) -> dt.date | None:
    """The day the order was infused (its last ``infused`` custody event), if it was."""
    event = order.custody.filter(kind="infused").order_by("-sequence").first()
    return timezone.localdate(event.at) if event is not None else None


def release_is_early(reservation: BedReservation, today: dt.date | None = None) -> bool:
    order = reservation.order
    return icu_beds.release_is_early(
        today=today or timezone.localdate(),
        last=reservation.last_day,
        order_state=order.state,
        infusion_day=infusion_day(order) if order.state == "infused" else None,
        held=days_held(order),
    )


def release_recipients(reservation: BedReservation) -> list[User]:
    """Who is told of an early release: the order's haematologist (who placed it) and the
    patient's coordination nurses in the care team today (else the nurse who asked the bed)."""
    order = reservation.order
    today = timezone.localdate()
    nurses = [
        member.professional.user
        for member in CareTeamMember.objects.filter(
            patient_id=order.patient_id,
            role=CareTeamRole.COORDINATION_NURSE,
            start__lte=today,
            professional__user__is_active=True,
        )
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .select_related("professional__user")
        if member.professional.user is not None
    ]
    if not nurses and reservation.requested_by.role == "coordination_nurse":
        nurses = [reservation.requested_by]
    people: list[User] = []
    for user in [order.ordered_by, *nurses]:
        if user is not None and user.is_active and user.pk not in {u.pk for u in people}:
            people.append(user)
    return people


def _tell_team_of_release(reservation: BedReservation, actor: User, reason: str) -> None:
    order = reservation.order
    text = _(
        "The intensive-care bed of %(unit)s held from %(first)s to %(last)s for the CAR-T order "
        "%(coi)s was released on %(today)s by %(actor)s. Reason: %(reason)s. The infusion date "
        "is cleared: request and confirm a bed covering the infusion day and the product's days "
        "before infusing."
    ) % {
        "unit": reservation.unit.name,
        "first": _day(reservation.first_day),
        "last": _day(reservation.last_day),
        "coi": order.coi,
        "today": _day(timezone.localdate()),
        "actor": actor.display_name,
        "reason": reason,
    }
    subject = _("Intensive-care bed released early (CAR-T %(coi)s)") % {"coi": order.coi}
    for user in release_recipients(reservation):
        notification_send(
            kind=RELEASE_KIND,
            recipient=Recipient.for_user(user),
            context={
                "subject": subject,
                "text": text,
                "patient_url": order.patient.get_absolute_url(),
            },
            actor=actor,
            patient_id=order.patient_id,
            chain=("in_app",),
            reference=f"bed-release:{reservation.pk}",
        )


def _unfix_date(reservation: BedReservation, actor: User) -> None:
    """A released or cancelled bed no longer covers the order's infusion date: it is cleared."""
    order = CarTOrder.objects.select_for_update().get(pk=reservation.order_id)
    if order.planned_infusion_on is None:
        return
    previous = order.planned_infusion_on
    order.planned_infusion_on = None
    order.save(update_fields=["planned_infusion_on", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=order.patient_id,
        obj=order,
        details={
            "planned_infusion_on": None,
            "was": previous.isoformat(),
            "because": f"bed reservation {reservation.status}",
        },
    )


def _with_status(
    order: CarTOrder, status: str, reservations: list[BedReservation] | None
) -> list[BedReservation]:
    """The order's reservations in ``status``, in the model's order (first day, creation), from
    ``reservations`` (all the order's reservations) when already read."""
    if reservations is None:
        return list(order.bed_reservations.filter(status=status))
    return sorted(
        (r for r in reservations if r.status == status), key=lambda r: (r.first_day, r.created_at)
    )


def bed_blocker(
    order: CarTOrder, day: dt.date, *, reservations: list[BedReservation] | None = None
) -> str:
    """Why an infusion on ``day`` has no bed (empty: a confirmed reservation covers it).
    ``reservations``: all the order's reservations when already read (the order page)."""
    if covering_reservation(order, day, reservations=reservations) is not None:
        return ""
    held = days_held(order)
    last = icu_beds.last_day(day, held)
    confirmed = next(iter(_with_status(order, ReservationStatus.CONFIRMED, reservations)), None)
    if confirmed is not None:
        return _(
            "The confirmed intensive-care bed (%(first)s–%(last)s) does not cover an infusion "
            "on %(day)s and the %(days)s days the product needs (until %(until)s): cancel it "
            "and request a bed covering these days, then wait for the ICU's confirmation "
            "before infusing."
        ) % {
            "first": _day(confirmed.first_day),
            "last": _day(confirmed.last_day),
            "day": _day(day),
            "days": held,
            "until": _day(last),
        }
    pending = next(iter(_with_status(order, ReservationStatus.REQUESTED, reservations)), None)
    if pending is not None:
        return _(
            "No confirmed intensive-care bed covers the infusion on %(day)s: the reservation "
            "of %(pending_first)s is awaiting the ICU's answer. Do not infuse before the ICU "
            "confirms a bed covering %(day)s–%(until)s."
        ) % {"day": _day(day), "pending_first": _day(pending.first_day), "until": _day(last)}
    return _(
        "No confirmed intensive-care bed covers the infusion on %(day)s: request a bed from "
        "the order for %(day)s–%(until)s (%(days)s days for this product) and wait for the "
        "ICU's confirmation before infusing."
    ) % {"day": _day(day), "until": _day(last), "days": held}


def covering_reservation(
    order: CarTOrder, day: dt.date, *, reservations: list[BedReservation] | None = None
) -> BedReservation | None:
    held = days_held(order)
    for reservation in _with_status(order, ReservationStatus.CONFIRMED, reservations):
        if icu_beds.covers(reservation.first_day, reservation.last_day, day, held):
            return reservation
    return None


@transaction.atomic
def infusion_date_set(*, actor: User, order: CarTOrder, day: dt.date | None) -> CarTOrder:
    """Fix (or clear, ``day`` None) the planned infusion: only on a confirmed intensive-care
    reservation covering the infusion day and the days the product needs after it."""
    if actor.role not in TEAM_ROLES:
        raise ApplicationError(
            _("Only the cell-therapy team can fix the infusion date."),
            field="planned_infusion_on",
        )
    order = CarTOrder.objects.select_for_update().get(pk=order.pk)
    if order.state in CLOSED:
        raise ApplicationError(
            _("This order is closed: its infusion date cannot change."),
            field="planned_infusion_on",
        )
    if day is not None:
        if day < timezone.localdate():
            raise ApplicationError(
                _("The planned infusion cannot be in the past."), field="planned_infusion_on"
            )
        if covering_reservation(order, day) is None:
            raise ApplicationError(_date_refusal(order, day), field="planned_infusion_on")
    previous = order.planned_infusion_on
    order.planned_infusion_on = day
    order.save(update_fields=["planned_infusion_on", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=order.patient_id,
        obj=order,
        details={
            "planned_infusion_on": day.isoformat() if day else None,
            "was": previous.isoformat() if previous else None,
        },
    )
    return order


def _date_refusal(order: CarTOrder, day: dt.date) -> str:
    held = days_held(order)
    last = icu_beds.last_day(day, held)
    pending = order.bed_reservations.filter(status=ReservationStatus.REQUESTED).first()
    if pending is not None:
        return _(
            "No confirmed intensive-care bed covers %(first)s–%(last)s: the reservation of "
            "%(pending_first)s is awaiting the ICU's answer."
        ) % {
            "first": _day(day),
            "last": _day(last),
            "pending_first": _day(pending.first_day),
        }
    return _(
        "No confirmed intensive-care bed covers %(first)s–%(last)s (%(days)s days from the "
        "infusion for this product): request a bed for this day and wait for the ICU's "
        "confirmation."
    ) % {"first": _day(day), "last": _day(last), "days": held}
