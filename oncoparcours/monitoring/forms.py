"""Report forms (the project's own wording, never PRO-CTCAE), alert actions, adverse events,
links and rule sets. Field names are the triage contract's observation keys, so the contract's
errors land on the right field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oncoparcours.core import fields as limits
from oncoparcours.directory.models import CARE_SITE_KINDS, Organisation
from oncoparcours.patients.forms import DateInput

from .labels import TERM_LABELS
from .models import AdverseAction, Attribution, Level, Outcome, ResolutionAction
from .services.adverse import TERMS

RADIO = forms.RadioSelect


def _optional_choice(label: Any, choices: list[tuple[str, Any]]) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, required=False, widget=RADIO)


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        max_length=limits.REASON,
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResolveForm(forms.Form):
    # No action chosen in advance: one click must never record advice or a visit not given.
    action = forms.ChoiceField(
        label=_("What was done"), choices=[("", "—"), *ResolutionAction.choices]
    )
    note = forms.CharField(
        max_length=limits.REASON,
        label=_("Details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
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
        max_length=limits.REASON,
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
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
    note = forms.CharField(max_length=limits.REASON, label=_("Note"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = Organisation.objects.filter(kind__in=CARE_SITE_KINDS).order_by(
            "name"
        )


class ValidationForm(forms.Form):
    note = forms.CharField(
        max_length=limits.REASON,
        label=_("Validation note"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
