"""Reads for EFS care centres and monitoring beds: the centres a user works with, the day grid
(machines × hours), pending requests, free slots, a booking (care team only), bed occupancy."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oncoparcours.core.models import User
from oncoparcours.directory.models import Organisation, OrganisationKind
from oncoparcours.patients.selectors import visible_patient_filter

from . import catalogue
from .models import BedStay, BedUnit, Booking, BookingStatus, CentreSchedule, Machine
from .rules import capacity
from .selectors import user_organisation_ids

SLOT_MINUTES = 30
VIEWERS = {"clinician", "coordination_nurse", "administrator"}


def centres_for(user: User) -> QuerySet[Organisation]:
    efs = Organisation.objects.filter(kind=OrganisationKind.EFS_CARE_CENTRE, is_active=True)
    own = efs.filter(pk__in=user_organisation_ids(user))
    if own.exists() or user.role not in VIEWERS:
        return own.order_by("name")
    return efs.order_by("name")


def _hours(centre: Organisation, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
    schedule = CentreSchedule.objects.filter(centre=centre).first()
    window = (schedule.hours if schedule else {}).get(str(day.weekday()))
    if not window:
        return None
    zone = zoneinfo.ZoneInfo(centre.time_zone)
    opens, closes = (dt.time.fromisoformat(t) for t in window)
    return (
        dt.datetime.combine(day, opens, tzinfo=zone),
        dt.datetime.combine(day, closes, tzinfo=zone),
    )


@dataclass(frozen=True)
class Placed:
    booking: Booking
    column: int  # 1-based grid column of the start
    span: int
    visible: bool


@dataclass(frozen=True)
class DayGrid:
    opens: dt.datetime | None
    slots: list[dt.datetime]
    rows: list[tuple[Machine, list[Placed]]]
    bookings: list[Booking]

    def cells(self) -> list[tuple[Machine, list[Placed | dt.datetime]]]:
        """Each machine's row as table cells: a booking (spanning its slots) or a free slot."""
        rows = []
        for machine, placed in self.rows:
            starts = {p.column: p for p in placed}
            cells: list[Placed | dt.datetime] = []
            column = 1
            while column <= len(self.slots):
                if column in starts:
                    booking = starts[column]
                    span = min(booking.span, len(self.slots) - column + 1)
                    cells.append(Placed(booking.booking, column, span, booking.visible))
                    column += span
                else:
                    cells.append(self.slots[column - 1])
                    column += 1
            rows.append((machine, cells))
        return rows


def day_grid(centre: Organisation, day: dt.date, user: User) -> DayGrid:
    hours = _hours(centre, day)
    machines = list(
        Machine.objects.filter(centre=centre, active=True)
        .select_related("resource")
        .order_by("kind", "name")
    )
    if hours is None:
        return DayGrid(None, [], [(m, []) for m in machines], [])
    opens, closes = hours
    slots = []
    moment = opens
    while moment < closes:
        slots.append(moment)
        moment += dt.timedelta(minutes=SLOT_MINUTES)
    bookings = list(
        Booking.objects.filter(
            centre=centre,
            status__in=[BookingStatus.SCHEDULED, BookingStatus.DONE],
            starts_at__lt=closes,
            ends_at__gt=opens,
        )
        .select_related("patient", "machine", "mobile_site")
        .order_by("starts_at")
    )
    visible = set(
        Booking.objects.filter(pk__in=[b.pk for b in bookings])
        .filter(visible_patient_filter(user))
        .values_list("pk", flat=True)
    )
    by_machine: dict[uuid.UUID, list[Placed]] = {m.pk: [] for m in machines}
    for booking in bookings:
        assert booking.starts_at is not None and booking.ends_at is not None
        start = max(booking.starts_at, opens)
        end = min(booking.ends_at, closes)
        column = int((start - opens).total_seconds() // (SLOT_MINUTES * 60)) + 1
        span = max(1, -int(-(end - start).total_seconds() // (SLOT_MINUTES * 60)))
        if booking.machine_id in by_machine:
            by_machine[booking.machine_id].append(
                Placed(booking, column, span, booking.pk in visible)
            )
    return DayGrid(opens, slots, [(m, by_machine[m.pk]) for m in machines], bookings)


@dataclass(frozen=True)
class TodayAtCentres:
    """Today's sessions at the user's EFS centres, split around now."""

    done: int
    under_way: list[tuple[Booking, bool]]  # (booking, patient visible to the user)
    coming: list[tuple[Booking, bool]]
    requests: int


def today_at_centres(user: User, now: dt.datetime | None = None) -> TodayAtCentres | None:
    """Three queries whatever the number of sessions; None for a user of no EFS centre."""
    now = now or timezone.now()
    centres = list(centres_for(user).filter(pk__in=user_organisation_ids(user)))
    if not centres:
        return None
    today = timezone.localdate(now)
    bookings = list(
        Booking.objects.filter(
            centre__in=centres,
            status__in=[BookingStatus.SCHEDULED, BookingStatus.DONE],
            starts_at__date=today,
        )
        .select_related("patient", "machine", "centre")
        .order_by("starts_at")
    )
    visible = set(
        Booking.objects.filter(pk__in=[b.pk for b in bookings])
        .filter(visible_patient_filter(user))
        .values_list("pk", flat=True)
    )
    under_way, coming, done = [], [], 0
    for booking in bookings:
        assert booking.starts_at is not None and booking.ends_at is not None
        if booking.status == BookingStatus.DONE or booking.ends_at <= now:
            done += 1
        elif booking.starts_at <= now:
            under_way.append((booking, booking.pk in visible))
        else:
            coming.append((booking, booking.pk in visible))
    requests = Booking.objects.filter(centre__in=centres, status=BookingStatus.REQUESTED).count()
    return TodayAtCentres(done, under_way, coming, requests)


def pending_requests(centre: Organisation, user: User) -> list[Booking]:
    return list(
        Booking.objects.filter(centre=centre, status=BookingStatus.REQUESTED)
        .filter(visible_patient_filter(user))
        .select_related("patient", "requesting_organisation", "mobile_site")
        .order_by("wanted_from", "created_at")[:100]
    )


def week_load(centre: Organisation, day: dt.date) -> list[tuple[dt.date, int, int]]:
    """(day, scheduled procedures, machine hours booked) for the 7 days from ``day``'s Monday."""
    monday = day - dt.timedelta(days=day.weekday())
    zone = zoneinfo.ZoneInfo(centre.time_zone)
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=zone)
    rows = Booking.objects.filter(
        centre=centre,
        status__in=[BookingStatus.SCHEDULED, BookingStatus.DONE],
        starts_at__gte=start,
        starts_at__lt=start + dt.timedelta(days=7),
    ).values_list("starts_at", "ends_at")
    load = {monday + dt.timedelta(days=i): [0, 0.0] for i in range(7)}
    for starts, ends in rows:
        if starts is None or ends is None:
            continue
        local_day = starts.astimezone(zone).date()
        load[local_day][0] += 1
        load[local_day][1] += (ends - starts).total_seconds() / 3600
    return [(d, int(n), round(h)) for d, (n, h) in load.items()]


def booking_get(user: User, booking_id: uuid.UUID) -> Booking:
    booking = (
        Booking.objects.filter(pk=booking_id)
        .filter(visible_patient_filter(user))
        .select_related(
            "patient",
            "centre",
            "machine",
            "mobile_site",
            "requesting_organisation",
            "requested_by",
            "order",
        )
        .first()
    )
    if booking is None:
        raise Http404
    return booking


def procedure_of(booking: Booking) -> catalogue.Procedure | None:
    return catalogue.procedure(booking.procedure)


PERFORMER_LABELS = {
    "apheresis_operator": gettext_lazy("apheresis operator (nurse or physician)"),
    "efs_nurse": gettext_lazy("EFS nurse"),
}


def procedure_needs(booking: Booking) -> dict:
    """What the procedure needs (kinds of place, performer) and its haemoglobin gate with the
    values recorded for this booking."""
    procedure = catalogue.procedure(booking.procedure)
    if procedure is None:
        return {}
    kinds = dict(Machine.Kind.choices)
    return {
        "machine_kinds": _(" or ").join(str(kinds.get(k, k)).lower() for k in procedure.machines),
        "performer": PERFORMER_LABELS.get(procedure.performer, ""),
        "gate": catalogue.haemoglobin_gate(procedure.code),
        "haemoglobins": list(booking.haemoglobins.order_by("-measured_on", "-id")),
    }


def free_slots(booking: Booking, limit: int = 8) -> list[tuple[dt.datetime, Machine]]:
    """The first start times within the wanted period where a suitable machine is free."""
    procedure = catalogue.procedure(booking.procedure)
    if procedure is None or booking.status not in (
        BookingStatus.REQUESTED,
        BookingStatus.SCHEDULED,
    ):
        return []
    machines = list(
        Machine.objects.filter(centre=booking.centre, active=True, kind__in=procedure.machines)
    )
    if not machines:
        return []
    length = dt.timedelta(minutes=procedure.minutes)
    first_day = max(booking.wanted_from, timezone.localdate())
    taken = list(
        Booking.objects.filter(
            machine__in=machines,
            status=BookingStatus.SCHEDULED,
            starts_at__lt=dt.datetime.combine(
                booking.wanted_until + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC
            ),
            ends_at__gt=dt.datetime.combine(first_day, dt.time(0), tzinfo=dt.UTC),
        )
        .exclude(pk=booking.pk)
        .values_list("machine_id", "starts_at", "ends_at")
    )
    found: list[tuple[dt.datetime, Machine]] = []
    day = first_day
    now = timezone.now()
    while day <= booking.wanted_until and len(found) < limit:
        hours = _hours(booking.centre, day)
        if hours is not None:
            start = hours[0]
            while start + length <= hours[1] and len(found) < limit:
                for machine in machines:
                    busy = any(
                        m == machine.pk and capacity.overlaps(start, start + length, s, e)
                        for m, s, e in taken
                        if s is not None and e is not None
                    )
                    if not busy and start > now:
                        found.append((start, machine))
                        break
                start += dt.timedelta(minutes=SLOT_MINUTES)
        day += dt.timedelta(days=1)
    return found


def bed_units_for(user: User) -> QuerySet[BedUnit]:
    units = BedUnit.objects.select_related("organisation")
    if user.role == "administrator":
        return units
    return units.filter(organisation_id__in=user_organisation_ids(user)) | units.filter(
        organisation__parent_id__in=user_organisation_ids(user)
    )


@dataclass(frozen=True)
class UnitOccupancy:
    unit: BedUnit
    days: list[tuple[dt.date, int]]
    full_days: int

    @property
    def full_dates(self) -> list[dt.date]:
        """The days with no free bed (named beside the count: the table scrolls)."""
        return [day for day, n in self.days if n >= self.unit.beds]


def occupancy(units: QuerySet[BedUnit], start: dt.date, days: int) -> list[UnitOccupancy]:
    """Occupied beds per day for each unit, from its stays (one query for all units)."""
    end = start + dt.timedelta(days=days)
    unit_list = list(units)
    stays: dict[uuid.UUID, list[capacity.Stay]] = {u.pk: [] for u in unit_list}
    for unit_id, first, last in (
        BedStay.objects.filter(unit__in=unit_list, start__lt=end)
        .filter(Q(end__isnull=True) | Q(end__gt=start))
        .values_list("unit_id", "start", "end")
    ):
        stays[unit_id].append(capacity.Stay(first, last))
    result = []
    for unit in unit_list:
        counts = [
            (
                day,
                sum(1 for s in stays[unit.pk] if s.start <= day and (s.end is None or day < s.end)),
            )
            for day in (start + dt.timedelta(days=i) for i in range(days))
        ]
        result.append(UnitOccupancy(unit, counts, sum(1 for _d, n in counts if n >= unit.beds)))
    return result


def infusion_bed_warning(
    order_centre_id: uuid.UUID, infusion: dt.date, days: int = capacity.MONITORING_DAYS
) -> list[tuple[BedUnit, dt.date, int]]:
    """Units of the treating site with no bed expected free on some day of the monitoring window
    (``days``: the product label's daily monitoring window)."""
    units = list(
        # The monitoring units: an intensive-care bed is reserved on its own (services.icu_beds).
        BedUnit.objects.filter(
            Q(organisation_id=order_centre_id) | Q(organisation__parent_id=order_centre_id),
            intensive_care=False,
        )
    )
    if not units:
        return []
    window_end = infusion + dt.timedelta(days=days)
    stays: dict[uuid.UUID, list[capacity.Stay]] = {u.pk: [] for u in units}
    for unit_id, first, last in (
        BedStay.objects.filter(unit__in=units, start__lt=window_end)
        .filter(Q(end__isnull=True) | Q(end__gt=infusion))
        .values_list("unit_id", "start", "end")
    ):
        stays[unit_id].append(capacity.Stay(first, last))
    warnings = []
    for unit in units:
        full = capacity.bed_warning(unit.beds, stays[unit.pk], infusion, days)
        if full is not None:
            warnings.append((unit, full[0], full[1]))
    # A warning only when every unit of the site is full at some point of the window.
    return warnings if len(warnings) == len(units) else []
