"""Reads of indicators: aggregates only (no patient identity reaches a dashboard), computed
by the engine over the extract."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone
from django.utils.translation import get_language

from .catalogue import CATALOGUE, THEMES, Indicator
from .engine import Engine, Filters, Result
from .services import extract_directory, extract_ready, latest_run


@contextmanager
def engine() -> Iterator[Engine | None]:
    if not extract_ready():
        yield None
        return
    run = latest_run()
    now = run.started_at if run else timezone.now()
    instance = Engine(
        extract_directory(), now=now, english=(get_language() or "fr").startswith("en")
    )
    try:
        yield instance
    finally:
        instance.close()


def compute(indicator: Indicator, filters: Filters) -> Result | None:
    with engine() as current:
        return None if current is None else current.compute(indicator.id, filters)


def overview() -> list[tuple[str, list[tuple[Indicator, str, str]]]]:
    """Headline (or why it is not available) of every indicator, by theme (no filter)."""
    with engine() as current:
        by_theme: dict[str, list[tuple[Indicator, str, str]]] = {key: [] for key in THEMES}
        for indicator in CATALOGUE:
            headline = unavailable = ""
            if current is not None:
                result = current.compute(indicator.id, Filters())
                headline, unavailable = result.headline, result.unavailable
            by_theme[indicator.theme].append((indicator, headline, unavailable))
    return [(str(THEMES[key]), items) for key, items in by_theme.items()]


def extract_age() -> dt.datetime | None:
    run = latest_run()
    return run.finished_at if run else None
