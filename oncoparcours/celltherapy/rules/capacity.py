"""Capacity (pure): machine bookings that overlap, opening hours, beds expected free during a
CAR-T monitoring window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

MONITORING_DAYS = 10  # CAR-T: default daily monitoring window; each product's is in products.yaml


def overlaps(
    start: dt.datetime, end: dt.datetime, other_start: dt.datetime, other_end: dt.datetime
) -> bool:
    return start < other_end and other_start < end


def within_hours(start: dt.datetime, end: dt.datetime, hours: dict[str, list[str]]) -> bool:
    """``hours``: weekday number (as text, 0 = Monday) → ["HH:MM", "HH:MM"] in local time."""
    window = hours.get(str(start.weekday()))
    if not window or start.date() != end.date():
        return False
    opens, closes = (dt.time.fromisoformat(t) for t in window)
    return opens <= start.time() and end.time() <= closes


@dataclass(frozen=True)
class Stay:
    start: dt.date
    end: dt.date | None  # None: still there


def busiest_day(stays: Iterable[Stay], first: dt.date, last: dt.date) -> tuple[dt.date, int]:
    """The day of the window with the most occupied beds, and that number."""
    rows = list(stays)
    best = (first, 0)
    day = first
    while day <= last:
        count = sum(1 for s in rows if s.start <= day and (s.end is None or day < s.end))
        if count > best[1]:
            best = (day, count)
        day += dt.timedelta(days=1)
    return best


def bed_warning(
    beds: int, stays: Iterable[Stay], infusion: dt.date, days: int = MONITORING_DAYS
) -> tuple[dt.date, int] | None:
    """(day, occupied) when no bed is expected free on some day of the monitoring window."""
    day, occupied = busiest_day(stays, infusion, infusion + dt.timedelta(days=days - 1))
    return (day, occupied) if occupied >= beds else None


def peak_concurrent(
    intervals: Iterable[tuple[dt.datetime, dt.datetime]], start: dt.datetime, end: dt.datetime
) -> int:
    """The most intervals running at the same instant within [start, end)."""
    changes: list[tuple[dt.datetime, int]] = []
    for other_start, other_end in intervals:
        if overlaps(start, end, other_start, other_end):
            changes.append((max(start, other_start), 1))
            changes.append((min(end, other_end), -1))
    peak = current = 0
    for _moment, delta in sorted(changes, key=lambda c: (c[0], c[1])):
        current += delta
        peak = max(peak, current)
    return peak
