"""Forms of tumour boards: case, attachment, agenda, attendance, decision, referral."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from oncoparcours.core.french import born_on
from oncoparcours.directory.models import CARE_SITE_KINDS, Organisation, Professional, Specialty
from oncoparcours.directory.rules import icd10
from oncoparcours.patients.models import Diagnosis, Patient
from oncoparcours.trials.models import Arm

from .models import (
    AttachmentKind,
    AttendanceMode,
    Board,
    Case,
    CaseContext,
    Decision,
    Modality,
    PlaceOfCare,
    Session,
)
from .services.boards import member_specialty_problems
from .services.decisions import Proposal

TEXTAREA = forms.Textarea(attrs={"rows": 3})


@dataclass
class ArmChoices:
    """The registry arms a decision may propose: those matching the patient (ranked, with
    their result) first, then the other open arms."""

    matching: list[tuple[Arm, str]]  # (arm, result label)
    others: list[Arm]
    # Trials enrolling by invitation only (the trial, or every French site not closed): one
    # cannot simply refer a patient there, the option says so ("sur invitation").
    invitation: frozenset[Any] = frozenset()

    def choices(self) -> list[Any]:
        def label(arm: Arm) -> str:
            text = f"{arm.trial.identifier} — {arm.code} — {arm.trial.title}"[:160]
            if arm.trial_id in self.invitation:
                text = f"{text} — {_('by invitation')}"
            return text

        groups: list[Any] = [("", _("No trial from the registry"))]
        if self.matching:
            found = [(str(a.pk), f"{label(a)} ({result})") for a, result in self.matching]
            groups.append((_("Matching this patient"), found))
        if self.others:
            groups.append((_("Other open arms"), [(str(a.pk), label(a)) for a in self.others]))
        return groups

    def arm(self, value: str) -> Arm:
        for arm in [a for a, _r in self.matching] + self.others:
            if str(arm.pk) == value:
                return arm
        raise forms.ValidationError(_("Choose an arm from the list."))


class DiagnosisChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.icd10} — {obj.diagnosed_on:%d/%m/%Y}"


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        held = [str(Specialty(s).label) for s in sorted(obj.recognised_specialties)]
        return f"{obj.full_name} — {', '.join(held) or obj.get_specialty_display()}"


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.patient.label} — {obj.question[:60]}"


class CaseForm(forms.Form):
    board = forms.ModelChoiceField(label=_("Board"), queryset=Board.objects.none())
    diagnosis = DiagnosisChoiceField(
        label=_("Diagnosis"),
        queryset=Diagnosis.objects.none(),
        required=False,
        empty_label=_("— none recorded —"),
    )
    context = forms.ChoiceField(label=_("Context"), choices=[("", "—"), *CaseContext.choices])
    question = forms.CharField(
        label=_("Question asked to the board"), widget=TEXTAREA, max_length=2000
    )
    comorbidities = forms.CharField(
        label=_("Comorbidities"), widget=TEXTAREA, required=False, max_length=2000
    )
    prior_treatments = forms.CharField(
        label=_("Prior treatments"),
        widget=TEXTAREA,
        required=False,
        max_length=4000,
        help_text=_("Mandatory for a relapse or a progression."),
    )
    informed_today = forms.BooleanField(
        label=_(
            "I informed the patient today that the case will be reviewed by the board; "
            "the patient does not object"
        ),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        diagnoses = patient.diagnoses.order_by("-diagnosed_on")
        diagnosis_field = self.fields["diagnosis"]
        assert isinstance(diagnosis_field, forms.ModelChoiceField)
        diagnosis_field.queryset = diagnoses
        boards = list(Board.objects.filter(is_active=True).order_by("name"))
        codes = [d.icd10 for d in diagnoses]
        # Boards covering the patient's cancers first.
        boards.sort(key=lambda b: not any(icd10.in_any_range(c, b.scope_ranges) for c in codes))
        board_field = self.fields["board"]
        assert isinstance(board_field, forms.ModelChoiceField)
        board_field.queryset = Board.objects.filter(is_active=True)
        board_field.choices = [("", "—"), *[(b.pk, str(b.name)) for b in boards]]


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("File (PDF, PNG or JPEG, at most 10 MB)"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class AgendaAddForm(forms.Form):
    case = CaseChoiceField(label=_("Case"), queryset=Case.objects.none())
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=60, required=False)

    def __init__(self, *args: Any, cases: Any, identity_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["case"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = cases
        if identity_only:  # the board's secretary: who, not why
            field.label_from_instance = patient_identity  # type: ignore[method-assign,assignment]


def patient_identity(case: Any) -> str:
    patient = case.patient
    return f"{patient.display_name}, {born_on(patient.sex, patient.birth_date)}"


class AgendaMoveForm(forms.Form):
    position = forms.IntegerField(label=_("Position"), min_value=1)


SPECIALTY_CHOICES = [(value, label) for value, label in Specialty.choices if value != "none"]


class AttendanceForm(forms.Form):
    professional = MemberChoiceField(label=_("Member"), queryset=Professional.objects.none())
    specialties = forms.MultipleChoiceField(
        label=_("Specialties represented"),
        choices=SPECIALTY_CHOICES,
        required=False,
        help_text=_(
            "Only specialties recognised to this member in the directory; a physician counts for "
            "one of them. Empty: the member's specialties."
        ),
    )
    mode = forms.ChoiceField(label=_("Participation"), choices=AttendanceMode.choices)
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        professional = self.fields["professional"]
        assert isinstance(professional, forms.ModelChoiceField)
        professional.queryset = (
            Professional.objects.filter(board_memberships__board=session.board)
            .prefetch_related("additional_specialties")
            .order_by("last_name")
        )
        site = self.fields["site"]
        assert isinstance(site, forms.ModelChoiceField)
        site.queryset = session.board.organisers.all()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        professional = data.get("professional")
        if professional is not None and data.get("specialties"):
            problems = member_specialty_problems(professional, list(data["specialties"]))
            if problems:
                self.add_error("specialties", problems[0])
        return data


class DecisionForm(forms.Form):
    modalities = forms.MultipleChoiceField(
        label=_("Treatment modalities"),
        choices=Modality.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    proposal = forms.CharField(
        label=_("Proposal"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    guideline = forms.CharField(
        label=_("Guideline followed"),
        max_length=200,
        required=False,
        help_text=_("E.g. INCa 2024 thesaurus, ESMO 2023."),
    )
    outside_guideline = forms.BooleanField(label=_("Outside guidelines"), required=False)
    justification = forms.CharField(
        label=_("Justification"), widget=TEXTAREA, required=False, max_length=2000
    )
    trial_arm = forms.ChoiceField(
        label=_("Clinical trial proposed (registry arm)"),
        required=False,
        help_text=_("The arms matching this patient come first, with their result."),
    )
    trial = forms.CharField(
        label=_("Trial not in the registry (free text)"),
        max_length=200,
        required=False,
        help_text=_("Only when the trial is not in the registry."),
    )
    trial_identifier = forms.CharField(
        label=_("Its identifier (e.g. NCT number)"), max_length=40, required=False
    )

    def __init__(self, *args: Any, arm_choices: ArmChoices | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arm_choices = arm_choices or ArmChoices([], [])
        field = self.fields["trial_arm"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = self.arm_choices.choices()

    def clean_trial_arm(self) -> Arm | None:
        value = self.cleaned_data.get("trial_arm") or ""
        return self.arm_choices.arm(value) if value else None

    place_of_care = forms.ChoiceField(
        label=_("Place of care"), choices=PlaceOfCare.choices, widget=forms.RadioSelect
    )
    place_reason = forms.CharField(
        label=_("Reason for the place of care"), max_length=300, required=False
    )
    care_organisation = forms.ModelChoiceField(
        label=_("Treated at"),
        required=False,
        queryset=Organisation.objects.filter(kind__in=CARE_SITE_KINDS).order_by("name"),
    )
    second_opinion = forms.BooleanField(label=_("Second opinion requested"), required=False)

    def proposal_data(self) -> Proposal:
        data = self.cleaned_data
        return Proposal(
            modalities=list(data["modalities"]),
            proposal=data["proposal"],
            place_of_care=data["place_of_care"],
            guideline=data.get("guideline", ""),
            outside_guideline=bool(data.get("outside_guideline")),
            justification=data.get("justification", ""),
            trial=data.get("trial", ""),
            trial_identifier=data.get("trial_identifier", ""),
            trial_arm=data.get("trial_arm"),
            place_reason=data.get("place_reason", ""),
            care_organisation=data.get("care_organisation"),
            second_opinion=bool(data.get("second_opinion")),
        )

    @classmethod
    def initial_from(cls, decision: Decision) -> dict[str, Any]:
        return {
            "modalities": decision.modalities,
            "proposal": decision.proposal,
            "guideline": decision.guideline,
            "outside_guideline": decision.outside_guideline,
            "justification": decision.justification,
            # A registry arm filled the trial's text: the form shows the arm only.
            "trial": "" if decision.trial_arm_id else decision.trial,
            "trial_identifier": "" if decision.trial_arm_id else decision.trial_identifier,
            "trial_arm": str(decision.trial_arm_id or ""),
            "place_of_care": decision.place_of_care,
            "place_reason": decision.place_reason,
            "care_organisation": decision.care_organisation_id,
            "second_opinion": decision.second_opinion,
        }


class AmendForm(DecisionForm):
    correction_reason = forms.CharField(label=_("Reason for the correction"), max_length=300)


class ReferralAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Answer"),
        widget=forms.RadioSelect,
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
    )
    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA, required=False, max_length=2000)
