from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from oncoparcours.core import fields as limits
from oncoparcours.core.medicines import inn_label
from oncoparcours.core.number_fields import FrenchDecimalField
from oncoparcours.patients.forms import DateInput, ProfessionalByRppsField

from .models import ActivityStatus, EndReason, PathwayTemplate, Place, RefusalReason
from .rules.vocabulary import ACTIVITY_KINDS
from .services.lifecycle import PAUSE_REASONS


def _text(value: dict | str) -> str:
    if isinstance(value, dict):
        return value.get("en" if (get_language() or "fr").startswith("en") else "fr") or value.get(
            "fr", ""
        )
    return str(value)


class ApplyPathwayForm(forms.Form):
    start = forms.DateField(label=_("Start date"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args: Any, template: PathwayTemplate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.template = template
        for name, spec in template.parameters.items():
            label = _text(spec["label"])
            field: forms.Field
            if spec["type"] == "choice":
                field = forms.TypedChoiceField(
                    label=label,
                    choices=[(str(c), inn_label(c)) for c in spec["choices"]],  # French INN
                    initial=str(spec["default"]),
                    coerce=str,
                )
            elif spec["type"] == "integer":
                field = forms.IntegerField(
                    label=label,
                    initial=spec["default"],
                    min_value=spec.get("min"),
                    max_value=spec.get("max"),
                )
            else:
                field = forms.BooleanField(label=label, initial=spec["default"], required=False)
            if spec.get("help"):
                field.help_text = _text(spec["help"])
            self.fields[f"param_{name}"] = field

    def parameters(self) -> dict[str, Any]:
        return {
            name[len("param_") :]: value
            for name, value in self.cleaned_data.items()
            if name.startswith("param_")
        }


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ActivityDoneForm(VersionedForm):
    on = forms.DateField(label=_("Done on"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(
        max_length=limits.REASON,
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    result_value = FrenchDecimalField(
        label=_("Result (lab tests)"), required=False, max_digits=10, decimal_places=2
    )
    result_unit = forms.CharField(label=_("Unit"), required=False, max_length=20)


class ActivityScheduleForm(VersionedForm):
    when = forms.DateTimeField(
        label=_("Appointment"),
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class ActivityStatusForm(VersionedForm):
    to = forms.ChoiceField(
        label=_("New status"),
        choices=[
            (ActivityStatus.CANCELLED, ActivityStatus.CANCELLED.label),
            (ActivityStatus.MISSED, ActivityStatus.MISSED.label),
            (ActivityStatus.PLANNED, _("Back to planned (unschedule)")),
        ],
    )
    note = forms.CharField(
        max_length=limits.REASON,
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class AssignForm(forms.Form):
    professional = ProfessionalByRppsField(label=_("Professional (RPPS)"))
    add_to_care_team = forms.BooleanField(
        label=_("Add to the patient's care team if needed"), required=False
    )


class PhaseAdvanceForm(forms.Form):
    expected_phase = forms.CharField(max_length=100, widget=forms.HiddenInput)
    override_reason = forms.CharField(
        max_length=limits.REASON,
        label=_("Reason for moving on although criteria are not met (physicians only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PauseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=list(
            zip(
                PAUSE_REASONS,
                [_("Toxicity"), _("Hospitalisation"), _("Patient's request"), _("Other")],
                strict=True,
            )
        ),
    )
    note = forms.CharField(
        max_length=limits.REASON,
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResumeForm(forms.Form):
    note = forms.CharField(
        max_length=limits.REASON,
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EndForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            (value, label) for value, label in EndReason.choices if value != EndReason.COMPLETED
        ],
    )
    note = forms.CharField(
        max_length=limits.REASON,
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RefusalForm(forms.Form):
    template_code = forms.ChoiceField(label=_("Programme"))
    reason = forms.ChoiceField(label=_("Reason"), choices=RefusalReason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    recorded_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args: Any, templates: list[PathwayTemplate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template_code"].choices = [(t.code, t.title) for t in templates]  # type: ignore[attr-defined]


PERIODS = [
    ("today", _("Today")),
    ("week", _("This week")),
    ("next7", _("Next 7 days")),
    ("next30", _("Next 30 days")),
]


class WorklistFilterForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Show"),
        required=False,
        initial="mine",
        choices=[
            ("mine", _("For me (assigned to me or my role)")),
            ("organisation", _("In my organisation")),
            ("team", _("All my patients")),
        ],
    )
    period = forms.ChoiceField(label=_("Period"), required=False, initial="week", choices=PERIODS)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    place = forms.ChoiceField(
        label=_("Place"), required=False, choices=[("", _("All places")), *Place.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .templatetags.pathways import kind_label

        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [
            ("", _("All kinds")),
            *sorted((k, kind_label(k)) for k in ACTIVITY_KINDS),
        ]

    def period_bounds(self) -> tuple[dt.date, dt.date]:
        today = timezone.localdate()
        period = (
            self.cleaned_data.get("period") if self.is_bound and self.is_valid() else ""
        ) or "week"
        if period == "today":
            return today, today
        if period == "next7":
            return today, today + dt.timedelta(days=6)
        if period == "next30":
            return today, today + dt.timedelta(days=29)
        monday = today - dt.timedelta(days=today.weekday())
        return monday, monday + dt.timedelta(days=6)
