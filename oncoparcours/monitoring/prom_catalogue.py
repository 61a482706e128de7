"""The PROM instruments and schedules shipped as versioned data files
(``monitoring/data/proms/``): the latest version of each instrument is the one asked; a stored
questionnaire keeps the version it was asked with."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import get_language

DATA = Path(__file__).parent / "data" / "proms"
FILE = re.compile(r"^(?P<id>[a-z0-9-]+)@(?P<version>\d+)\.yaml$")


@functools.cache
def _files() -> dict[tuple[str, int], dict[str, Any]]:
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for path in sorted(DATA.glob("*.yaml")):
        match = FILE.match(path.name)
        if match is None or match["id"] == "schedules":
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data["id"] != match["id"] or int(data["version"]) != int(match["version"]):
            raise ValueError(f"{path.name}: id/version differ from the file name")
        found[(data["id"], int(data["version"]))] = data
    return found


def instrument(code: str, version: int | None = None) -> dict[str, Any]:
    if version is None:
        version = max(v for c, v in _files() if c == code)
    return _files()[(code, version)]


def instrument_codes() -> list[str]:
    return sorted({code for code, _version in _files()})


@functools.cache
def schedules() -> dict[str, Any]:
    latest = max(DATA.glob("schedules@*.yaml"), key=lambda p: int(FILE.match(p.name)["version"]))  # type: ignore[index]
    data: dict[str, Any] = yaml.safe_load(latest.read_text(encoding="utf-8"))
    for programme in data["programmes"].values():
        for code in programme["instruments"]:
            instrument(code)  # an unknown instrument fails at load, not at night
    return data


def text(value: dict[str, str]) -> str:
    """A bilingual field of a data file in the active language (French by default)."""
    return value.get((get_language() or "fr")[:2]) or value["fr"]


def title(code: str, version: int | None = None) -> str:
    return text(instrument(code, version)["title"])
