"""Demo times a clinician would believe (issue 14 try-out: a board session at 00:42)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from oncoparcours.demo.boards import live_session_start

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("built", "starts"),
    [
        (dt.datetime(2026, 12, 3, 9, 10), dt.datetime(2026, 12, 3, 12, 0)),  # Thursday morning
        (dt.datetime(2026, 12, 3, 14, 5), dt.datetime(2026, 12, 3, 15, 15)),  # afternoon
        (dt.datetime(2026, 12, 3, 23, 42), dt.datetime(2026, 12, 4, 12, 0)),  # night: next day
        (dt.datetime(2026, 12, 4, 17, 30), dt.datetime(2026, 12, 7, 12, 0)),  # Friday evening
        (dt.datetime(2026, 12, 5, 10, 0), dt.datetime(2026, 12, 7, 12, 0)),  # Saturday
    ],
)
def test_the_live_session_is_in_working_hours(settings, built, starts):
    settings.TIME_ZONE = "Europe/Paris"
    start = live_session_start(built.replace(tzinfo=PARIS)).astimezone(PARIS)
    assert start.replace(tzinfo=None) == starts
    assert 8 <= start.hour < 18 and start.weekday() < 5
