"""EFS care centres: referral of a procedure by a hospital, scheduling on a machine or a chair
(opening hours, no double booking of the machine nor of the patient at any centre, staff on duty),
mobile sessions, done/declined/cancelled, the haemoglobin gate of a procedure (at the request, the
scheduling and the session), and the planned sessions of EFS pathway programmes turned into
booking requests."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.directory.models import Organisation, OrganisationKind
from oncoparcours.pathways.models import ActivityInstance, ActivityStatus
from oncoparcours.patients.models import Patient

from .. import catalogue
from ..db import is_overlap_violation
from ..models import Booking, BookingStatus, CarTOrder, CentreSchedule, HaemoglobinResult, Machine
from ..rules import bookings as rules
from ..rules import capacity
from ..rules.haemoglobin import haemoglobin_problem
from . import care_team

STATUS_LABELS = dict(BookingStatus.choices)
# Pathway activity kinds performed at an EFS care centre (a phlebotomy is not an apheresis).
EFS_ACTIVITY_KINDS = ("apheresis", "phlebotomy")


def _label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status)).lower()


@dataclass(frozen=True)
class BookingRequest:
    patient: Patient
    centre: Organisation
    procedure: str
    wanted_from: dt.date
    wanted_until: dt.date
    note: str = ""
    requesting_organisation: Organisation | None = None
    mobile_site: Organisation | None = None
    order: CarTOrder | None = None
    activity: ActivityInstance | None = None
    haemoglobin_g_dl: Decimal | None = None
    haemoglobin_on: dt.date | None = None


@dataclass(frozen=True)
class Haemoglobin:
    """A haemoglobin value given with a request, a scheduling or a session (g/dL, day)."""

    value: Decimal | None
    measured_on: dt.date | None


HAEMOGLOBIN_FIELD = "haemoglobin_g_dl"
HAEMOGLOBIN_DAY_FIELD = "haemoglobin_on"


def _haemoglobin_refusal(
    problem: str, gate: catalogue.HaemoglobinGate, max_age: int
) -> ApplicationError:
    values = {"threshold": gate.refuse_at_or_below, "days": max_age}
    if problem in ("missing_date", "future", "too_old"):
        message = {
            "missing_date": _("Give the day the haemoglobin was measured."),
            "future": _("The haemoglobin cannot be measured in the future."),
            "too_old": _(
                "Haemoglobin too old: it must be measured at most %(days)s day(s) before (the "
                "session needs one of the day)."
            )
            if max_age
            else _("The haemoglobin must be measured on the day of the session."),
        }[problem]
        return ApplicationError(message % values, field=HAEMOGLOBIN_DAY_FIELD)
    message = {
        "missing": _(
            "Give the patient's haemoglobin (g/dL): no phlebotomy at or below %(threshold)s g/dL."
        ),
        "implausible": _("This haemoglobin is not plausible (g/dL): check the value."),
        "too_low": _(
            "Haemoglobin at or below %(threshold)s g/dL: no session (HAS 2005). Postpone the "
            "procedure and check the haemoglobin again."
        ),
    }[problem]
    return ApplicationError(message % values, field=HAEMOGLOBIN_FIELD)


def _haemoglobin_gate(
    *,
    patient: Patient,
    procedure: str,
    given: Haemoglobin,
    on: dt.date,
    moment: str,
    actor: User,
    booking: Booking | None = None,
) -> HaemoglobinResult | None:
    """Enforce the procedure's haemoglobin gate on day ``on`` with the value given, else the
    latest one recorded for the patient (not for the session, which needs its own value).
    A value given is recorded (with its day) when it passes."""
    gate = catalogue.haemoglobin_gate(procedure)
    if gate is None:
        return None
    max_age = gate.session_max_age_days if moment == "session" else gate.booking_max_age_days
    value, measured_on = given.value, given.measured_on
    if value is None and moment != "session":
        latest = HaemoglobinResult.objects.filter(patient=patient).order_by("-measured_on", "-id")
        if (last := latest.first()) is not None:
            value, measured_on = last.value_g_dl, last.measured_on
    problem = haemoglobin_problem(
        value=value,
        measured_on=measured_on,
        on=on,
        refuse_at_or_below=gate.refuse_at_or_below,
        max_age_days=max_age,
    )
    if problem is not None:
        raise _haemoglobin_refusal(problem, gate, max_age)
    if given.value is None:
        return None
    assert given.measured_on is not None
    return HaemoglobinResult.objects.create(
        patient=patient,
        booking=booking,
        value_g_dl=given.value,
        measured_on=given.measured_on,
        moment=moment,
        recorded_by=actor,
    )


def _validate_request(data: BookingRequest) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if catalogue.procedure(data.procedure) is None:
        errors["procedure"] = [_("Unknown procedure.")]
    if data.centre.kind != OrganisationKind.EFS_CARE_CENTRE:
        errors["centre"] = [_("%(name)s is not an EFS care centre.") % {"name": data.centre}]
    if data.wanted_until < data.wanted_from:
        errors["wanted_until"] = [_("The end of the wanted period is before its start.")]
    if data.wanted_until < timezone.localdate():
        errors["wanted_until"] = [_("The wanted period is over.")]
    if data.order is not None and data.order.patient_id != data.patient.pk:
        errors["order"] = [_("This order is for another patient.")]
    return errors


@transaction.atomic
def booking_request(*, actor: User, data: BookingRequest) -> Booking:
    errors = _validate_request(data)
    if errors:
        raise ApplicationError(_("The request was not saved."), errors=errors)
    booking = Booking.objects.create(
        centre=data.centre,
        patient=data.patient,
        procedure=data.procedure,
        requested_by=actor,
        requesting_organisation=data.requesting_organisation,
        wanted_from=data.wanted_from,
        wanted_until=data.wanted_until,
        note=data.note.strip(),
        mobile_site=data.mobile_site,
        order=data.order,
        activity=data.activity,
    )
    _haemoglobin_gate(
        patient=data.patient,
        procedure=data.procedure,
        given=Haemoglobin(data.haemoglobin_g_dl, data.haemoglobin_on),
        on=timezone.localdate(),
        moment="request",
        actor=actor,
        booking=booking,
    )
    care_team.add_centre_staff(data.patient, data.centre, actor, reason=f"EFS {data.procedure}")
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=data.patient.pk,
        obj=booking,
        details={"procedure": data.procedure, "centre": str(data.centre.pk)},
    )
    return booking


def _locked(booking: Booking, expected_version: int | None) -> Booking:
    current = Booking.objects.select_for_update().select_related("centre").get(pk=booking.pk)
    if expected_version is not None and current.version != expected_version:
        raise ApplicationError(
            _("This booking was changed meanwhile (now: %(status)s). Reload the page.")
            % {"status": _label(current.status)}
        )
    return current


def _refuse(booking: Booking, target: str) -> None:
    options = rules.BOOKING_TRANSITIONS.get(booking.status, ())
    raise ApplicationError(
        _(
            "A booking that is %(current)s cannot become %(target)s. Possible next steps: "
            "%(options)s."
        )
        % {
            "current": _label(booking.status),
            "target": _label(target),
            "options": ", ".join(_label(o) for o in options) or _("none"),
        },
        field="status",
        allowed=list(options),
    )


def _check_staff(actor: User, centre: Organisation) -> None:
    from ..selectors import user_organisation_ids

    if actor.role != "efs_staff" or centre.pk not in user_organisation_ids(actor):
        raise ApplicationError(_("Only the staff of this EFS care centre can do this."))


def _local(moment: dt.datetime, centre: Organisation) -> dt.datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(centre.time_zone))


def _check_slot(booking: Booking, machine: Machine, start: dt.datetime, end: dt.datetime) -> None:
    check_machine_fits(booking, machine)
    if start < timezone.now():
        raise ApplicationError(_("A new booking cannot start in the past."), field="starts_at")
    schedule = check_opening_hours(booking, start, end)
    others = Booking.objects.filter(
        status=BookingStatus.SCHEDULED, starts_at__lt=end, ends_at__gt=start
    ).exclude(pk=booking.pk)
    check_machine_free(booking, machine, start, end)
    _check_patient_free(booking, start, end)
    staff = schedule.staff if schedule else 1
    running = [
        (s, e)
        for s, e in others.filter(centre_id=booking.centre_id).values_list("starts_at", "ends_at")
        if s is not None and e is not None
    ]
    if rules.staff_exceeded(capacity.peak_concurrent(running, start, end), staff):
        raise ApplicationError(
            _("Only %(staff)s staff on duty: no one is free for one more procedure at that time.")
            % {"staff": staff},
            field="starts_at",
        )


def check_machine_fits(booking: Booking, machine: Machine) -> None:
    """The machine is in service at the booking's centre and of a kind its procedure needs."""
    procedure = catalogue.procedure(booking.procedure)
    assert procedure is not None
    if machine.centre_id != booking.centre_id or not machine.active:
        raise ApplicationError(_("This machine is not in service at this centre."), field="machine")
    if machine.kind not in procedure.machines:
        raise ApplicationError(
            _("%(procedure)s needs: %(kinds)s.")
            % {
                "procedure": procedure,
                "kinds": _(" or ").join(
                    str(Machine.Kind(kind).label).lower() for kind in procedure.machines
                ),
            },
            field="machine",
        )


def check_opening_hours(
    booking: Booking, start: dt.datetime, end: dt.datetime
) -> CentreSchedule | None:
    """The period is inside the centre's opening hours; returns the centre's schedule."""
    schedule = CentreSchedule.objects.filter(centre_id=booking.centre_id).first()
    hours = schedule.hours if schedule else {}
    if not capacity.within_hours(_local(start, booking.centre), _local(end, booking.centre), hours):
        raise ApplicationError(
            _("%(start)s–%(end)s is outside the centre's opening hours.")
            % {
                "start": f"{_local(start, booking.centre):%d/%m %H:%M}",
                "end": f"{_local(end, booking.centre):%H:%M}",
            },
            field="starts_at",
        )
    return schedule


def check_machine_free(
    booking: Booking,
    machine: Machine,
    start: dt.datetime,
    end: dt.datetime,
    ignore: Collection[uuid.UUID] = (),
) -> None:
    """No other scheduled booking holds the machine then (``ignore``: bookings being moved
    together, e.g. those of a machine plan)."""
    clash = (
        Booking.objects.filter(
            status=BookingStatus.SCHEDULED, machine=machine, starts_at__lt=end, ends_at__gt=start
        )
        .exclude(pk=booking.pk)
        .exclude(pk__in=list(ignore))
        .order_by("starts_at")
        .first()
    )
    if clash is not None and clash.starts_at and clash.ends_at:
        raise ApplicationError(
            _("%(machine)s is already booked from %(start)s to %(end)s.")
            % {
                "machine": machine,
                "start": f"{_local(clash.starts_at, booking.centre):%H:%M}",
                "end": f"{_local(clash.ends_at, booking.centre):%H:%M}",
            },
            field="machine",
        )


OCCUPYING = (BookingStatus.SCHEDULED, BookingStatus.DONE)


def _check_patient_free(booking: Booking, start: dt.datetime, end: dt.datetime) -> None:
    """One patient cannot be in two procedures at once, at this centre or another one."""
    clash = (
        Booking.objects.filter(
            patient_id=booking.patient_id,
            status__in=OCCUPYING,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .exclude(pk=booking.pk)
        .select_related("centre")
        .order_by("starts_at")
        .first()
    )
    if clash is not None and clash.starts_at and clash.ends_at:
        raise ApplicationError(
            _(
                "The patient is already booked from %(start)s to %(end)s (%(procedure)s, "
                "%(centre)s): choose another time."
            )
            % {
                "start": f"{_local(clash.starts_at, clash.centre):%d/%m %H:%M}",
                "end": f"{_local(clash.ends_at, clash.centre):%H:%M}",
                "procedure": catalogue.procedure(clash.procedure) or clash.procedure,
                "centre": clash.centre,
            },
            field="starts_at",
        )


def _check_one_a_day(booking: Booking, start: dt.datetime) -> None:
    """One EFS procedure a day per patient (safer reading: two procedures that take blood or
    exchange it the same day add up), at this centre or another one."""
    day = _local(start, booking.centre).date()
    others = (
        Booking.objects.filter(patient_id=booking.patient_id, status__in=OCCUPYING)
        .exclude(pk=booking.pk)
        .exclude(starts_at__isnull=True)
        .select_related("centre")
    )
    for other in others.filter(
        starts_at__gte=start - dt.timedelta(days=1), starts_at__lte=start + dt.timedelta(days=1)
    ):
        if other.starts_at and _local(other.starts_at, other.centre).date() == day:
            raise ApplicationError(
                _(
                    "The patient already has a session that day (%(procedure)s at %(time)s, "
                    "%(centre)s): one procedure a day."
                )
                % {
                    "procedure": catalogue.procedure(other.procedure) or other.procedure,
                    "time": f"{_local(other.starts_at, other.centre):%H:%M}",
                    "centre": other.centre,
                },
                field="starts_at",
            )


def _check_wanted_period(booking: Booking, start: dt.datetime) -> None:
    """A session is scheduled within the period the requesting team asked for."""
    day = _local(start, booking.centre).date()
    if not booking.wanted_from <= day <= booking.wanted_until:
        raise ApplicationError(
            _(
                "The requesting team asked for a session between %(start)s and %(end)s: "
                "schedule it in that period, or ask them for a new request."
            )
            % {
                "start": booking.wanted_from.strftime("%d/%m/%Y"),
                "end": booking.wanted_until.strftime("%d/%m/%Y"),
            },
            field="starts_at",
        )


def _save_slot(booking: Booking) -> None:
    """Save, turning the database's own refusal of a double-booked patient into a message."""
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as error:
        if not is_overlap_violation(error):
            raise
        raise ApplicationError(
            _("The patient was booked at an overlapping time meanwhile: choose another time."),
            field="starts_at",
        ) from error


@transaction.atomic
def booking_schedule(
    *,
    booking: Booking,
    actor: User,
    machine: Machine,
    starts_at: dt.datetime,
    expected_version: int | None = None,
    haemoglobin: Haemoglobin | None = None,
) -> Booking:
    booking = _locked(booking, expected_version)
    _check_staff(actor, booking.centre)
    if not rules.can_move(booking.status, BookingStatus.SCHEDULED):
        _refuse(booking, BookingStatus.SCHEDULED)
    Machine.objects.select_for_update().filter(pk=machine.pk).first()  # serialises this machine
    # Serialises the patient's bookings at every centre (two schedulings at once, two centres).
    Patient.objects.select_for_update().filter(pk=booking.patient_id).first()
    procedure = catalogue.procedure(booking.procedure)
    assert procedure is not None
    ends_at = starts_at + dt.timedelta(minutes=procedure.minutes)
    _check_slot(booking, machine, starts_at, ends_at)
    return schedule_checked_slot(
        booking, machine, starts_at, ends_at, actor=actor, haemoglobin=haemoglobin
    )


def schedule_checked_slot(
    booking: Booking,
    machine: Machine,
    start: dt.datetime,
    end: dt.datetime,
    *,
    actor: User,
    haemoglobin: Haemoglobin | None = None,
    details: dict[str, Any] | None = None,
    order_step_optional: bool = False,
) -> Booking:
    """The rest of a scheduling once the slot itself was checked (machine, hours, overlaps):
    the wanted period, one procedure a day, the haemoglobin gate, then the slot saved, audited
    and followed by the order and the pathway activity. ``order_step_optional``: the order's
    "apheresis scheduled" step is left to its team when this actor may not record it."""
    _check_wanted_period(booking, start)
    _check_one_a_day(booking, start)
    _haemoglobin_gate(
        patient=booking.patient,
        procedure=booking.procedure,
        given=haemoglobin or Haemoglobin(None, None),
        on=timezone.localdate(),
        moment="schedule",
        actor=actor,
        booking=booking,
    )
    booking.machine, booking.starts_at, booking.ends_at = machine, start, end
    booking.status = BookingStatus.SCHEDULED
    booking.version += 1
    _save_slot(booking)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=booking.patient_id,
        obj=booking,
        details={"scheduled": start.isoformat(), "machine": machine.name, **(details or {})},
    )
    _follow_scheduled(booking, actor, order_step_optional=order_step_optional)
    return booking


def release_slot(booking: Booking, *, actor: User, details: dict[str, Any]) -> Booking:
    """Back to "requested" (to schedule): slot and machine cleared, version + 1, audited with the
    slot it held. The caller holds the row lock and checked the move (``can_move``)."""
    held = {
        "unscheduled": booking.starts_at.isoformat() if booking.starts_at else None,
        "machine": booking.machine.name if booking.machine else None,
    }
    booking.machine, booking.starts_at, booking.ends_at = None, None, None
    booking.status = BookingStatus.REQUESTED
    booking.version += 1
    booking.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=booking.patient_id,
        obj=booking,
        details={"status": BookingStatus.REQUESTED, **held, **details},
    )
    return booking


def _follow_scheduled(booking: Booking, actor: User, *, order_step_optional: bool) -> None:
    from oncoparcours.pathways.services.activities import activity_schedule

    from .orders import TransitionInput, order_transition

    if booking.order is not None and booking.order.state == "qualified":
        try:
            with transaction.atomic():
                order_transition(
                    order=booking.order, actor=actor, data=TransitionInput(to="apheresis_scheduled")
                )
        except ApplicationError:
            if not order_step_optional:
                raise
            # the order page shows the booked time; its step is recorded by its team
    if booking.activity is not None and booking.starts_at is not None:
        try:
            with transaction.atomic():
                activity_schedule(activity=booking.activity, when=booking.starts_at, actor=actor)
        except ApplicationError:
            pass  # the pathway keeps its own state (done/cancelled meanwhile)


@transaction.atomic
def booking_close(
    *,
    booking: Booking,
    actor: User,
    to: str,
    reason: str = "",
    expected_version: int | None = None,
    haemoglobin: Haemoglobin | None = None,
) -> Booking:
    """Done (with the haemoglobin of the session day when the procedure has a gate), declined
    (with a reason) or cancelled (with a reason)."""
    booking = _locked(booking, expected_version)
    if to == BookingStatus.CANCELLED and actor.pk == booking.requested_by_id:
        pass  # the requesting physician may cancel their own request
    else:
        _check_staff(actor, booking.centre)
    if not rules.can_move(booking.status, to) or to not in rules.CLOSING:
        _refuse(booking, to)
    if to in (BookingStatus.DECLINED, BookingStatus.CANCELLED) and not reason.strip():
        raise ApplicationError(_("Say why (reason)."), field="reason")
    if to == BookingStatus.DONE and booking.starts_at and booking.starts_at > timezone.now():
        raise ApplicationError(_("A procedure cannot be done before it starts."), field="status")
    if to == BookingStatus.DONE:
        _haemoglobin_gate(
            patient=booking.patient,
            procedure=booking.procedure,
            given=haemoglobin or Haemoglobin(None, None),
            on=_local(booking.starts_at, booking.centre).date()
            if booking.starts_at
            else timezone.localdate(),
            moment="session",
            actor=actor,
            booking=booking,
        )
    booking.status, booking.decline_reason = to, reason.strip()
    booking.version += 1
    booking.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=booking.patient_id,
        obj=booking,
        details={"status": to, "reason": reason.strip()},
    )
    if to == BookingStatus.DONE and booking.activity is not None:
        from oncoparcours.pathways.services.activities import activity_transition

        try:
            with transaction.atomic():
                activity_transition(activity=booking.activity, to=ActivityStatus.DONE, actor=actor)
        except ApplicationError:
            pass
    return booking


@dataclass(frozen=True)
class ProgrammeImport:
    created: int
    waiting_for_haemoglobin: int  # gated sessions without a recent haemoglobin above the gate


@transaction.atomic
def programme_requests(*, centre: Organisation, actor: User, days: int = 28) -> ProgrammeImport:
    """Turn the planned EFS sessions of pathway programmes into booking requests (once each).
    A session whose procedure has a haemoglobin gate is requested only when the patient's latest
    haemoglobin passes it; the others wait and are counted."""
    _check_staff(actor, centre)
    today = timezone.localdate()
    activities = (
        ActivityInstance.objects.filter(
            organisation=centre,
            kind__in=EFS_ACTIVITY_KINDS,
            status__in=[ActivityStatus.PLANNED, ActivityStatus.SCHEDULED],
            day__gte=today,
            day__lte=today + dt.timedelta(days=days),
        )
        .exclude(Q(pk__in=Booking.objects.filter(activity__isnull=False).values("activity_id")))
        .select_related("patient")
    )
    created = waiting = 0
    for activity in activities:
        procedure = catalogue.procedure_for_activity(activity.template_activity)
        if procedure is None:
            continue
        try:
            with transaction.atomic():
                booking_request(
                    actor=actor,
                    data=BookingRequest(
                        patient=activity.patient,
                        centre=centre,
                        procedure=procedure.code,
                        wanted_from=max(today, activity.day - dt.timedelta(days=3)),
                        wanted_until=activity.day + dt.timedelta(days=3),
                        note=_("Programme session (pathway)"),
                        activity=activity,
                    ),
                )
        except ApplicationError as error:
            if error.field not in (HAEMOGLOBIN_FIELD, HAEMOGLOBIN_DAY_FIELD):
                raise
            waiting += 1
            continue
        created += 1
    return ProgrammeImport(created, waiting)
