"""The tours data file (``data/tours.yaml``): travel model, shift and visit defaults."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from .rules.geo import TravelModel

DATA = Path(__file__).parent / "data" / "tours.yaml"


@functools.cache
def tours_config() -> dict[str, Any]:
    with DATA.open(encoding="utf-8") as handle:
        config: dict[str, Any] = yaml.safe_load(handle)
    return config


def minutes(text: str) -> int:
    hours, mins = text.split(":")
    return int(hours) * 60 + int(mins)


def travel_model() -> TravelModel:
    travel = tours_config()["travel"]
    return TravelModel(float(travel["detour_factor"]), float(travel["speed_kmh"]))


def lunch_window() -> tuple[int, int]:
    start, end = tours_config()["shift"]["lunch_window"]
    return minutes(start), minutes(end)


def visit_defaults(kind: str) -> tuple[int, tuple[int, int]]:
    """Duration (minutes) and start window of a visit of this activity kind."""
    visits = tours_config()["visits"]
    entry = visits.get(kind, visits["default"])
    start, end = entry["window"]
    return int(entry["duration"]), (minutes(start), minutes(end))


def appointment_margin() -> int:
    return int(tours_config()["appointment_margin_minutes"])


def rules_version() -> int:
    return int(tours_config()["version"])


CHAIRS = Path(__file__).parent / "data" / "chairs.yaml"


@functools.cache
def chairs_config() -> dict[str, Any]:
    with CHAIRS.open(encoding="utf-8") as handle:
        config: dict[str, Any] = yaml.safe_load(handle)
    return config


def chair_session(kind: str) -> dict[str, Any] | None:
    """How an activity of this kind uses a chair or machine, or None when it needs none."""
    entry: dict[str, Any] | None = chairs_config()["sessions"].get(kind)
    return entry


def chair_session_kinds() -> list[str]:
    return sorted(chairs_config()["sessions"])


def recurring_activities() -> frozenset[str]:
    return frozenset(chairs_config()["recurring_activities"])


def pharmacy_opens() -> int:
    return minutes(chairs_config()["pharmacy_opens"])


def appointment_minutes(kind: str) -> int:
    table = chairs_config()["appointment_minutes"]
    return int(table.get(kind, table["default"]))


def chair_appointment_margin() -> int:
    return int(chairs_config()["appointment_margin_minutes"])


def chair_time_limit() -> float:
    return float(chairs_config()["solver"]["time_limit_seconds"])


def chairs_rules_version() -> int:
    return int(chairs_config()["version"])
