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
    rows = [data, *(data.get("by_treatment") or {}).values(), *(data.get("by_sign") or [])]
    for row in rows:
        if row.get("level") not in LEVELS[1:] or not row.get("notify"):
            raise ValueError(f"{POLICY_FILE.name}: each row needs a level and roles to notify")
    return data


def _strictness(level: str, minutes: int) -> tuple[int, int]:
    return LEVELS.index(level), -minutes


def _row(treatment: str, after_hours: bool, keys: Sequence[str] = ()) -> dict[str, Any]:
    data = _policy()
    row = {**data, **((data.get("by_treatment") or {}).get(treatment) or {})}
    notify = list(row["notify"])
    for sign in data.get("by_sign") or []:
        holds = set(sign["categories"]) & set(keys) and treatment in sign.get(
            "treatments", [treatment]
        )
        if not holds:
            continue
        notify += [role for role in sign["notify"] if role not in notify]
        mine = _strictness(row["level"], int(row["respond_within_minutes"]))
        if _strictness(sign["level"], int(sign["respond_within_minutes"])) > mine:
            row = {**row, "level": sign["level"], "respond_within_minutes": sign[
                "respond_within_minutes"]}  # fmt: skip
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
    decision: Decision,
    categories: Sequence[str],
    *,
    treatment: str = "",
    after_hours: bool = False,
    keys: Sequence[str] = (),
) -> Decision:
    """``decision`` when the comment carries no warning sign or the answers' alert is already at
    least as strict; otherwise the comment's alert, which also notifies whoever the answers'
    alert would have. ``categories``: the signs' labels (for the advice); ``keys``: their
    category keys (for the rows by sign)."""
    if not categories:
        return decision
    row = _row(treatment, after_hours, keys)
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
