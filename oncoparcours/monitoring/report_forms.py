"""Report forms: the patient's (or relative's) self-report, the nurse's home visit and the
clinician's assessment. The wording is the project's own (never PRO-CTCAE). Field names are the
triage contract's observation keys, so the contract's errors land on the right field.

Each form is made of sections; a section is shown when the patient is on the treatment it
concerns (the chemotherapy questions on fever duration and the blood count, the immunotherapy
questions on chest pain, muscle weakness and headache, the relatives' neurological watch after
CAR-T, the CRS / ICANS assessment)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oncoparcours.core.number_fields import FrenchFloatField

from .rules.observations import NEURO_CHANGES
from .rules.vitals import pressure_inverted

RADIO = forms.RadioSelect
ALWAYS = "always"
# "None" agrees with the symptom in French: "Aucune" (douleur, nausées) by default, "Aucun" for
# a masculine or masculine plural one (vomissements, maux de tête, oxygène, signes moteurs).
NONE_MASCULINE = pgettext_lazy("masculine symptom", "None")


@dataclass(frozen=True)
class Section:
    key: str
    legend: Any
    fields: tuple[str, ...]
    treatments: tuple[str, ...] = (ALWAYS,)
    help: Any = ""


def _optional_choice(label: Any, choices: list[tuple[str, Any]]) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, required=False, widget=RADIO)


def _decimal(label: Any, low: float, high: float | None, **kwargs: Any) -> forms.FloatField:
    """A decimal number typed the French way (38,6) or with a point (38.6)."""
    return FrenchFloatField(label=label, required=False, min_value=low, max_value=high, **kwargs)


class ObservationForm(forms.Form):
    """A report form made of sections; ``treatments`` (the patient's, in contract terms) decides
    which sections are shown. ``observations()`` turns the answers into contract observations."""

    SECTIONS: tuple[Section, ...] = ()
    ICE_FIELDS = ("ice_orientation", "ice_naming", "ice_commands", "ice_writing", "ice_attention")
    LIST_FIELDS: tuple[str, ...] = ("neuro_changes",)
    # Answers that are not observations of the contract.
    EXTRA: frozenset[str] = frozenset({"comment", "caregiver", "neutrophils_when"})

    def __init__(self, *args: Any, treatments: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        wanted = set(treatments) | {ALWAYS}
        self.sections = [s for s in self.SECTIONS if wanted & set(s.treatments)]
        shown = {name for section in self.sections for name in section.fields}
        for name in [n for s in self.SECTIONS for n in s.fields]:
            if name not in shown and name in self.fields:
                del self.fields[name]

    def fieldsets(self) -> list[tuple[Section, list[forms.BoundField]]]:
        return [
            (section, [self[name] for name in section.fields if name in self.fields])
            for section in self.sections
        ]

    def observation_fields(self) -> list[str]:
        return [
            name
            for section in self.sections
            for name in section.fields
            if name not in self.ICE_FIELDS and name in self.fields and name not in self.EXTRA
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._check_graded_answers(data)
        if (
            "neutrophils_when" in self.fields
            and data.get("neutrophils_g_per_l") is not None
            and not data.get("neutrophils_when")
        ):
            self.add_error("neutrophils_when", _("Say when the blood test was taken."))
        return data

    def _check_graded_answers(self, data: dict[str, Any]) -> None:
        """A fever duration without a temperature of 38 °C or more would grade nothing: ask for
        the highest temperature measured (a medicine may have lowered it since). Skin symptoms
        without the extent of the rash would grade nothing either: ask for it."""
        symptoms = data.get("rash_symptoms")
        extent_missing = not data.get("rash_bsa_percent") and "rash_bsa_percent" not in self.errors
        if symptoms and symptoms != "none" and extent_missing:
            self.add_error(
                "rash_bsa_percent",
                _(
                    "Skin symptoms were reported: say how much of the skin is affected "
                    "(the rash is graded on it)."
                ),
            )
        hours = data.get("fever_hours_at_or_above_38") or data.get("fever_hours_above_40")
        temperature = data.get("temperature_c")
        if "temperature_c" in self.errors or not hours:
            return
        if temperature is None or temperature < 38.0:
            self.add_error(
                "temperature_c",
                _(
                    "A fever of 38 °C or more was reported: give the highest temperature "
                    "measured, even if a medicine has lowered it since."
                ),
            )

    def observations(self) -> dict[str, Any]:
        """The answers as contract observations. A neutrophil count counts only when it is less
        than a day old: an older normal count must never lower the alert of a febrile patient on
        chemotherapy (safer reading)."""
        observations = self._observations()
        if (
            "neutrophils_when" in self.fields
            and self.cleaned_data.get("neutrophils_when") != "today"
        ):
            observations.pop("neutrophils_g_per_l", None)
        return observations

    def _observations(self) -> dict[str, Any]:
        data = self.cleaned_data
        observations: dict[str, Any] = {}
        for name in self.observation_fields():
            value = data.get(name)
            if name in self.LIST_FIELDS:
                observations[name] = list(value or [])
                continue
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


# --- the patient's (or relative's) own form ------------------------------------------------------

NEURO_CHANGE_QUESTIONS = {
    "confusion": _("They seem confused, or do not know where they are or what day it is"),
    "word_finding_difficulty": _("They struggle to find their words or to speak"),
    "handwriting_change": _(
        "Their handwriting has changed (ask them to write a short sentence every day)"
    ),
    "tremor": _("Their hands are shaking"),
    "unusual_drowsiness": _("They are unusually sleepy or hard to wake up"),
    "seizure_witnessed": _("They had a fit (jerking movements, loss of consciousness)"),
}
assert tuple(NEURO_CHANGE_QUESTIONS) == NEURO_CHANGES


class SelfReportForm(ObservationForm):
    # The questions of the treatments in course come first: they are the ones that cannot wait.
    SECTIONS = (
        Section("general", _("Since your last message"), ("caregiver", "temperature_c")),
        Section(
            "chemotherapy",
            _("Fever and blood tests (chemotherapy)"),
            ("fever_hours_at_or_above_38", "neutrophils_g_per_l", "neutrophils_when"),
            ("chemotherapy",),
            _(
                "With a temperature of 38 °C or more, call the unit at once (or 15 if nobody "
                "answers), and take no medicine for the fever before calling."
            ),
        ),
        Section(
            "car_t",
            _("For a relative: what you have noticed since yesterday"),
            ("neuro_changes",),
            ("car_t",),
            _(
                "After CAR-T cells, relatives are often the first to notice a change. Tick "
                "everything you have seen, even if it seems small. Do not let the person drive."
            ),
        ),
        Section(
            "immunotherapy",
            _("Chest, muscles and headache (immunotherapy)"),
            ("chest_pain", "muscle_weakness", "headache"),
            ("immune_checkpoint_inhibitor",),
        ),
        Section(
            "symptoms",
            _("Other symptoms"),
            (
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
            ),
        ),
        Section("comment", _("Anything else"), ("comment",)),
    )

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    caregiver = forms.BooleanField(
        label=_("I am answering for the patient (family member, caregiver)"), required=False
    )
    temperature_c = _decimal(_("Your temperature today, in °C (leave empty if not taken)"), 30, 45)
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
            ("none", NONE_MASCULINE),
            ("no_intervention", _("Once or twice, I can still drink")),
            ("outpatient_iv_hydration", _("Several times, I struggle to keep fluids down")),
            ("tube_feeding_or_hospitalization", _("I cannot keep anything down")),
        ],
    )
    fever_hours_at_or_above_38 = _decimal(
        _("How many hours have you had a temperature of 38 °C or more? (leave empty if no fever)"),
        0,
        720,
    )
    neutrophils_g_per_l = _decimal(
        _(
            "If you had a blood test: your neutrophil count (« polynucléaires neutrophiles »), "
            "in G/L as on the laboratory report"
        ),
        0,
        100,
    )
    neutrophils_when = _optional_choice(
        _("When was that blood test taken?"),
        [("today", _("Less than 24 hours ago")), ("earlier", _("Yesterday or before"))],
    )
    chest_pain = _optional_choice(
        _("Pain or tightness in the chest"),
        [
            ("none", _("No")),
            ("mild", _("A little, and it goes away")),
            ("moderate", _("When I make an effort; it stops me doing some things")),
            ("severe", _("Even at rest; I cannot look after myself")),
        ],
    )
    muscle_weakness = _optional_choice(
        _("Weakness in the muscles (arms, legs, neck)"),
        [
            ("none", _("No")),
            ("symptomatic_not_limiting", _("I feel weaker, but I can do everything")),
            ("limits_instrumental_adl", _("Too weak for shopping, cooking or housework")),
            ("limits_self_care_adl", _("I need help to wash or dress")),
        ],
    )
    headache = _optional_choice(
        _("Headache"),
        [
            ("none", _("No")),
            ("mild", _("A little")),
            ("moderate", _("It stops me doing some things")),
            ("severe", _("Strong; I cannot look after myself")),
        ],
    )
    neuro_changes = forms.MultipleChoiceField(
        label=_("Have you noticed in the person treated…"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(NEURO_CHANGE_QUESTIONS.items()),
    )
    comment = forms.CharField(
        label=_("Anything else to tell the team?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def source(self) -> str:
        return "caregiver" if self.cleaned_data.get("caregiver") else "patient"

    @property
    def asks_relatives(self) -> bool:
        return any(section.key == "car_t" for section in self.sections)


# --- staff forms ---------------------------------------------------------------------------------

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
        ("none", NONE_MASCULINE),
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
        ("none", NONE_MASCULINE),
        ("no_intervention", _("No intervention needed")),
        ("outpatient_iv_hydration", _("Outpatient IV hydration")),
        ("tube_feeding_or_hospitalization", _("Tube feeding or hospitalisation")),
        ("life_threatening", _("Life-threatening")),
    ],
    "chest_pain": [
        ("none", _("None")),
        ("mild", _("Mild")),
        ("moderate", _("Moderate, on exertion, limiting instrumental ADL")),
        ("severe", _("At rest, limiting self-care ADL")),
    ],
    "muscle_weakness": [
        ("none", _("None")),
        ("symptomatic_not_limiting", _("Symptomatic, not limiting")),
        ("limits_instrumental_adl", _("Limiting instrumental ADL")),
        ("limits_self_care_adl", _("Limiting self-care ADL")),
    ],
    "headache": [
        ("none", NONE_MASCULINE),
        ("mild", _("Mild")),
        ("moderate", _("Moderate, limiting instrumental ADL")),
        ("severe", _("Severe, limiting self-care ADL")),
    ],
    "oxygen": [
        ("none", NONE_MASCULINE),
        ("low_flow_nasal_cannula", _("Low-flow nasal cannula (≤ 6 L/min)")),
        ("high_flow_or_face_mask", _("High flow or face mask")),
        ("positive_pressure", _("Positive pressure")),
    ],
    "hypotension": [
        ("none", _("None")),
        ("fluid_responsive", _("Responds to fluids")),
        ("one_vasopressor", _("One vasopressor")),
        ("multiple_vasopressors", _("Several vasopressors")),
    ],
}

NEURO_CHANGE_FINDINGS = [
    ("confusion", _("Confusion, disorientation")),
    ("word_finding_difficulty", _("Word-finding difficulty")),
    ("handwriting_change", _("Handwriting change")),
    ("tremor", _("Tremor")),
    ("unusual_drowsiness", _("Unusual drowsiness")),
    ("seizure_witnessed", _("Seizure witnessed")),
]


def _clinical(name: str, label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, required=False, choices=[("", "—"), *CLINICAL_CHOICES[name]]
    )


def _neuro_changes_field(label: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=NEURO_CHANGE_FINDINGS,
    )


IMMUNE_ORGAN_FIELDS = ("chest_pain", "muscle_weakness", "headache")
LAB_FIELDS = ("neutrophils_g_per_l", "neutrophils_when", "creatinine_x_uln")


def _count_date_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Neutrophil count taken"),
        required=False,
        choices=[
            ("", "—"),
            ("today", _("Less than 24 hours ago")),
            ("earlier", _("Yesterday or before (not used for grading)")),
        ],
    )


VITAL_SIGNS = ("systolic_bp", "diastolic_bp", "heart_rate", "spo2", "weight_kg")


def pressure_message(vitals: dict[str, Any]) -> str:
    return _(
        "Systolic pressure (%(systolic)s mmHg) must be higher than diastolic pressure "
        "(%(diastolic)s mmHg): check both values."
    ) % {"systolic": vitals["systolic_bp"], "diastolic": vitals["diastolic_bp"]}


class NurseVisitForm(ObservationForm):
    SECTIONS = (
        Section(
            "general",
            _("Observations"),
            (
                "temperature_c",
                "fever_hours_above_40",
                "fever_hours_at_or_above_38",
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
                *IMMUNE_ORGAN_FIELDS,
            ),
        ),
        Section(
            "vitals",
            _("Vital signs"),
            (*VITAL_SIGNS, "hypotension"),
            help=_(
                "Systolic pressure below 90 mmHg: say whether the patient is hypotensive "
                "(it grades febrile neutropenia and, after CAR-T, the cytokine release syndrome)."
            ),
        ),
        Section(
            "labs",
            _("Blood results (if available)"),
            LAB_FIELDS,
            help=_("A neutrophil count older than 24 hours is recorded but not used for grading."),
        ),
        Section(
            "car_t",
            _("After CAR-T"),
            ("oxygen", "neuro_changes"),
            ("car_t",),
            help=_("Oxygen saturation below 92 %: say whether oxygen is given."),
        ),
        Section("comment", _("Comment"), ("comment",)),
    )
    EXTRA = frozenset({"comment", "neutrophils_when", *VITAL_SIGNS})

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    temperature_c = _decimal(_("Temperature (°C)"), 30, 45)
    fever_hours_above_40 = _decimal(_("Hours above 40 °C"), 0, None)
    fever_hours_at_or_above_38 = _decimal(_("Hours at or above 38 °C"), 0, None)
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
    weight_kg = _decimal(_("Weight (kg)"), 20, 300)
    stools_over_baseline_per_day = forms.IntegerField(
        label=_("Stools over baseline per day"), required=False
    )
    blood_or_mucus_in_stool = forms.BooleanField(label=_("Blood or mucus in stool"), required=False)
    abdominal_pain = _clinical("abdominal_pain", _("Abdominal pain"))
    dyspnea = _clinical("dyspnea", _("Dyspnoea"))
    fatigue = _clinical("fatigue", _("Fatigue"))
    rash_bsa_percent = _decimal(_("Rash, body surface area (%)"), 0, 100)
    rash_symptoms = _clinical("rash_symptoms", _("Rash symptoms"))
    pruritus = _clinical("pruritus", _("Pruritus"))
    nausea = _clinical("nausea", _("Nausea"))
    vomiting = _clinical("vomiting", _("Vomiting"))
    chest_pain = _clinical("chest_pain", _("Chest pain"))
    muscle_weakness = _clinical("muscle_weakness", _("Muscle weakness"))
    headache = _clinical("headache", _("Headache"))
    neutrophils_g_per_l = _decimal(_("Neutrophils (× 10⁹/L)"), 0, 100)
    neutrophils_when = _count_date_field()
    creatinine_x_uln = _decimal(_("Creatinine (× upper limit of normal)"), 0, 100)
    hypotension = _clinical("hypotension", _("Hypotension"))
    oxygen = _clinical("oxygen", _("Oxygen"))
    neuro_changes = _neuro_changes_field(_("Changes seen (by you or the relatives)"))
    comment = forms.CharField(
        label=_("Observations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )

    def clean(self) -> dict[str, Any]:
        """Low measured values must be interpreted by the nurse, never silently ignored."""
        data = super().clean() or {}
        systolic = data.get("systolic_bp")
        if pressure_inverted(data):
            self.add_error("systolic_bp", pressure_message(data))
        if systolic is not None and systolic < 90 and not data.get("hypotension"):
            self.add_error(
                "hypotension",
                _("Systolic pressure is %(value)s mmHg: say whether the patient is hypotensive.")
                % {"value": systolic},
            )
        spo2 = data.get("spo2")
        if "oxygen" in self.fields and spo2 is not None and spo2 < 92 and not data.get("oxygen"):
            self.add_error(
                "oxygen",
                _("Saturation is %(value)s %%: say whether oxygen is given.") % {"value": spo2},
            )
        return data

    def vitals(self) -> dict[str, Any]:
        return {
            k: self.cleaned_data[k] for k in VITAL_SIGNS if self.cleaned_data.get(k) is not None
        }


class ClinicianAssessmentForm(ObservationForm):
    SECTIONS = (
        Section(
            "general",
            _("Clinical assessment"),
            (
                "temperature_c",
                "fever_hours_at_or_above_38",
                "hypotension",
                *IMMUNE_ORGAN_FIELDS,
                "pneumonitis",
                "peritoneal_signs",
            ),
        ),
        Section(
            "labs",
            _("Laboratory results (× upper limit of normal unless stated)"),
            (*LAB_FIELDS, "alt_x_uln", "ast_x_uln", "bilirubin_x_uln"),
        ),
        Section(
            "crs",
            _("Cytokine release syndrome (ASTCT 2019)"),
            ("days_since_infusion", "fever_masked", "oxygen"),
            ("car_t",),
        ),
        Section(
            "icans",
            _("ICANS: ICE score and neurological findings (ASTCT 2019)"),
            (
                "ice_orientation",
                "ice_naming",
                "ice_commands",
                "ice_writing",
                "ice_attention",
                "consciousness",
                "seizure",
                "motor_weakness",
                "raised_icp",
                "neuro_changes",
            ),
            ("car_t",),
        ),
        Section("comment", _("Notes"), ("comment",)),
    )
    EXTRA = frozenset({"comment", "days_since_infusion", "neutrophils_when"})

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    days_since_infusion = forms.IntegerField(
        label=_("Days since CAR-T infusion"), required=False, min_value=0
    )
    temperature_c = _decimal(_("Temperature (°C)"), 30, 45)
    fever_hours_at_or_above_38 = _decimal(_("Hours at or above 38 °C"), 0, None)
    fever_masked = forms.BooleanField(
        label=_("Antipyretic or anti-cytokine treatment given (fever masked)"), required=False
    )
    hypotension = _clinical("hypotension", _("Hypotension"))
    oxygen = forms.ChoiceField(
        label=_("Oxygen"),
        required=False,
        choices=[
            ("", "—"),
            ("none", NONE_MASCULINE),
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
        choices=[
            ("", "—"),
            ("none", NONE_MASCULINE),
            ("deep_focal", _("Deep focal motor weakness")),
        ],
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
    neuro_changes = _neuro_changes_field(_("Changes reported by the relatives"))
    peritoneal_signs = forms.BooleanField(
        label=_("Peritoneal signs (guarding, rebound tenderness)"), required=False
    )
    neutrophils_when = _count_date_field()
    chest_pain = _clinical("chest_pain", _("Chest pain"))
    muscle_weakness = _clinical("muscle_weakness", _("Muscle weakness"))
    headache = _clinical("headache", _("Headache"))
    neutrophils_g_per_l = _decimal(_("Neutrophils (× 10⁹/L)"), 0, 100)
    creatinine_x_uln = _decimal(_("Creatinine (× upper limit of normal)"), 0, 100)
    alt_x_uln = _decimal(_("ALT (× upper limit of normal)"), 0, 1000)
    ast_x_uln = _decimal(_("AST (× upper limit of normal)"), 0, 1000)
    bilirubin_x_uln = _decimal(_("Bilirubin (× upper limit of normal)"), 0, 100)
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
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [name for name in self.ICE_FIELDS if data.get(name) is not None]
        if given and len(given) != len(self.ICE_FIELDS):
            for name in self.ICE_FIELDS:
                if data.get(name) is None:
                    self.add_error(name, _("Fill in the 5 ICE items, or none."))
        return data
