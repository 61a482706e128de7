"""Report forms (the project's own wording, never PRO-CTCAE), alert actions, adverse events,
links and rule sets. Field names are the triage contract's observation keys, so the contract's
errors land on the right field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oncoparcours.directory.models import CARE_SITE_KINDS, Organisation
from oncoparcours.patients.forms import DateInput

from .labels import TERM_LABELS
from .models import AdverseAction, Attribution, Level, Outcome, ResolutionAction
from .services.adverse import TERMS

RADIO = forms.RadioSelect


def _optional_choice(label: Any, choices: list[tuple[str, Any]]) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, required=False, widget=RADIO)


class ObservationForm(forms.Form):
    """Turns cleaned fields into contract observations (only the keys answered)."""

    OBSERVATION_FIELDS: tuple[str, ...] = ()
    ICE_FIELDS = ("ice_orientation", "ice_naming", "ice_commands", "ice_writing", "ice_attention")

    def observations(self) -> dict[str, Any]:
        data = self.cleaned_data
        observations: dict[str, Any] = {}
        for name in self.OBSERVATION_FIELDS:
            value = data.get(name)
            if value in (None, ""):
                continue
            if isinstance(self.fields[name], forms.BooleanField) and value is False:
                continue
            observations[name] = value
        ice = [data.get(name) for name in self.ICE_FIELDS if name in self.fields]
        if any(v is not None for v in ice):
            observations["ice"] = {
                name.removeprefix("ice_"): data.get(name) for name in self.ICE_FIELDS
            }
        return observations


class SelfReportForm(ObservationForm):
    OBSERVATION_FIELDS = (
        "temperature_c",
        "stools_over_baseline_per_day",
        "blood_or_mucus_in_stool",
        "abdominal_pain",
        "dyspnea",
        "fatigue",
        "rash_bsa_percent",
        "rash_symptoms",
        "pruritus",
        "nausea",
        "vomiting",
    )

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    caregiver = forms.BooleanField(
        label=_("I am answering for the patient (family member, caregiver)"), required=False
    )
    temperature_c = forms.FloatField(
        label=_("Your temperature today, in °C (leave empty if not taken)"),
        required=False,
        min_value=30,
        max_value=45,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    stools_over_baseline_per_day = forms.IntegerField(
        label=_("Over the last 24 hours, how many more stools than usual?"),
        required=False,
        min_value=0,
        max_value=50,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    blood_or_mucus_in_stool = forms.BooleanField(
        label=_("I saw blood or mucus (glairy matter) in my stools"), required=False
    )
    abdominal_pain = _optional_choice(
        _("Belly pain"),
        [
            ("none", _("None")),
            ("mild", _("A little discomfort")),
            ("moderate", _("Pain that stops me doing some things")),
            ("severe", _("Strong pain, I cannot look after myself")),
        ],
    )
    dyspnea = _optional_choice(
        _("Breathing"),
        [
            ("none", _("Normal")),
            ("moderate_exertion", _("Out of breath climbing stairs or walking fast")),
            ("minimal_exertion", _("Out of breath walking on the flat, washing or dressing")),
            ("at_rest", _("Out of breath even at rest")),
            ("life_threatening", _("Great difficulty breathing")),
        ],
    )
    fatigue = _optional_choice(
        _("Tiredness"),
        [
            ("none", _("Not tired")),
            ("relieved_by_rest", _("Tired, but resting helps")),
            ("limits_instrumental_adl", _("Too tired for shopping, cooking or housework")),
            ("limits_self_care_adl", _("I need help to wash or dress")),
        ],
    )
    rash_bsa_percent = forms.TypedChoiceField(
        label=_("Redness or spots on the skin (1 palm of your hand ≈ 1 % of the body)"),
        required=False,
        widget=RADIO,
        coerce=float,
        empty_value=None,
        choices=[
            ("0", _("None")),
            ("5", _("A small area, less than 10 palms")),
            ("20", _("10 to 30 palms")),
            ("40", _("More than 30 palms")),
        ],
    )
    rash_symptoms = _optional_choice(
        _("Does the skin bother you?"),
        [("none", _("Not at all")), ("mild", _("A little")), ("moderate_or_severe", _("A lot"))],
    )
    pruritus = _optional_choice(
        _("Itching"),
        [
            ("none", _("None")),
            ("mild_localized", _("A little, in one place")),
            ("widespread_intermittent", _("All over, comes and goes")),
            ("widespread_constant", _("All over, all the time")),
        ],
    )
    nausea = _optional_choice(
        _("Nausea"),
        [
            ("none", _("None")),
            ("appetite_loss", _("Less appetite")),
            ("reduced_intake", _("I eat less than usual")),
            ("inadequate_intake", _("I can hardly eat or drink")),
        ],
    )
    vomiting = _optional_choice(
        _("Vomiting"),
        [
            ("none", _("None")),
            ("no_intervention", _("Once or twice, I can still drink")),
            ("outpatient_iv_hydration", _("Several times, I struggle to keep fluids down")),
            ("tube_feeding_or_hospitalization", _("I cannot keep anything down")),
        ],
    )
    comment = forms.CharField(
        label=_("Anything else to tell the team?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def source(self) -> str:
        return "caregiver" if self.cleaned_data.get("caregiver") else "patient"


CLINICAL_CHOICES = {
    "abdominal_pain": [
        ("none", _("None")),
        ("mild", _("Mild")),
        ("moderate", _("Moderate, limiting instrumental ADL")),
        ("severe", _("Severe, limiting self-care ADL")),
    ],
    "dyspnea": [
        ("none", _("None")),
        ("moderate_exertion", _("With moderate exertion")),
        ("minimal_exertion", _("With minimal exertion")),
        ("at_rest", _("At rest")),
        ("life_threatening", _("Life-threatening")),
    ],
    "fatigue": [
        ("none", _("None")),
        ("relieved_by_rest", _("Relieved by rest")),
        ("limits_instrumental_adl", _("Limits instrumental ADL")),
        ("limits_self_care_adl", _("Limits self-care ADL")),
    ],
    "rash_symptoms": [
        ("none", _("None")),
        ("mild", _("Mild")),
        ("moderate_or_severe", _("Moderate or severe")),
    ],
    "pruritus": [
        ("none", _("None")),
        ("mild_localized", _("Mild or localised")),
        ("widespread_intermittent", _("Widespread, intermittent")),
        ("widespread_constant", _("Widespread, constant")),
    ],
    "nausea": [
        ("none", _("None")),
        ("appetite_loss", _("Loss of appetite")),
        ("reduced_intake", _("Oral intake decreased")),
        ("inadequate_intake", _("Inadequate intake")),
    ],
    "vomiting": [
        ("none", _("None")),
        ("no_intervention", _("No intervention needed")),
        ("outpatient_iv_hydration", _("Outpatient IV hydration")),
        ("tube_feeding_or_hospitalization", _("Tube feeding or hospitalisation")),
        ("life_threatening", _("Life-threatening")),
    ],
}


def _clinical(name: str, label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, required=False, choices=[("", "—"), *CLINICAL_CHOICES[name]]
    )


class NurseVisitForm(ObservationForm):
    OBSERVATION_FIELDS = (
        "temperature_c",
        "fever_hours_above_40",
        "stools_over_baseline_per_day",
        "blood_or_mucus_in_stool",
        "abdominal_pain",
        "dyspnea",
        "fatigue",
        "rash_bsa_percent",
        "rash_symptoms",
        "pruritus",
        "nausea",
        "vomiting",
    )
    VITALS = ("systolic_bp", "diastolic_bp", "heart_rate", "spo2", "weight_kg")

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    temperature_c = forms.FloatField(
        label=_("Temperature (°C)"),
        required=False,
        min_value=30,
        max_value=45,
        widget=forms.NumberInput(attrs={"step": "0.1"}),
    )
    fever_hours_above_40 = forms.FloatField(
        label=_("Hours above 40 °C"), required=False, min_value=0
    )
    systolic_bp = forms.IntegerField(
        label=_("Systolic blood pressure (mmHg)"), required=False, min_value=40, max_value=260
    )
    diastolic_bp = forms.IntegerField(
        label=_("Diastolic blood pressure (mmHg)"), required=False, min_value=20, max_value=160
    )
    heart_rate = forms.IntegerField(
        label=_("Heart rate (/min)"), required=False, min_value=20, max_value=250
    )
    spo2 = forms.IntegerField(label=_("SpO2 (%)"), required=False, min_value=50, max_value=100)
    weight_kg = forms.FloatField(
        label=_("Weight (kg)"), required=False, min_value=20, max_value=300
    )
    stools_over_baseline_per_day = forms.IntegerField(
        label=_("Stools over baseline per day"), required=False
    )
    blood_or_mucus_in_stool = forms.BooleanField(label=_("Blood or mucus in stool"), required=False)
    abdominal_pain = _clinical("abdominal_pain", _("Abdominal pain"))
    dyspnea = _clinical("dyspnea", _("Dyspnoea"))
    fatigue = _clinical("fatigue", _("Fatigue"))
    rash_bsa_percent = forms.FloatField(label=_("Rash, body surface area (%)"), required=False)
    rash_symptoms = _clinical("rash_symptoms", _("Rash symptoms"))
    pruritus = _clinical("pruritus", _("Pruritus"))
    nausea = _clinical("nausea", _("Nausea"))
    vomiting = _clinical("vomiting", _("Vomiting"))
    comment = forms.CharField(
        label=_("Observations"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def vitals(self) -> dict[str, Any]:
        return {
            k: self.cleaned_data[k] for k in self.VITALS if self.cleaned_data.get(k) is not None
        }


class ClinicianAssessmentForm(ObservationForm):
    OBSERVATION_FIELDS = (
        "temperature_c",
        "fever_masked",
        "hypotension",
        "oxygen",
        "consciousness",
        "seizure",
        "motor_weakness",
        "raised_icp",
        "alt_x_uln",
        "ast_x_uln",
        "bilirubin_x_uln",
        "pneumonitis",
    )

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    days_since_infusion = forms.IntegerField(
        label=_("Days since infusion"), required=False, min_value=0
    )
    temperature_c = forms.FloatField(
        label=_("Temperature (°C)"), required=False, widget=forms.NumberInput(attrs={"step": "0.1"})
    )
    fever_masked = forms.BooleanField(
        label=_("Antipyretic or anti-cytokine treatment given (fever masked)"), required=False
    )
    hypotension = forms.ChoiceField(
        label=_("Hypotension"),
        required=False,
        choices=[
            ("", "—"),
            ("none", _("None")),
            ("fluid_responsive", _("Responds to fluids")),
            ("one_vasopressor", _("One vasopressor")),
            ("multiple_vasopressors", _("Several vasopressors")),
        ],
    )
    oxygen = forms.ChoiceField(
        label=_("Oxygen"),
        required=False,
        choices=[
            ("", "—"),
            ("none", _("None")),
            ("low_flow_nasal_cannula", _("Low-flow nasal cannula (≤ 6 L/min)")),
            ("high_flow_or_face_mask", _("High flow or face mask")),
            ("positive_pressure", _("Positive pressure")),
        ],
    )
    ice_orientation = forms.IntegerField(label=_("ICE — orientation (0–4)"), required=False)
    ice_naming = forms.IntegerField(label=_("ICE — naming 3 objects (0–3)"), required=False)
    ice_commands = forms.IntegerField(label=_("ICE — following commands (0–1)"), required=False)
    ice_writing = forms.IntegerField(label=_("ICE — writing a sentence (0–1)"), required=False)
    ice_attention = forms.IntegerField(
        label=_("ICE — counting back from 100 by 10 (0–1)"), required=False
    )
    consciousness = forms.ChoiceField(
        label=_("Level of consciousness"),
        required=False,
        choices=[
            ("", "—"),
            ("awake", _("Awakens spontaneously")),
            ("wakes_to_voice", _("Awakens to voice")),
            ("wakes_to_touch", _("Awakens only to touch")),
            ("unarousable", _("Unarousable")),
        ],
    )
    seizure = forms.ChoiceField(
        label=_("Seizure"),
        required=False,
        choices=[
            ("", "—"),
            ("none", _("None")),
            ("rapidly_resolving", _("Rapidly resolving")),
            ("prolonged_or_repetitive", _("Prolonged or repetitive")),
        ],
    )
    motor_weakness = forms.ChoiceField(
        label=_("Motor findings"),
        required=False,
        choices=[("", "—"), ("none", _("None")), ("deep_focal", _("Deep focal motor weakness"))],
    )
    raised_icp = forms.ChoiceField(
        label=_("Raised intracranial pressure / cerebral oedema"),
        required=False,
        choices=[
            ("", "—"),
            ("none", _("None")),
            ("focal_edema", _("Focal oedema")),
            ("diffuse_edema", _("Diffuse oedema")),
        ],
    )
    alt_x_uln = forms.FloatField(label=_("ALT (× upper limit of normal)"), required=False)
    ast_x_uln = forms.FloatField(label=_("AST (× upper limit of normal)"), required=False)
    bilirubin_x_uln = forms.FloatField(
        label=_("Bilirubin (× upper limit of normal)"), required=False
    )
    pneumonitis = forms.ChoiceField(
        label=_("Pneumonitis"),
        required=False,
        choices=[
            ("", "—"),
            ("none", _("None")),
            ("asymptomatic", _("Asymptomatic")),
            ("symptomatic", _("Symptomatic")),
            ("severe_oxygen_indicated", _("Severe, oxygen indicated")),
            ("life_threatening", _("Life-threatening")),
        ],
    )
    comment = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [name for name in self.ICE_FIELDS if data.get(name) is not None]
        if given and len(given) != len(self.ICE_FIELDS):
            for name in self.ICE_FIELDS:
                if data.get(name) is None:
                    self.add_error(name, _("Fill in the 5 ICE items, or none."))
        return data


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResolveForm(forms.Form):
    action = forms.ChoiceField(label=_("What was done"), choices=ResolutionAction.choices)
    note = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class InboxFilterForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Show"),
        required=False,
        initial="mine",
        choices=[("mine", _("Alerts sent to me")), ("team", _("All alerts about my patients"))],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        initial="open",
        choices=[
            ("open", _("Not resolved")),
            ("unacknowledged", _("Not acknowledged")),
            ("resolved", pgettext_lazy("alerts filter", "Resolved")),
            ("all", _("All")),
        ],
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("All levels")), *[c for c in Level.choices if c[0] != "none"]],
    )
    centre = forms.ModelChoiceField(
        label=_("Centre"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All centres"),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        centre = self.fields["centre"]
        assert isinstance(centre, forms.ModelChoiceField)
        centre.queryset = Organisation.objects.filter(kind__in=CARE_SITE_KINDS).order_by("name")


class AdverseEventForm(forms.Form):
    term = forms.ChoiceField(label=_("Term"), choices=[(t, TERM_LABELS.get(t, t)) for t in TERMS])
    grade = forms.IntegerField(label=_("Grade (CTCAE)"), min_value=1, max_value=5)
    onset = forms.DateField(label=_("Onset"), widget=DateInput(), initial=timezone.localdate)
    attribution = forms.ChoiceField(label=_("Attribution"), choices=Attribution.choices)
    actions = forms.MultipleChoiceField(
        label=_("Actions"),
        choices=AdverseAction.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AccessLinkForm(forms.Form):
    label = forms.CharField(label=_("For whom / which phone"), max_length=100, required=False)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=180, initial=30)


class ActivationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("Whole platform (default)"),
    )
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = Organisation.objects.filter(kind__in=CARE_SITE_KINDS).order_by(
            "name"
        )


class ValidationForm(forms.Form):
    note = forms.CharField(label=_("Validation note"), widget=forms.Textarea(attrs={"rows": 2}))
