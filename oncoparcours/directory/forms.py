from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import referential
from .models import SPECIALTIES_BY_PROFESSION, OrganisationKind, Profession, Professional, Specialty

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(
        max_length=200,
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *OrganisationKind.choices]
    )
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All regions")), *referential.region_choices()]  # type: ignore[attr-defined]


class ProfessionalFilterForm(forms.Form):
    q = forms.CharField(
        max_length=200,
        label=_("Name or RPPS"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    profession = forms.ChoiceField(
        label=_("Profession"),
        required=False,
        choices=[("", _("All professions")), *Profession.choices],
    )
    specialty = forms.ChoiceField(
        label=_("Specialty"),
        required=False,
        choices=[("", _("All specialties")), *Specialty.choices],
    )


class ImportForm(forms.Form):
    KIND_CHOICES = [("organisations", _("Organisations")), ("professionals", _("Professionals"))]
    kind = forms.ChoiceField(label=_("What the file contains"), choices=KIND_CHOICES)
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, comma or semicolon separated, first line = column names."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Only .csv files are accepted."))
        return upload


class ProfessionalSpecialtiesForm(forms.Form):
    """The professional's recognised specialties (RPPS): the main one and additional ones."""

    specialty = forms.ChoiceField(label=_("Main specialty"))
    additional_specialties = forms.MultipleChoiceField(
        label=_("Additional recognised specialties"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A second specialist qualification or a competence recognised by the professional "
            "order (RPPS). A physician represents only these specialties in a tumour board, and "
            "counts for one of them."
        ),
    )

    def __init__(self, *args, professional: Professional, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        allowed = SPECIALTIES_BY_PROFESSION.get(professional.profession)
        choices = [(v, label) for v, label in Specialty.choices if allowed is None or v in allowed]
        self.fields["specialty"].choices = choices  # type: ignore[attr-defined]
        self.fields["additional_specialties"].choices = [  # type: ignore[attr-defined]
            (v, label) for v, label in choices if v != Specialty.NONE
        ]
