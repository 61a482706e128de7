"""The form of a PROM questionnaire, built from its data file: one radio group per statement,
a number field for a rating (phone keypad), every item required."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import prom_catalogue
from .models import QuestionnaireDue


class PromForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, due: QuestionnaireDue, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"submission_key": uuid.uuid4()})
        super().__init__(*args, **kwargs)
        self.instrument = prom_catalogue.instrument(due.instrument, due.instrument_version)
        text = prom_catalogue.text
        for item in self.instrument["items"]:
            label = text(item["label"])
            if item["type"] == "choice":
                self.fields[item["key"]] = forms.TypedChoiceField(
                    label=label,
                    coerce=int,
                    choices=[(c["value"], text(c)) for c in item["choices"]],
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Please answer this question.")},
                )
            else:
                self.fields[item["key"]] = forms.IntegerField(
                    label=label,
                    min_value=item["min"],
                    max_value=item["max"],
                    help_text=_("A whole number from %(min)s to %(max)s.")
                    % {"min": item["min"], "max": item["max"]},
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                    error_messages={"required": _("Please answer this question.")},
                )

    def answers(self) -> dict[str, int]:
        return {item["key"]: self.cleaned_data[item["key"]] for item in self.instrument["items"]}
