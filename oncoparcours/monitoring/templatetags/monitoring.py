from __future__ import annotations

from typing import Any

from django import template

from ..labels import OBSERVATION_LABELS, ROLE_LABELS, term_label

register = template.Library()


@register.filter
def term(value: str) -> str:
    return term_label(value)


@register.filter
def notified_role(value: str) -> str:
    return str(ROLE_LABELS.get(value, value.replace("_", " ")))


@register.filter
def notified_roles(value: str) -> str:
    """The comma-separated roles recorded on a notification or escalation event."""
    return ", ".join(notified_role(role.strip()) for role in value.split(",") if role.strip())


@register.filter
def observation(value: str) -> str:
    return str(OBSERVATION_LABELS.get(value, value.replace("_", " ")))


@register.filter
def answer(value: Any) -> str:
    """An observation value as people read it (booleans, ICE items)."""
    if value is True:
        return "✔"
    if value is False:
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{key} {item}" for key, item in value.items())
    return str(value)
