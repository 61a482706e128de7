"""EFS bookings follow the published chair / machine plan of their centre (planning, issue 18).

When a plan of an EFS care centre is published, each booking of that centre whose pathway
activity has a session in the plan gets the session's time and machine: the EFS day grid, the
booking page and the CAR-T order page then show the planned time. Registered as a receiver of
``planning.hooks`` (planning never imports cell therapy).

* A booking done, declined or cancelled is never changed.
* The plan's machine (a planning ``Resource``) is the EFS machine of the same name at the centre.
* The booking's own rules still hold (machine kind, opening hours, machine free of the bookings
  outside the plan, patient free, one procedure a day, wanted period, haemoglobin gate): a booking
  that breaks one keeps its state and the planner is told why (no patient named: she may not be
  in the care team).
* Each write is the booking's scheduling: version + 1, audited with the plan, in a savepoint.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import User
from oncoparcours.planning.models import ChairPlan, ChairSession, hhmm

from ..models import Booking, BookingStatus, Machine
from ..rules import bookings as rules
from . import efs

OPEN = (BookingStatus.REQUESTED, BookingStatus.SCHEDULED)


def _at(day: dt.date, minutes: int, zone: str) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))
    return local.replace(tzinfo=zoneinfo.ZoneInfo(zone))


def _machine_for(session: ChairSession, booking: Booking) -> Machine:
    wanted = session.resource.name.strip().casefold()
    for machine in Machine.objects.filter(centre_id=booking.centre_id):
        if machine.name.strip().casefold() == wanted:
            return machine
    raise ApplicationError(
        _("no EFS machine of the centre is named “%(name)s”.") % {"name": session.resource.name},
        field="machine",
    )


@transaction.atomic
def booking_place_from_plan(
    *,
    booking: Booking,
    actor: User,
    plan: ChairPlan,
    session: ChairSession,
    moving: frozenset[uuid.UUID] = frozenset(),
) -> Booking:
    """Schedule the booking at its session of the published plan (``moving``: the other bookings
    of the plan, which move with it). The planner's rights on the centre were checked by the
    publication."""
    booking = Booking.objects.select_for_update().select_related("centre").get(pk=booking.pk)
    if not rules.can_move(booking.status, BookingStatus.SCHEDULED):
        raise ApplicationError(_("this booking is closed."), field="status")
    machine = _machine_for(session, booking)
    zone = booking.centre.time_zone
    start, end = _at(plan.day, session.start, zone), _at(plan.day, session.end, zone)
    efs.check_machine_fits(booking, machine)
    if start < timezone.now():
        raise ApplicationError(_("A new booking cannot start in the past."), field="starts_at")
    efs.check_opening_hours(booking, start, end)
    efs.check_machine_free(booking, machine, start, end, ignore=moving)
    efs._check_patient_free(booking, start, end)
    return efs.schedule_checked_slot(
        booking,
        machine,
        start,
        end,
        actor=actor,
        details={"chair_plan": str(plan.pk), "plan_version": plan.version},
        order_step_optional=True,
    )


def _same_slot(booking: Booking, session: ChairSession, plan: ChairPlan) -> bool:
    if booking.status != BookingStatus.SCHEDULED or booking.starts_at is None:
        return False
    zone = booking.centre.time_zone
    machine = booking.machine.name.strip().casefold() if booking.machine else ""
    return (
        booking.starts_at == _at(plan.day, session.start, zone)
        and booking.ends_at == _at(plan.day, session.end, zone)
        and machine == session.resource.name.strip().casefold()
    )


def bookings_follow_plan(*, actor: User, plan: ChairPlan) -> list[str]:
    """Receiver of a published chair / machine plan: place the centre's open bookings at their
    sessions; notes for the planner (how many placed, which could not be and why, which bookings
    lost their session in this version)."""
    sessions = {
        s.activity_id: s for s in ChairSession.objects.filter(plan=plan).select_related("resource")
    }
    bookings = list(
        Booking.objects.filter(
            centre_id=plan.centre.organisation_id,
            activity_id__in=list(sessions),
            status__in=OPEN,
        )
        .select_related("centre", "machine", "order")
        .order_by("pk")
    )
    moving = frozenset(b.pk for b in bookings)
    placed, notes = 0, []
    for booking in bookings:
        assert booking.activity_id is not None
        session = sessions[booking.activity_id]
        if _same_slot(booking, session, plan):
            continue
        try:
            booking_place_from_plan(
                booking=booking, actor=actor, plan=plan, session=session, moving=moving
            )
        except ApplicationError as error:
            notes.append(
                _("Session at %(time)s (%(resource)s): EFS booking not updated — %(reason)s")
                % {
                    "time": hhmm(session.start),
                    "resource": session.resource.name,
                    "reason": error.message,
                }
            )
        else:
            placed += 1
    if placed:
        notes.insert(0, _("EFS bookings placed at their planned time: %(n)s.") % {"n": placed})
    return notes + _unplaced_notes(plan)


def _unplaced_notes(plan: ChairPlan) -> list[str]:
    """Bookings scheduled (by an earlier version) whose session this version does not place:
    they keep their time, the EFS team changes it."""
    left = Booking.objects.filter(
        centre_id=plan.centre.organisation_id,
        status=BookingStatus.SCHEDULED,
        activity_id__in=plan.unplaced.values("activity_id"),
    ).select_related("centre")
    return [
        _(
            "An EFS booking scheduled at %(time)s is not placed in this version: it keeps its "
            "time; change it on the booking's page."
        )
        % {"time": f"{efs._local(b.starts_at, b.centre):%H:%M}"}
        for b in left.order_by("starts_at")
        if b.starts_at is not None
    ]
