from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats

from ..labels import NEURO_CHANGE_LABELS, OBSERVATION_LABELS, flag_label, role_label, term_label

register = template.Library()


@register.filter
def term(value: str) -> str:
    return term_label(value)


@register.filter
def notified_role(value: str) -> str:
    return role_label(value)


@register.filter
def notified_roles(value: str) -> str:
    """The note of a notification or escalation event: the comma-separated roles reached, then
    (after " — ") what was not reached and why extra roles were notified."""
    roles, _sep, rest = value.partition(" — ")
    labels = ", ".join(role_label(role.strip()) for role in roles.split(",") if role.strip())
    return f"{labels} — {rest}" if rest else labels


@register.filter
def flag(value: str) -> str:
    return flag_label(value)


@register.filter
def observation(value: str) -> str:
    return str(OBSERVATION_LABELS.get(value, value.replace("_", " ")))


@register.filter
def answer(value: Any, key: str = "") -> str:
    """An observation value as people read it (booleans, ICE items, the staff label of a coded
    answer such as ``relieved_by_rest`` when the observation ``key`` is given)."""
    from ..report_forms import CLINICAL_CHOICES

    if isinstance(value, str) and key in CLINICAL_CHOICES:
        return str(dict(CLINICAL_CHOICES[key]).get(value, value))
    if value is True:
        return "✔"
    if value is False:
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{key} {item}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(str(NEURO_CHANGE_LABELS.get(item, item)) for item in value) or "—"
    if isinstance(value, float):
        return formats.number_format(value, use_l10n=True)  # 38,6 in French
    return str(value)
