from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TourNurse, TourPlan


class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))


class CancelVisitForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300)


class AbsentNurseForm(forms.Form):
    """A nurse absent on a published plan's day: her visits go to the others."""

    nurse = forms.ModelChoiceField(
        label=_("Absent nurse"), queryset=TourNurse.objects.none(), empty_label=None
    )
    reason = forms.CharField(label=_("Reason for the absence"), max_length=300)

    def __init__(self, *args: Any, plan: TourPlan | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["nurse"]
        assert isinstance(field, forms.ModelChoiceField)
        if plan is not None:
            field.queryset = TourNurse.objects.filter(tours__plan=plan).select_related(
                "professional"
            )


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
