"""Input parsing for patient pages. Domain validation lives in services (same rules everywhere)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from oncoparcours.core import fields as limits
from oncoparcours.core import french
from oncoparcours.core.number_fields import FrenchFloatField
from oncoparcours.core.rules.identifiers import normalise_identifier
from oncoparcours.directory.models import CARE_SITE_KINDS, Organisation, Professional, Specialty
from oncoparcours.directory.referential import departement_choices

from .identity import CHECKED_FIELDS, trait_problem
from .models import (
    AlterationType,
    BiomarkerResult,
    CareTeamRole,
    ConsentDecision,
    ConsentKind,
    ConsentScope,
    IhcScale,
    Laterality,
    MolecularKind,
    MolecularMethod,
    MsiStatus,
    PerformanceScale,
    Sex,
    StagingKind,
    TreatmentEndReason,
    TreatmentKind,
    VariantClass,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _care_sites() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind__in=CARE_SITE_KINDS, is_active=True).order_by(
            "name"
        ),
        required=False,
    )


class ProfessionalByRppsField(forms.CharField):
    """A professional named by RPPS number (scales to any directory size)."""

    def __init__(self, *, specialty: str | None = None, **kwargs) -> None:
        self.specialty = specialty
        super().__init__(max_length=20, **kwargs)

    def clean(self, value):
        value = normalise_identifier(super().clean(value) or "")
        if not value:
            return None
        professionals = Professional.objects.filter(rpps=value, is_active=True)
        if self.specialty:
            professionals = professionals.filter(specialty=self.specialty)
        professional = professionals.first()
        if professional is None:
            raise forms.ValidationError(
                _("No active professional with this RPPS in the directory.")
            )
        return professional


class PatientFilterForm(forms.Form):
    q = forms.CharField(
        max_length=200,
        label=_("Name or INS"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    icd10 = forms.CharField(label=_("Diagnosis (ICD-10, e.g. C34)"), required=False, max_length=6)
    centre = forms.ModelChoiceField(
        label=_("Centre"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All centres"),
    )
    prognosis = forms.ChoiceField(
        label=_("Prognosis"),
        required=False,
        choices=[
            ("", _("All")),
            ("poor", _("Poor prognosis (< 33 % at 5 years)")),
            ("to_check", _("Prognosis not determined (to check)")),
            ("other", _("Other")),
        ],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind__in=CARE_SITE_KINDS, is_active=True
        ).order_by("name")


class PatientForm(forms.Form):
    ins = forms.CharField(
        label=_("INS"),
        required=False,
        max_length=21,
        help_text=_("15 characters, e.g. 2 84 05 75 112 233 45. Leave empty if not known yet."),
    )
    birth_last_name = forms.CharField(
        label=_("Birth name"),
        max_length=100,
        help_text=_("As on the identity document; capitals without accents are stored (RNIV)."),
    )
    used_last_name = forms.CharField(label=_("Used name"), max_length=100, required=False)
    first_names = forms.CharField(
        label=_("First names"),
        max_length=150,
        help_text=_("All birth first names, separated by spaces; the first one comes first."),
    )
    used_first_name = forms.CharField(label=_("Used first name"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput())
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices])
    birth_place_code = forms.CharField(
        label=_("Birth place code"),
        max_length=6,
        required=False,
        help_text=_("INSEE commune code (e.g. 37261); 99 + country code if born abroad."),
    )
    address = forms.CharField(label=_("Address"), max_length=250, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    departement = forms.ChoiceField(label=_("Département"), required=False)
    latitude = FrenchFloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = FrenchFloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        help_text=_("06 12 34 56 78 or +33 6 12 34 56 78 (overseas: +590, +594, +596, +262)."),
    )
    gp = ProfessionalByRppsField(
        label=_("General practitioner (RPPS)"), required=False, specialty=Specialty.GENERAL_PRACTICE
    )
    expert_centre = _care_sites()
    proximity_centre = _care_sites()
    deceased_on = forms.DateField(label=_("Date of death"), required=False, widget=DateInput())
    homonym_confirmed = forms.BooleanField(
        label=_("This is a different person (identity document checked)"),
        required=False,
    )

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = [("", "—"), *departement_choices()]  # type: ignore[attr-defined]
        self.fields["expert_centre"].label = _("Expert centre")
        self.fields["proximity_centre"].label = _("Proximity centre")
        self.editing = editing
        if editing:
            self.fields["correction_reason"] = forms.CharField(
                label=_("Reason for the correction"),
                required=False,
                max_length=limits.REASON,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_(
                    "Required when the identity or the contact details change: the previous "
                    "value, who, when and why are kept and shown on the record."
                ),
            )

    def clean(self) -> dict[str, Any]:
        """The identity traits checked as the service will (all errors at once); the typed
        value is kept: the service normalises it, so an unchanged old value stays unchanged."""
        cleaned = super().clean() or {}
        for field in CHECKED_FIELDS:
            unchanged = self.editing and cleaned.get(field) == self.initial.get(field)
            if cleaned.get(field) and not unchanged:
                _value, message = trait_problem(field, cleaned[field])
                if message:
                    self.add_error(field, message)
        return cleaned

    FIELDSETS = (
        (
            _("Identity"),
            (
                "ins",
                "birth_last_name",
                "used_last_name",
                "first_names",
                "used_first_name",
                "birth_date",
                "sex",
                "birth_place_code",
                "deceased_on",
            ),
        ),
        (
            _("Contact and place of living"),
            ("address", "postcode", "city", "departement", "latitude", "longitude", "phone"),
        ),
        (_("Care"), ("gp", "expert_centre", "proximity_centre")),
    )

    def fieldsets(self) -> list:
        sets = list(self.FIELDSETS)
        if self.editing:
            sets.append((_("Correction"), ("correction_reason",)))
        return [(legend, [self[name] for name in names]) for legend, names in sets]

    @classmethod
    def initial_from(cls, patient) -> dict:
        initial = {
            name: getattr(patient, name)
            for name in cls.base_fields
            if name not in {"gp", "homonym_confirmed"}
        }
        initial["gp"] = patient.gp.rpps if patient.gp else ""
        initial["phone"] = french.phone(patient.phone)  # "06 00 00 00 01", not E.164
        return initial


class DiagnosisForm(forms.Form):
    icd10 = forms.CharField(
        label=_("ICD-10 code"), max_length=6, help_text=_("E.g. C34.1, C50.4, C71.9.")
    )
    diagnosed_on = forms.DateField(label=_("Date of diagnosis"), widget=DateInput())
    icdo3_topography = forms.CharField(
        label=_("ICD-O-3 topography"), max_length=5, required=False, help_text=_("E.g. C34.1")
    )
    icdo3_morphology = forms.CharField(
        label=_("ICD-O-3 morphology"),
        max_length=6,
        required=False,
        help_text=_("E.g. 8140/3 (adenocarcinoma), 9440/3 (glioblastoma)."),
    )
    laterality = forms.ChoiceField(
        label=_("Laterality"), choices=Laterality.choices, initial=Laterality.NOT_APPLICABLE
    )
    is_primary = forms.BooleanField(label=_("Primary cancer"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class StagingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=StagingKind.choices)
    t = forms.CharField(label="T", max_length=20, help_text=_("Without the c/p prefix, e.g. T2a."))
    n = forms.CharField(label="N", max_length=20)
    m = forms.CharField(label="M", max_length=10)
    stage_group = forms.CharField(label=_("Stage group"), max_length=10, required=False)
    staged_on = forms.DateField(label=_("Date"), widget=DateInput())


class BiomarkerForm(forms.Form):
    """The simple entry: recorded as a structured molecular result (``rules.biomarker_mapping``),
    or refused naming the field that cannot be read without guessing."""

    marker = forms.CharField(
        label=_("Gene or marker"),
        max_length=40,
        help_text=_("E.g. EGFR, KRAS G12C, ALK, HER2, PD-L1, RE, MSI-H, TMB."),
    )
    alteration = forms.CharField(
        label=_("Alteration"),
        max_length=100,
        required=False,
        help_text=_("E.g. V600E, exon 19 deletion, fusion, amplification."),
    )
    result = forms.ChoiceField(label=_("Result"), choices=BiomarkerResult.choices)
    value = forms.CharField(
        label=_("Value"),
        max_length=60,
        required=False,
        help_text=_(
            "Required for IHC: HER2 score (IHC 0, 1+, 2+, 3+), ER/PR %, PD-L1 TPS % or CPS."
        ),
    )
    tested_on = forms.DateField(label=_("Date"), widget=DateInput())
    source = forms.CharField(
        label=_("Source"),
        max_length=120,
        required=False,
        help_text=_("Laboratory or report; blank: the pathology or molecular biology report."),
    )


class PerformanceStatusForm(forms.Form):
    scale = forms.ChoiceField(label=_("Scale"), choices=PerformanceScale.choices)
    value = forms.IntegerField(label=_("Value"), min_value=0, max_value=100)
    recorded_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)


class CareTeamAddForm(forms.Form):
    rpps = ProfessionalByRppsField(
        label=_("Professional (RPPS)"),
        help_text=_("Find the RPPS in the directory of professionals."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=CareTeamRole.choices)
    is_lead = forms.BooleanField(label=_("Care team lead"), required=False)
    start = forms.DateField(label=_("From"), widget=DateInput(), initial=timezone.localdate)
    end = forms.DateField(label=_("Until"), widget=DateInput(), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=250, required=False)


class CareTeamEndForm(forms.Form):
    end = forms.DateField(label=_("Last day"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=250)


def _scope_choices() -> list[tuple[str, Any]]:
    """Each scope with what it covers; export purposes with their legal basis."""
    from .consent import purposes

    described = purposes()
    return [
        (
            value,
            format_lazy("{} — {}", label, described[value].legal_basis)
            if value in described
            else label,
        )
        for value, label in ConsentScope.choices
    ]


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("About"),
        choices=ConsentKind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Tumour board information: the patient was told their case will be discussed "
            "(care team). Sharing and reuse: who may receive or reuse their data."
        ),
    )
    scope = forms.ChoiceField(
        label=_("Purpose"),
        choices=_scope_choices,
        widget=forms.RadioSelect,
        help_text=_(
            "An opposition to a purpose other than the care team removes the patient from every "
            "export of that purpose (indicators, extracts, research, registry or network files) "
            "produced from the date of the decision, whatever period the export covers."
        ),
    )
    decision = forms.ChoiceField(
        label=_("Patient's decision"), choices=ConsentDecision.choices, widget=forms.RadioSelect
    )
    recorded_on = forms.DateField(
        label=_("Date of the patient's decision"),
        widget=DateInput(),
        initial=timezone.localdate,
    )
    note = forms.CharField(label=_("Note"), max_length=250, required=False)


class BreakGlassForm(forms.Form):
    ins = forms.CharField(label=_("Patient's INS"), max_length=21)
    reason = forms.CharField(
        max_length=limits.REASON,
        label=_("Reason for emergency access"),
        widget=forms.Textarea,
        help_text=_("This access is recorded, shown to the care team and reviewed."),
    )
    minutes = forms.IntegerField(label=_("Duration (minutes)"), initial=60, min_value=1)


class TreatmentStartForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of treatment"), choices=TreatmentKind.choices)
    regimen = forms.CharField(
        label=_("Regimen or drugs"),
        max_length=200,
        help_text=_("E.g. FOLFOX, carboplatin–paclitaxel, pembrolizumab."),
    )
    line = forms.IntegerField(
        label=_("Line of treatment"), min_value=1, max_value=20, required=False
    )
    started_on = forms.DateField(
        label=_("Started on"), widget=DateInput(), initial=timezone.localdate
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_started_on(self) -> Any:
        # Said with the form's other errors (the service checks it again, with the birth date).
        day = self.cleaned_data["started_on"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return day


class TreatmentEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput(), initial=timezone.localdate)
    end_reason = forms.ChoiceField(label=_("Why"), choices=TreatmentEndReason.choices)


def _blank_choices(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class MolecularFindingForm(forms.Form):
    """One molecular result; the fields that apply depend on the kind (checked by the service)."""

    kind = forms.ChoiceField(
        label=_("Kind of result"),
        # "To verify" is what an unstructured former entry became, never a kind one enters.
        choices=[(k, label) for k, label in MolecularKind.choices if k != MolecularKind.TO_VERIFY],
    )
    gene = forms.CharField(
        label=_("Gene (HGNC symbol)"),
        max_length=20,
        required=False,
        help_text=_("E.g. BRAF. For a fusion, the 5′ gene, written first (TPM3 in TPM3::NTRK1)."),
    )
    alteration_type = forms.ChoiceField(
        label=_("Alteration type"), choices=_blank_choices(AlterationType.choices), required=False
    )
    exon = forms.CharField(label=_("Exon"), max_length=3, required=False)
    protein_change = forms.CharField(
        label=_("Protein change"), max_length=40, required=False, help_text=_("E.g. p.V600E.")
    )
    fusion_partner = forms.CharField(
        label=_("Fusion partner"),
        max_length=20,
        required=False,
        help_text=_("The 3′ gene, written second (NTRK1 in TPM3::NTRK1)."),
    )
    classification = forms.ChoiceField(
        label=_("Variant class"),
        choices=_blank_choices([(str(value), label) for value, label in VariantClass.choices]),
        required=False,
        help_text=_(
            "As in the laboratory report (ACMG/AMP). Only classes 4 and 5 count for trials; "
            "class 3 or no class: to verify."
        ),
    )
    method = forms.ChoiceField(
        label=_("Method"),
        choices=_blank_choices(MolecularMethod.choices),
        required=False,
        help_text=_(
            "As in the report. An ERBB2 amplification decides a HER2 2+ only by in situ "
            "hybridisation (ASCO/CAP 2018): by NGS or without the method, the 2+ stays to verify. "
            "Record the final ISH conclusion (for groups 2 to 4, after the IHC work-up), not the "
            "raw ratio."
        ),
    )
    tmb = forms.CharField(label=_("TMB (mutations/Mb)"), max_length=10, required=False)
    msi_status = forms.ChoiceField(
        label=_("MSI / MMR status"), choices=_blank_choices(MsiStatus.choices), required=False
    )
    ihc_marker = forms.CharField(
        label=_("IHC marker"), max_length=20, required=False, help_text=_("E.g. HER2, PD-L1, ER.")
    )
    ihc_scale = forms.ChoiceField(
        label=_("IHC scale"), choices=_blank_choices(IhcScale.choices), required=False
    )
    ihc_value = forms.CharField(
        label=_("IHC value"), max_length=10, required=False, help_text=_("E.g. 3+, 60.")
    )
    sampled_on = forms.DateField(label=_("Sample date"), widget=DateInput())
    source = forms.CharField(
        label=_("Source"), max_length=120, help_text=_("Laboratory or report, e.g. NGS panel.")
    )


class MolecularCorrectionForm(MolecularFindingForm):
    """A correction: the whole result again, and why (the old version stays in the history)."""

    reason = forms.CharField(label=_("Reason for the correction"), max_length=300)


class MolecularWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"),
        max_length=300,
        help_text=_("E.g. entered in error, result of another patient."),
    )


class MolecularImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One result per row; columns: type, gène, altération, exon, modification protéique, "
            "partenaire de fusion, classe, TMB, statut MSI, marqueur IHC, échelle IHC, "
            "valeur IHC, date de prélèvement, source, méthode (facultative : FISH, NGS…)."
        ),
    )
