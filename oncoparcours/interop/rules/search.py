"""Parsing FHIR search parameters (pure, no Django).

Strict handling: a parameter the server does not support is refused, never ignored — a
mistyped ``patient`` filter that was silently dropped would return other patients' data to a
system that believes it filtered (FHIR R4 §3.1.1.5.2 allows servers to refuse unknown
parameters; we take that reading for safety)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DEFAULT_COUNT = 20
MAX_COUNT = 100
COMMON = ("_count", "_page", "_format")
DATE_PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le")
_DATE = re.compile(r"^(?P<prefix>[a-z]{2})?(?P<value>\d{4}(-\d{2}(-\d{2})?)?)$")


class SearchError(ValueError):
    """A search parameter the server cannot honour; ``parameter`` names it."""

    def __init__(self, parameter: str, reason: str) -> None:
        super().__init__(f"{parameter}: {reason}")
        self.parameter = parameter
        self.reason = reason


@dataclass(frozen=True)
class DateRange:
    """A FHIR date search as an inclusive/exclusive range: ``start <= day < end``; ``ne``
    excludes the range instead."""

    start: dt.date | None
    end: dt.date | None
    negate: bool = False


def unknown_parameters(given: list[str], supported: tuple[str, ...]) -> list[str]:
    """Parameters of the request the resource type does not support (modifiers included)."""
    allowed = set(supported) | set(COMMON)
    return sorted({name for name in given if name not in allowed})


def parse_count(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_COUNT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_COUNT:
        raise SearchError("_count", f"an integer from 1 to {MAX_COUNT} is expected")
    return int(raw)


def parse_page(raw: str | None) -> int:
    if raw is None or raw == "":
        return 1
    if not raw.isdigit() or int(raw) < 1:
        raise SearchError("_page", "a page number from 1 is expected")
    return int(raw)


def _period(value: str) -> tuple[dt.date, dt.date]:
    """The days a partial date covers: 2024 → the year, 2024-03 → March, 2024-03-05 → the day."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0] + 1, 1, 1)
    if len(parts) == 2:
        start = dt.date(parts[0], parts[1], 1)
        following = dt.date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
        return start, following
    day = dt.date(parts[0], parts[1], parts[2])
    return day, day + dt.timedelta(days=1)


def parse_date(parameter: str, raw: str) -> DateRange:
    found = _DATE.match(raw)
    if not found or (found["prefix"] and found["prefix"] not in DATE_PREFIXES):
        raise SearchError(
            parameter,
            "a date YYYY, YYYY-MM or YYYY-MM-DD, with an optional "
            "prefix eq, ne, gt, lt, ge or le, is expected",
        )
    try:
        start, end = _period(found["value"])
    except ValueError:
        raise SearchError(parameter, "this date does not exist") from None
    prefix = found["prefix"] or "eq"
    return {
        "eq": DateRange(start, end),
        "ne": DateRange(start, end, negate=True),
        "ge": DateRange(start, None),
        "gt": DateRange(end, None),
        "le": DateRange(None, end),
        "lt": DateRange(None, start),
    }[prefix]


def parse_reference(parameter: str, raw: str, resource_type: str) -> str:
    """``Patient/<id>`` or a bare id → the id."""
    value = raw.removeprefix(f"{resource_type}/")
    if not value or "/" in value:
        raise SearchError(parameter, f"a {resource_type} id or {resource_type}/<id> is expected")
    return value


def parse_token(raw: str) -> tuple[str | None, str]:
    """``system|code``, ``|code`` (no system) or ``code`` (any system) → (system, code)."""
    if "|" not in raw:
        return None, raw
    system, code = raw.split("|", 1)
    return system, code
