"""Reads for intensive-care bed reservations: the units a user answers for, the 21-day grid
(occupancy and reservations, patients named only to their care team), an order's reservations."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from oncoparcours.core.models import User
from oncoparcours.patients.selectors import professional_for, visible_patient_filter

from .models import BedReservation, BedStay, BedUnit, CarTOrder, ReservationStatus
from .rules import icu_beds

GRID_DAYS = 21


def icu_units_for(user: User) -> QuerySet[BedUnit]:
    """Intensive-care units whose reservations the user answers (all of them: administrator)."""
    units = BedUnit.objects.filter(intensive_care=True).select_related("organisation")
    if user.role == "administrator":
        return units.order_by("organisation__name", "name")
    professional = professional_for(user)
    if professional is None:
        return units.none()
    return units.filter(staff=professional).order_by("organisation__name", "name")


@dataclass(frozen=True)
class GridDay:
    day: dt.date
    taken: int  # stays + confirmed reservations
    requested: int
    full: bool


@dataclass(frozen=True)
class ReservationRow:
    reservation: BedReservation
    visible: bool  # the user is in the patient's care team


@dataclass(frozen=True)
class UnitGrid:
    unit: BedUnit
    days: list[GridDay]
    reservations: list[ReservationRow]


def icu_grid(user: User, units: list[BedUnit], start: dt.date) -> list[UnitGrid]:
    """Per unit, each of the 21 days from ``start``: beds taken (stays and confirmed
    reservations), requests waiting, and the reservations touching the period. A constant
    number of queries whatever the number of units and reservations."""
    end = start + dt.timedelta(days=GRID_DAYS - 1)
    days = icu_beds.covered_days(start, GRID_DAYS)
    taken: dict[uuid.UUID, dict[dt.date, int]] = {u.pk: dict.fromkeys(days, 0) for u in units}
    requested: dict[uuid.UUID, dict[dt.date, int]] = {u.pk: dict.fromkeys(days, 0) for u in units}
    for unit_id, first, last in (
        BedStay.objects.filter(unit__in=units, start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gt=start))
        .values_list("unit_id", "start", "end")
    ):
        for day in days:
            if first <= day and (last is None or day < last):
                taken[unit_id][day] += 1
    reservations = list(
        BedReservation.objects.filter(
            unit__in=units,
            status__in=(ReservationStatus.REQUESTED, ReservationStatus.CONFIRMED),
            first_day__lte=end,
            last_day__gte=start,
        )
        .select_related("patient", "order", "requested_by")
        .order_by("first_day", "created_at")
    )
    visible = set(
        BedReservation.objects.filter(pk__in=[r.pk for r in reservations])
        .filter(visible_patient_filter(user))
        .values_list("pk", flat=True)
    )
    rows: dict[uuid.UUID, list[ReservationRow]] = {u.pk: [] for u in units}
    for reservation in reservations:
        counts = taken if reservation.status in icu_beds.HOLDING else requested
        for day in days:
            if reservation.first_day <= day <= reservation.last_day:
                counts[reservation.unit_id][day] += 1
        rows[reservation.unit_id].append(ReservationRow(reservation, reservation.pk in visible))
    return [
        UnitGrid(
            unit,
            [
                GridDay(d, taken[unit.pk][d], requested[unit.pk][d], taken[unit.pk][d] >= unit.beds)
                for d in days
            ],
            rows[unit.pk],
        )
        for unit in units
    ]


def reservation_for_user(user: User, reservation_id: uuid.UUID) -> BedReservation | None:
    """A reservation of a unit the user answers for (None otherwise: 404)."""
    return (
        BedReservation.objects.filter(pk=reservation_id, unit__in=icu_units_for(user))
        .select_related("unit", "order", "patient")
        .first()
    )


def order_reservations(order: CarTOrder) -> list[BedReservation]:
    """The order's reservations, newest first (sorted here: a few rows, no ORDER BY compiled
    over the joined columns), with their events."""
    rows = (
        order.bed_reservations.select_related("unit", "requested_by")
        .prefetch_related("events")
        .order_by()
    )
    return sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)
