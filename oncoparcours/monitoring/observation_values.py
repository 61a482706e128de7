"""What an observation's value reads as on staff pages: the label the staff forms show for each
coded answer ("relieved_by_rest" → "Soulagée par le repos"), never the contract's code. The
staff forms are the one place these labels are written, so the pages and the forms agree."""

from __future__ import annotations

from functools import cache
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from .labels import NEURO_CHANGE_LABELS

ICE_ITEM_LABELS = {
    "orientation": _("orientation"),
    "naming": _("naming"),
    "commands": _("following commands"),
    "writing": _("writing"),
    "attention": _("attention"),
}


@cache
def _coded_answers() -> dict[tuple[str, str], Any]:
    from .report_forms import ClinicianAssessmentForm, NurseVisitForm

    labels: dict[tuple[str, str], Any] = {}
    for form in (ClinicianAssessmentForm, NurseVisitForm):
        for name, field in form.base_fields.items():
            if isinstance(field, forms.ChoiceField):
                for code, label in list(field.choices):  # type: ignore[arg-type]
                    labels.setdefault((name, str(code)), label)
    return labels


def coded_answer_label(key: str, value: str) -> str:
    label = _coded_answers().get((key, value))
    return str(label) if label is not None else value.replace("_", " ")


def answer_text(value: Any, key: str = "") -> str:
    """An observation value as people read it (booleans, ICE items, coded answers, 38,6)."""
    if value is True:
        return "✔"
    if value is False:
        return "—"
    if isinstance(value, dict):
        return ", ".join(
            f"{ICE_ITEM_LABELS.get(item, item)} {number}" for item, number in value.items()
        )
    if isinstance(value, list):
        return ", ".join(str(NEURO_CHANGE_LABELS.get(item, item)) for item in value) or "—"
    if isinstance(value, float):
        return formats.number_format(value, use_l10n=True)  # 38,6 in French
    if isinstance(value, str) and key:
        return coded_answer_label(key, value)
    return str(value)
