from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))


class CancelVisitForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300)
