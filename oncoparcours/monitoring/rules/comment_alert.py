"""The alert a worrying questionnaire comment raises when the answers raise less (pure; policy
in ``data/comment-alert.yaml``)."""

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
    if data.get("level") not in LEVELS[1:] or not data.get("notify"):
        raise ValueError(f"{POLICY_FILE.name}: a level and roles to notify are required")
    return data


def comment_decision(decision: Decision, categories: Sequence[str]) -> Decision:
    """``decision`` when it is already at least the policy's level or the comment carries no
    warning sign; otherwise the comment's own alert."""
    policy = _policy()
    if not categories or LEVELS.index(decision.level) >= LEVELS.index(policy["level"]):
        return decision
    listed = ", ".join(categories)
    return Decision(
        level=policy["level"],
        respond_within_minutes=int(policy["respond_within_minutes"]),
        notify=tuple(policy["notify"]),
        advice={lang: text % {"categories": listed} for lang, text in policy["advice"].items()},
        rule=RULE,
    )
