"""The portal's versioned data files: alarming words, service level and emergency numbers,
educational content by treatment. Read once per process."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils import timezone

from .rules import Category, Finding, alarming_words, compile_pattern, in_working_hours

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"


def _load(name: str) -> dict[str, Any]:
    with (DATA / name).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not data.get("version") or not data.get("source"):
        raise ValueError(f"{name}: a version and a source are required")
    return data


@cache
def alarming_categories() -> tuple[Category, ...]:
    """The categories of warning signs of ``alarming_words.yaml``, checked: each has a label,
    the advice to show, its source, numbers to call (listed in ``service.yaml``) and patterns."""
    data = _load("alarming_words.yaml")
    numbers = {number for number, _label in service_level().emergency_numbers}
    categories = []
    for key, item in (data.get("categories") or {}).items():
        missing = [f for f in ("label", "advice", "source", "call", "patterns") if not item.get(f)]
        if missing:
            raise ValueError(f"alarming_words.yaml: category {key} needs {', '.join(missing)}")
        call = tuple(str(n) for n in item["call"])
        unknown = [n for n in call if n not in numbers]
        if unknown:
            raise ValueError(
                f"alarming_words.yaml: category {key} calls {unknown}, not in service.yaml"
            )
        categories.append(
            Category(
                key=str(key),
                label=str(item["label"]),
                advice=" ".join(str(item["advice"]).split()),
                call=call,
                source=str(item["source"]),
                patterns=tuple(compile_pattern(str(p)) for p in item["patterns"]),
            )
        )
    if not categories:
        raise ValueError("alarming_words.yaml: categories are required")
    return tuple(categories)


@cache
def alarming_exceptions() -> tuple[tuple[re.Pattern[str], ...], ...]:
    data = _load("alarming_words.yaml")
    return tuple(compile_pattern(str(p)) for p in data.get("not_alarming") or [])


def alarming_in(text: str) -> list[Finding]:
    return alarming_words(text, alarming_categories(), alarming_exceptions())


@dataclass(frozen=True)
class ServiceLevel:
    working_days: int
    holidays: frozenset[dt.date]
    emergency_numbers: tuple[tuple[str, str], ...]
    version: str
    # The last day the holiday list covers (31 December of its last year): a later day is never
    # a working day for the on-call (``rules.in_working_hours``).
    holidays_until: dt.date = dt.date.max


@cache
def service_level() -> ServiceLevel:
    data = _load("service.yaml")
    days = int(data["answer_within_working_days"])
    if not 1 <= days <= 10:
        raise ValueError("service.yaml: answer_within_working_days must be 1 to 10")
    holidays = frozenset(
        d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d))
        for d in data["public_holidays"]
    )
    until = dt.date(max(d.year for d in holidays), 12, 31)
    if timezone.localdate() > until:
        logger.warning(
            "service.yaml: public holidays listed until %s only; later days are treated as "
            "non-working days (urgent messages go to the on-call physician at once)",
            until,
        )
    return ServiceLevel(
        working_days=days,
        holidays=holidays,
        holidays_until=until,
        emergency_numbers=tuple(
            (str(e["number"]), str(e["label"])) for e in data["emergency_numbers"]
        ),
        version=str(data["version"]),
    )


@dataclass(frozen=True)
class Leaflet:
    title: str
    text: str
    source: str


@dataclass(frozen=True)
class Topic:
    key: str
    title: str
    treatments: tuple[str, ...]
    leaflets: tuple[Leaflet, ...]


@cache
def education() -> tuple[str, tuple[Topic, ...]]:
    data = _load("education.yaml")
    topics = []
    for key, item in data["topics"].items():
        leaflets = tuple(
            Leaflet(str(entry["title"]), str(entry["text"]).strip(), str(entry["source"]))
            for entry in item["leaflets"]
        )
        if not leaflets or any(not leaflet.source for leaflet in leaflets):
            raise ValueError(f"education.yaml: topic {key} needs leaflets, each with a source")
        topics.append(Topic(key, str(item["title"]), tuple(item["treatments"]), leaflets))
    return str(data["version"]), tuple(topics)


def comment_warning_signs(text: str) -> list[dict[str, Any]]:
    """The warning signs in a questionnaire comment, as monitoring stores them."""
    return [
        {"category": f.category.key, "label": f.category.label, "words": list(f.words)}
        for f in alarming_in(text)
    ]


def team_away(moment: dt.datetime) -> bool:
    """Outside the portal's working hours (``moment`` local): the team is not there to read."""
    level = service_level()
    return not in_working_hours(moment, level.holidays, level.holidays_until)
