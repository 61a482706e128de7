"""Session dates from a board's recurrence (pure): every N weeks on a weekday at a local time,
in the board's time zone (so a Martinique board stays at 8:00 in Fort-de-France)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def next_sessions(
    *,
    anchor: dt.date,
    every_weeks: int,
    weekday: int,
    start: dt.time,
    time_zone: str,
    after: dt.datetime,
    count: int,
) -> list[dt.datetime]:
    """The ``count`` next session starts strictly after ``after`` (aware datetimes, UTC)."""
    zone = ZoneInfo(time_zone)
    first = anchor + dt.timedelta(days=(weekday - anchor.weekday()) % 7)
    step = dt.timedelta(weeks=max(1, every_weeks))
    local_after = after.astimezone(zone).date()
    periods = max(0, (local_after - first).days // step.days - 1)
    day = first + step * periods
    found: list[dt.datetime] = []
    while len(found) < count:
        starts = dt.datetime.combine(day, start, tzinfo=zone)
        if starts > after:
            found.append(starts.astimezone(dt.UTC))
        day += step
    return found
