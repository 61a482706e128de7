"""The dashboard filters."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from oncoparcours.boards.models import Board
from oncoparcours.core.french import sort_key
from oncoparcours.directory.models import CARE_SITE_KINDS, Network, Organisation
from oncoparcours.pathways.models import PathwayTemplate

from .engine import Filters

DATE = forms.DateInput(attrs={"type": "date"})


class FilterForm(forms.Form):
    debut = forms.DateField(label=_("From"), required=False, widget=DATE)
    fin = forms.DateField(label=_("Until"), required=False, widget=DATE)
    etablissement = forms.ChoiceField(label=_("Organisation"), required=False)
    reseau = forms.ChoiceField(label=_("Network"), required=False)
    rcp = forms.ChoiceField(label=_("Tumour board"), required=False)
    parcours = forms.ChoiceField(label=_("Pathway"), required=False)

    FIELD_FOR = {
        "period": ("debut", "fin"),
        "organisation": ("etablissement",),
        "network": ("reseau",),
        "board": ("rcp",),
        "template": ("parcours",),
    }

    def __init__(self, *args: Any, applicable: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self._choices(
            "etablissement",
            everything
            + sorted(
                (
                    (str(pk), name)
                    for pk, name in Organisation.objects.filter(
                        kind__in=CARE_SITE_KINDS, is_active=True
                    ).values_list("pk", "name")
                ),
                key=lambda choice: sort_key(choice[1]),
            ),
        )
        self._choices(
            "reseau",
            everything + list(Network.objects.order_by("code").values_list("code", "code")),
        )
        self._choices(
            "rcp",
            everything
            + [
                (str(pk), name)
                for pk, name in Board.objects.order_by("name").values_list("pk", "name")
            ],
        )
        self._choices(
            "parcours",
            everything
            + sorted(
                {(code, code) for code in PathwayTemplate.objects.values_list("code", flat=True)}
            ),
        )
        keep = {name for key in applicable for name in self.FIELD_FOR[key]}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("debut") and data.get("fin") and data["fin"] < data["debut"]:
            self.add_error("fin", _("The end of the period is before its start."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return Filters(
            start=data.get("debut"),
            end=data.get("fin"),
            organisation=data.get("etablissement", ""),
            network=data.get("reseau", ""),
            board=data.get("rcp", ""),
            template=data.get("parcours", ""),
        )
