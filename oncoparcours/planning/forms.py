from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))


class CancelVisitForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300)


class ChairDayForm(forms.Form):
    centre = forms.UUIDField(label=_("Centre"))
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))


def form_errors(form: forms.Form) -> str:
    """The form's errors, each prefixed by its field's label (shown as one message)."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label} : {text}" if label else text)
    return " ".join(parts)
