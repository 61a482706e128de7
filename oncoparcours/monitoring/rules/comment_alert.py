"""The alert a worrying questionnaire comment raises when the answers raise less (pure; policy
in ``data/comment-alert.yaml``). "Less" means a lower level, or the same level with a longer
answer time: the stricter of the two always wins, and nobody the answers' alert would notify is
dropped."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .policy import Decision

POLICY_FILE = Path(__file__).resolve().parent.parent / "data" / "comment-alert.yaml"
LEVELS = ("none", "routine", "urgent", "immediate", "emergency")
RULE = "comment-warning-words"


@cache
def _policy() -> dict[str, Any]:
    with POLICY_FILE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    rows = [data, *(data.get("by_treatment") or {}).values()]
    for row in rows:
        if row.get("level") not in LEVELS[1:] or not row.get("notify"):
            raise ValueError(f"{POLICY_FILE.name}: each row needs a level and roles to notify")
    return data


def _row(treatment: str, after_hours: bool) -> dict[str, Any]:
    data = _policy()
    row = {**data, **((data.get("by_treatment") or {}).get(treatment) or {})}
    notify = list(row["notify"])
    if after_hours:
        notify += [role for role in data.get("after_hours_notify", []) if role not in notify]
    return {**row, "notify": notify}


def _stricter(decision: Decision, level: str, minutes: int) -> bool:
    """Whether ``decision`` is at least as strict as (level, minutes)."""
    rank, wanted = LEVELS.index(decision.level), LEVELS.index(level)
    if rank != wanted:
        return rank > wanted
    within = decision.respond_within_minutes
    return within is not None and within <= minutes


def comment_decision(
    decision: Decision, categories: Sequence[str], *, treatment: str = "", after_hours: bool = False
) -> Decision:
    """``decision`` when the comment carries no warning sign or the answers' alert is already at
    least as strict; otherwise the comment's alert, which also notifies whoever the answers'
    alert would have."""
    if not categories:
        return decision
    row = _row(treatment, after_hours)
    minutes = int(row["respond_within_minutes"])
    if _stricter(decision, row["level"], minutes):
        return decision
    listed = ", ".join(categories)
    notify = tuple(dict.fromkeys([*row["notify"], *decision.notify, *decision.also_notify]))
    return Decision(
        level=row["level"],
        respond_within_minutes=minutes,
        notify=notify,
        advice={lang: text % {"categories": listed} for lang, text in row["advice"].items()},
        rule=RULE,
    )
