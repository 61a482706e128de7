"""Pure delivery rules of the notification service: retry back-off, quiet hours, channel chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

# Seconds to wait after the 1st, 2nd… failed attempt on one channel; past the last, the next
# channel of the recipient's chain is tried (escalation).
BACKOFF_SECONDS: tuple[int, ...] = (60, 300, 1500)


def retry_delay(failed_attempts: int) -> dt.timedelta | None:
    """The wait before the next attempt on the same channel, None when it is given up."""
    if failed_attempts < 1 or failed_attempts > len(BACKOFF_SECONDS):
        return None
    return dt.timedelta(seconds=BACKOFF_SECONDS[failed_attempts - 1])


def next_channel(chain: Sequence[str], current: str) -> str | None:
    """The channel after ``current`` in the recipient's chain (None at its end)."""
    if current not in chain:
        return chain[0] if chain else None
    index = chain.index(current)
    return chain[index + 1] if index + 1 < len(chain) else None


def in_quiet_hours(moment: dt.time, start: dt.time | None, end: dt.time | None) -> bool:
    """Whether a local time falls in the quiet window [start, end); the window may span
    midnight (21:00–08:00). No window, or an empty one, is never quiet."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def after_quiet_hours(
    local_now: dt.datetime, start: dt.time | None, end: dt.time | None
) -> dt.datetime:
    """The earliest local moment at or after ``local_now`` outside the quiet window."""
    if not in_quiet_hours(local_now.timetz().replace(tzinfo=None), start, end):
        return local_now
    assert end is not None
    candidate = local_now.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if candidate <= local_now:
        candidate += dt.timedelta(days=1)
    return candidate
