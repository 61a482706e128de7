"""EFS booking states (pure): a referral from a hospital is requested, then scheduled on a
machine, then done; or declined (with a reason) or cancelled. A scheduled booking goes back to
requested (to schedule) when the published machine plan no longer places its session."""

from __future__ import annotations

BOOKING_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "requested": ("scheduled", "declined", "cancelled"),
    "scheduled": ("done", "scheduled", "cancelled", "requested"),
    "done": (),
    "declined": (),
    "cancelled": (),
}


CLOSING = ("done", "declined", "cancelled")


def can_move(current: str, target: str) -> bool:
    return target in BOOKING_TRANSITIONS.get(current, ())


def staff_exceeded(concurrent: int, staff: int) -> bool:
    """True when one more procedure at the same time needs more staff than on duty."""
    return concurrent + 1 > staff
