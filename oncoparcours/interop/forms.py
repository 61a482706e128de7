"""The form of the mCODE bundle import page."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_BUNDLE_BYTES = 5 * 1024 * 1024


class BundleImportForm(forms.Form):
    file = forms.FileField(
        label=_("FHIR bundle (JSON)"),
        help_text=_("An mCODE patient bundle, FHIR R4, JSON; 5 MB at most."),
    )
    source = forms.CharField(
        label=_("Sending system"),
        max_length=200,
        help_text=_(
            "Its base URL or name, e.g. https://dpi.chu-exemple.fr/fhir: the same resource "
            "sent again by the same system updates the record instead of adding to it."
        ),
    )
    homonym_confirmed = forms.BooleanField(
        label=_("The imported patient is a different person from the homonym shown"),
        required=False,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BUNDLE_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise forms.ValidationError(
                _("Not a JSON file (%(reason)s).") % {"reason": str(error)[:120]}
            ) from error
