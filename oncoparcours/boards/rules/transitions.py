"""Explicit state machines of cases and sessions (pure)."""

from __future__ import annotations

CASE_TRANSITIONS: dict[str, dict[str, str]] = {
    # status -> {action: next status}
    "incomplete": {"complete": "ready", "withdraw": "withdrawn"},
    "ready": {"schedule": "scheduled", "withdraw": "withdrawn", "reopen": "incomplete"},
    "scheduled": {
        "decide": "decided",
        "carry_over": "scheduled",
        "unschedule": "ready",
        "withdraw": "withdrawn",
    },
    "decided": {"amend": "decided"},
    "withdrawn": {},
}

SESSION_TRANSITIONS: dict[str, dict[str, str]] = {
    "planned": {"open": "open", "cancel": "cancelled"},
    "open": {"close": "closed"},
    "closed": {},
    "cancelled": {},
}


def next_status(table: dict[str, dict[str, str]], status: str, action: str) -> str | None:
    return table.get(status, {}).get(action)


def allowed_actions(table: dict[str, dict[str, str]], status: str) -> list[str]:
    return sorted(table.get(status, {}))
