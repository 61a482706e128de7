"""Explicit state tables. A move not listed here is refused with the allowed next states."""

from __future__ import annotations

ACTIVITY_TRANSITIONS: dict[str, frozenset[str]] = {
    "planned": frozenset({"scheduled", "done", "cancelled", "missed"}),
    "scheduled": frozenset({"planned", "done", "cancelled", "missed"}),
    "missed": frozenset({"scheduled"}),
    "done": frozenset(),
    "cancelled": frozenset(),
}

INSTANCE_TRANSITIONS: dict[str, frozenset[str]] = {
    "active": frozenset({"paused", "ended", "completed"}),
    "paused": frozenset({"active", "ended"}),
    "ended": frozenset(),
    "completed": frozenset(),
}

PHASE_TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"active"}),
    "active": frozenset({"completed"}),
    "completed": frozenset(),
}


def allowed(table: dict[str, frozenset[str]], current: str) -> list[str]:
    return sorted(table.get(current, frozenset()))


def can_move(table: dict[str, frozenset[str]], current: str, target: str) -> bool:
    return target in table.get(current, frozenset())
