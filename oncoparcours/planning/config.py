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
