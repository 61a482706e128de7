"""Reads of indicators: aggregates only (no patient identity reaches a dashboard), computed
by the engine over the extract."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import get_language

from oncoparcours.patients.consent import purposes

from . import exclusions, exports
from .catalogue import CATALOGUE, THEMES, Indicator
from .engine import Engine, Filters, Result
from .exclusions import EXTRACT_PURPOSES, INDICATORS_PURPOSE, exclusion_for
from .services import extract_directory, extract_ready, latest_run


@contextmanager
def engine(purpose: str = INDICATORS_PURPOSE) -> Iterator[Engine | None]:
    """An engine over the extract without the patients objecting to ``purpose`` today."""
    if not extract_ready():
        yield None
        return
    run = latest_run()
    now = run.started_at if run else timezone.now()
    instance = Engine(
        extract_directory(),
        now=now,
        english=(get_language() or "fr").startswith("en"),
        exclusion=exclusion_for(purpose),
    )
    try:
        yield instance
    finally:
        instance.close()


def compute(indicator: Indicator, filters: Filters) -> Result | None:
    with engine(indicator.purpose) as current:
        return None if current is None else current.compute(indicator.id, filters)


@dataclass(frozen=True)
class Overview:
    themes: list[tuple[str, list[tuple[Indicator, str, str]]]]
    exclusion_note: str


def overview() -> Overview:
    """Headline (or why it is not available) of every indicator, by theme (no filter), and
    how many patients the indicators leave out because they object."""
    with engine() as current:
        by_theme: dict[str, list[tuple[Indicator, str, str]]] = {key: [] for key in THEMES}
        for indicator in CATALOGUE:
            headline = unavailable = ""
            if current is not None:
                result = current.compute(indicator.id, Filters())
                headline, unavailable = result.headline, result.unavailable
            by_theme[indicator.theme].append((indicator, headline, unavailable))
        note = exclusions.note(current.excluded, current.exclusion) if current else ""
    return Overview([(str(THEMES[key]), items) for key, items in by_theme.items()], note)


@dataclass(frozen=True)
class ExtractPurpose:
    key: str
    label: str
    legal_basis: str
    excluded: int
    note: str


def extract_purposes() -> list[ExtractPurpose]:
    """The purposes an event-level extract may be declared for, with how many patients each
    would leave out today (shown on the download page)."""
    if not extract_ready():
        return []
    found = []
    # The same patients leave every event-level file (objectors to any export purpose).
    exclusion = exclusion_for(INDICATORS_PURPOSE, every_purpose=True)
    count = exports.excluded_count(extract_directory(), exclusion)
    for key in EXTRACT_PURPOSES:
        declared = purposes()[key]
        found.append(
            ExtractPurpose(
                key, declared.label, declared.legal_basis, count, exclusions.note(count, exclusion)
            )
        )
    return found


def extract_age() -> dt.datetime | None:
    run = latest_run()
    return run.finished_at if run else None
