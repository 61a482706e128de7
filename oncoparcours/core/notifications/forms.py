from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from oncoparcours.core.french import zone_offset

from .models import Channel


def _zone(code: str, label: object) -> tuple[str, object]:
    return code, format_lazy("{} ({})", label, zone_offset(code) or "Paris")


TIME_ZONES = (
    _zone("Europe/Paris", _("Metropolitan France")),
    _zone("America/Martinique", _("Martinique, Guadeloupe")),
    _zone("America/Cayenne", _("French Guiana")),
    _zone("Indian/Reunion", _("Réunion")),
    _zone("Indian/Mayotte", _("Mayotte")),
)
STAFF_CHANNELS = (
    (Channel.IN_APP, Channel.IN_APP.label),
    (Channel.EMAIL, Channel.EMAIL.label),
    (Channel.SMS, Channel.SMS.label),
)


class PreferenceForm(forms.Form):
    first = forms.ChoiceField(label=_("First channel"), choices=STAFF_CHANNELS)
    second = forms.ChoiceField(
        label=_("If it fails"),
        choices=(("", _("nothing else")), *STAFF_CHANNELS),
        required=False,
    )
    quiet_start = forms.TimeField(
        label=_("Quiet hours from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Nothing but urgent messages is sent in this window (e.g. 21:00 to 08:00)."),
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONES)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("second") and data.get("second") == data.get("first"):
            self.add_error("second", _("Choose another channel than the first one, or none."))
        if bool(data.get("quiet_start")) != bool(data.get("quiet_end")):
            self.add_error("quiet_end", _("Give both ends of the quiet hours, or neither."))
        elif data.get("quiet_start") and data.get("quiet_start") == data.get("quiet_end"):
            self.add_error("quiet_end", _("The quiet hours must not start and end at once."))
        if data.get("time_zone"):
            zoneinfo.ZoneInfo(data["time_zone"])
        return data

    def chain(self) -> list[str]:
        return [c for c in (self.cleaned_data["first"], self.cleaned_data.get("second")) if c]
