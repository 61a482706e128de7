"""Where the warning words for free-text comments come from: a registry that a higher app (the
portal, which owns the warning-words list) fills in ``AppConfig.ready()``, so monitoring never
imports upward (docs/architecture.md). Without a registered scanner nothing is found — the
project always registers one (``portal.apps``), and a test checks it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

Scanner = Callable[[str], list[dict[str, Any]]]
Categories = Callable[[], Sequence[Any]]
AfterHours = Callable[[dt.datetime], bool]

_scanner: list[Scanner] = []
_categories: list[Categories] = []
_after_hours: list[AfterHours] = []


def register_comment_scanner(
    scan: Scanner, categories: Categories, after_hours: AfterHours
) -> None:
    """``scan(text)`` → the warning signs found ({category, label, words}); ``categories()`` →
    every category (key, label, advice, numbers) in display order; ``after_hours(moment)`` →
    whether the team is away (local time)."""
    _scanner[:] = [scan]
    _categories[:] = [categories]
    _after_hours[:] = [after_hours]


def after_hours(moment: dt.datetime) -> bool:
    """Unknown service hours count as away (the on-call physician is told too)."""
    return _after_hours[0](moment) if _after_hours else True


def warning_signs(comment: str) -> list[dict[str, Any]]:
    return _scanner[0](comment) if _scanner and comment.strip() else []


def categories() -> list[Any]:
    return list(_categories[0]()) if _categories else []
