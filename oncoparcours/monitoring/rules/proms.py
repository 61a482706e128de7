"""PROMs (patient-reported outcome measures), pure: read an instrument's answers, score them,
find worrying values, and compute when a programme's questionnaires fall due.

An instrument is the parsed data file (``monitoring/data/proms/<id>@<version>.yaml``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Instrument = Mapping[str, Any]


def item_choices(item: Mapping[str, Any]) -> list[int]:
    return [int(choice["value"]) for choice in item.get("choices", [])]


def read_answers(
    instrument: Instrument, raw: Mapping[str, Any]
) -> tuple[dict[str, int], dict[str, str]]:
    """The answers as integers, and for each bad item the reason ("required", "choice",
    "range"). Every item is required."""
    answers: dict[str, int] = {}
    errors: dict[str, str] = {}
    for item in instrument["items"]:
        key = item["key"]
        value = raw.get(key)
        if value is None or str(value).strip() == "":
            errors[key] = "required"
            continue
        try:
            number = int(str(value).strip())
        except ValueError:
            errors[key] = "range" if item["type"] == "number" else "choice"
            continue
        if item["type"] == "choice" and number not in item_choices(item):
            errors[key] = "choice"
        elif item["type"] == "number" and not item["min"] <= number <= item["max"]:
            errors[key] = "range"
        else:
            answers[key] = number
    return answers, errors


def score(instrument: Instrument, answers: Mapping[str, int]) -> int:
    """0-100, higher is better."""
    rule = instrument["score"]
    if rule["kind"] == "item":
        item = next(i for i in instrument["items"] if i["key"] == rule["item"])
        span = item["max"] - item["min"]
        return round(100 * (answers[item["key"]] - item["min"]) / span)
    values = []
    for key in instrument["scale_items"]:
        item = next(i for i in instrument["items"] if i["key"] == key)
        low, high = min(item_choices(item)), max(item_choices(item))
        fraction = (answers[key] - low) / (high - low)
        values.append(1 - fraction if rule.get("reverse") else fraction)
    return round(100 * sum(values) / len(values))


def worrying(instrument: Instrument, answers: Mapping[str, int]) -> list[str]:
    """The items answered at or beyond their worrying level (safer reading: the worst two of
    five levels)."""
    return [
        item["key"]
        for item in instrument["items"]
        if "worrying_from" in item and answers.get(item["key"], 0) >= item["worrying_from"]
    ]


def big_drop(instrument: Instrument, score: int, previous: int | None) -> bool:
    """The score fell by the instrument's ``worrying_drop`` points or more since the previous
    answer (safer reading; no threshold in the data file: never)."""
    threshold = instrument.get("worrying_drop")
    return previous is not None and threshold is not None and previous - score >= threshold


@dataclass(frozen=True)
class Occurrence:
    key: str  # "inclusion", "every-28d-3", "end-<phase key>"
    due_on: dt.date


def occurrences(
    programme: Mapping[str, Any],
    *,
    start: dt.date,
    today: dt.date,
    ended_on: dt.date | None = None,
    sequence_ends: Iterable[tuple[str, dt.date]] = (),
) -> list[Occurrence]:
    """The occurrences of a programme's schedule that have fallen due by ``today`` (none
    before the start, no periodic one after the pathway ended)."""
    found: list[Occurrence] = []
    if start > today:
        return found
    if programme.get("at_inclusion"):
        found.append(Occurrence("inclusion", start))
    every = int(programme.get("every_days") or 0)
    last = min(today, ended_on) if ended_on else today
    if every > 0:
        number = 1
        while start + dt.timedelta(days=every * number) <= last:
            found.append(
                Occurrence(f"every-{every}d-{number}", start + dt.timedelta(days=every * number))
            )
            number += 1
    if programme.get("at_sequence_end"):
        found.extend(Occurrence(f"end-{key}", day) for key, day in sequence_ends if day <= today)
    return found


def closes_on(due_on: dt.date, window_days: int) -> dt.date:
    """The last day the questionnaire can be answered."""
    return due_on + dt.timedelta(days=window_days)
