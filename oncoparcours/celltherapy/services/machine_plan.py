"""EFS bookings follow the published chair / machine plan of their centre (planning, issue 18).

When a plan of an EFS care centre is published, each booking of that centre whose pathway
activity has a session in the plan gets the session's time and machine: the EFS day grid, the
booking page and the CAR-T order page then show the planned time. Registered as a receiver of
``planning.hooks`` (planning never imports cell therapy).

* A booking done, declined or cancelled is never changed.
* The plan's machine (a planning ``Resource``) is the EFS machine linked to it
  (``Machine.resource``, "planned as"); a session on a machine no EFS machine is linked to
  leaves the booking unchanged and the planner is told.
* A booking that followed a session of the previous published version which this version no
  longer places (unplaced, or no longer of the day) goes back to "requested" (to schedule: slot
  and machine cleared), audited, version + 1: it must not hold a machine slot the plan no longer
  reserves. One whose session has started keeps its slot and the planner is told (booking
  reference, no patient). See docs/planning.md.
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
from collections.abc import Collection

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import User
from oncoparcours.planning.models import ChairPlan, ChairSession, PlanStatus, hhmm

from ..models import Booking, BookingStatus, Machine
from ..rules import bookings as rules
from . import efs

OPEN = (BookingStatus.REQUESTED, BookingStatus.SCHEDULED)


def _at(day: dt.date, minutes: int, zone: str) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))
    return local.replace(tzinfo=zoneinfo.ZoneInfo(zone))


def _machine_for(session: ChairSession, booking: Booking) -> Machine:
    machine = Machine.objects.filter(
        centre_id=booking.centre_id, resource_id=session.resource_id
    ).first()
    if machine is None:
        raise ApplicationError(
            _("no EFS machine of the centre is linked to “%(name)s” (planned as).")
            % {"name": session.resource.name},
            field="machine",
        )
    return machine


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
    return (
        booking.starts_at == _at(plan.day, session.start, zone)
        and booking.ends_at == _at(plan.day, session.end, zone)
        and booking.machine is not None
        and booking.machine.resource_id == session.resource_id
    )


@transaction.atomic
def booking_unschedule_from_plan(
    *, booking: Booking, actor: User, plan: ChairPlan, session: ChairSession
) -> Booking:
    """The plan no longer places the session the booking followed (``session``, of an earlier
    version): the booking goes back to "requested" (slot and machine cleared). Refused for a
    closed booking and for a session that has started. The planner's rights on the centre were
    checked by the publication."""
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("centre", "machine")
        .get(pk=booking.pk)
    )
    if not rules.can_move(booking.status, BookingStatus.REQUESTED):
        raise ApplicationError(_("this booking is closed."), field="status")
    if booking.starts_at is not None and booking.starts_at <= timezone.now():
        raise ApplicationError(
            _("its session has started: record it done or cancelled on the booking's page."),
            field="starts_at",
        )
    return efs.release_slot(
        booking,
        actor=actor,
        details={
            "chair_plan": str(plan.pk),
            "plan_version": plan.version,
            "dropped_session": str(session.pk),
        },
    )


def _previous_published(plan: ChairPlan) -> ChairPlan | None:
    return (
        ChairPlan.objects.filter(
            centre_id=plan.centre_id,
            day=plan.day,
            status=PlanStatus.PUBLISHED,
            version__lt=plan.version,
        )
        .order_by("-version")
        .first()
    )


def _dropped(plan: ChairPlan, placed: Collection[uuid.UUID]) -> list[tuple[Booking, ChairSession]]:
    """The scheduled bookings that hold the slot of a session of the previous published version
    which this version does not place (``placed``: the activities it places)."""
    previous = _previous_published(plan)
    if previous is None:
        return []
    gone = {
        s.activity_id: s
        for s in ChairSession.objects.filter(plan=previous)
        .exclude(activity_id__in=list(placed))
        .select_related("resource")
    }
    if not gone:
        return []
    bookings = (
        Booking.objects.filter(
            centre_id=plan.centre.organisation_id,
            activity_id__in=list(gone),
            status=BookingStatus.SCHEDULED,
        )
        .select_related("centre", "machine")
        .order_by("starts_at", "pk")
    )
    return [
        (b, gone[b.activity_id])
        for b in bookings
        if b.activity_id is not None and _same_slot(b, gone[b.activity_id], previous)
    ]


def _release_dropped(
    plan: ChairPlan, actor: User, placed: Collection[uuid.UUID]
) -> tuple[list[str], set[uuid.UUID]]:
    """Unschedule the bookings of the dropped sessions; the notes, and the bookings noted."""
    notes, noted = [], set()
    for booking, session in _dropped(plan, placed):
        noted.add(booking.pk)
        values = {
            "reference": booking.reference,
            "time": hhmm(session.start),
            "resource": session.resource.name,
        }
        try:
            booking_unschedule_from_plan(booking=booking, actor=actor, plan=plan, session=session)
        except ApplicationError as error:
            notes.append(
                _(
                    "EFS booking %(reference)s: its slot at %(time)s (%(resource)s) is no longer "
                    "in the plan, but it keeps it — %(reason)s"
                )
                % {**values, "reason": error.message}
            )
        else:
            notes.append(
                _(
                    "EFS booking %(reference)s: its slot at %(time)s (%(resource)s) is no longer "
                    "in the plan; it is back to be scheduled (slot and machine cleared)."
                )
                % values
            )
    return notes, noted


def bookings_follow_plan(*, actor: User, plan: ChairPlan) -> list[str]:
    """Receiver of a published chair / machine plan: free the slots of the bookings whose session
    this version dropped, then place the centre's open bookings at their sessions; notes for the
    planner (how many placed, which could not be and why, which bookings lost their session)."""
    sessions = {
        s.activity_id: s for s in ChairSession.objects.filter(plan=plan).select_related("resource")
    }
    # First free the slots of the sessions this version dropped: the plan may give them to others.
    released, noted = _release_dropped(plan, actor, sessions.keys())
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
    return notes + released + _unplaced_notes(plan, noted)


def _unplaced_notes(plan: ChairPlan, noted: Collection[uuid.UUID]) -> list[str]:
    """Bookings still scheduled whose session this version does not place (scheduled by hand,
    not on a slot of the previous version): they keep their time, the EFS team changes it."""
    left = (
        Booking.objects.filter(
            centre_id=plan.centre.organisation_id,
            status=BookingStatus.SCHEDULED,
            activity_id__in=plan.unplaced.values("activity_id"),
        )
        .exclude(pk__in=list(noted))
        .select_related("centre")
    )
    return [
        _(
            "EFS booking %(reference)s, scheduled at %(time)s, is not placed in this version: it "
            "keeps its time; change it on the booking's page."
        )
        % {"reference": b.reference, "time": f"{efs._local(b.starts_at, b.centre):%H:%M}"}
        for b in left.order_by("starts_at")
        if b.starts_at is not None
    ]
