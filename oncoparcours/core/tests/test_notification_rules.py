"""Pure delivery rules: back-off, channel chain, quiet hours (incl. windows spanning midnight)."""

import datetime as dt
import zoneinfo

import pytest

from oncoparcours.core.notifications import rules

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("failed", "seconds"), [(0, None), (1, 60), (2, 300), (3, 1500), (4, None)]
)
def test_retry_delay_backs_off_then_gives_up(failed, seconds):
    delay = rules.retry_delay(failed)
    assert (delay.total_seconds() if delay else None) == seconds


@pytest.mark.parametrize(
    ("chain", "current", "following"),
    [
        (["sms", "email"], "sms", "email"),
        (["sms", "email"], "email", None),
        (["in_app"], "in_app", None),
        (["email"], "sms", "email"),  # not in the chain: start at its head
    ],
)
def test_next_channel(chain, current, following):
    assert rules.next_channel(chain, current) == following


T = dt.time


@pytest.mark.parametrize(
    ("moment", "start", "end", "quiet"),
    [
        (T(22, 0), T(21, 0), T(8, 0), True),
        (T(7, 59), T(21, 0), T(8, 0), True),
        (T(8, 0), T(21, 0), T(8, 0), False),
        (T(12, 0), T(21, 0), T(8, 0), False),
        (T(13, 0), T(12, 0), T(14, 0), True),
        (T(14, 0), T(12, 0), T(14, 0), False),
        (T(3, 0), None, None, False),
        (T(3, 0), T(8, 0), T(8, 0), False),
    ],
)
def test_quiet_hours(moment, start, end, quiet):
    assert rules.in_quiet_hours(moment, start, end) is quiet


def test_after_quiet_hours_moves_to_the_end_of_the_window_in_local_time():
    evening = dt.datetime(2026, 12, 3, 22, 30, tzinfo=PARIS)
    assert rules.after_quiet_hours(evening, T(21, 0), T(8, 0)) == dt.datetime(
        2026, 12, 4, 8, 0, tzinfo=PARIS
    )
    night = dt.datetime(2026, 12, 4, 2, 0, tzinfo=PARIS)
    assert rules.after_quiet_hours(night, T(21, 0), T(8, 0)) == dt.datetime(
        2026, 12, 4, 8, 0, tzinfo=PARIS
    )
    day = dt.datetime(2026, 12, 4, 10, 0, tzinfo=PARIS)
    assert rules.after_quiet_hours(day, T(21, 0), T(8, 0)) == day
