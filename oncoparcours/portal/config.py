"""The portal's versioned data files: alarming words, service level and emergency numbers,
educational content by treatment. Read once per process."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data"


def _load(name: str) -> dict[str, Any]:
    with (DATA / name).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not data.get("version") or not data.get("source"):
        raise ValueError(f"{name}: a version and a source are required")
    return data


@cache
def alarming_vocabulary() -> tuple[str, ...]:
    return tuple(str(word) for word in _load("alarming_words.yaml")["words"])


@cache
def alarming_exceptions() -> tuple[str, ...]:
    return tuple(str(p) for p in _load("alarming_words.yaml").get("not_alarming", []))


def alarming_in(text: str) -> list[str]:
    from .rules import alarming_words

    return alarming_words(text, alarming_vocabulary(), alarming_exceptions())


@dataclass(frozen=True)
class ServiceLevel:
    working_days: int
    holidays: frozenset[dt.date]
    emergency_numbers: tuple[tuple[str, str], ...]
    version: str


@cache
def service_level() -> ServiceLevel:
    data = _load("service.yaml")
    days = int(data["answer_within_working_days"])
    if not 1 <= days <= 10:
        raise ValueError("service.yaml: answer_within_working_days must be 1 to 10")
    return ServiceLevel(
        working_days=days,
        holidays=frozenset(
            d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d))
            for d in data["public_holidays"]
        ),
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
