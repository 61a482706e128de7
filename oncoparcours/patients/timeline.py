"""The patient timeline: apps register providers of dated entries (pathways, alerts, boards...)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class TimelineEntry:
    when: dt.date | dt.datetime
    kind: str
    title: str
    detail: str = ""
    url: str = ""

    @property
    def sort_key(self) -> dt.datetime:
        if isinstance(self.when, dt.datetime):
            return self.when
        return timezone.make_aware(dt.datetime.combine(self.when, dt.time.min))

    @property
    def is_datetime(self) -> bool:
        return isinstance(self.when, dt.datetime)


TimelineProvider = Callable[[Any], Iterable[TimelineEntry]]
_providers: dict[str, TimelineProvider] = {}


def register_timeline_provider(key: str, provider: TimelineProvider) -> None:
    _providers[key] = provider


def timeline_for(patient: object, *, limit: int = 100) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for provider in _providers.values():
        entries.extend(provider(patient))
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    return entries[:limit]
