"""Portal forms: login by code, messages, caregiver invitation and rights, portal accounts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ContactChannel, Right


class AddressForm(forms.Form):
    address = forms.CharField(
        label=_("Your e-mail address or mobile phone number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "email"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code you received"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )


def attachment_field() -> forms.FileField:
    return forms.FileField(
        label=_("Attached file (optional)"),
        help_text=_("A PDF document or a JPEG or PNG photo, 10 MB at most."),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class ThreadForm(forms.Form):
    field_order = ["subject", "body", "attachment", "private"]
    attachment = attachment_field()
    subject = forms.CharField(label=_("Subject"), max_length=120)
    body = forms.CharField(
        label=_("Your message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    private = forms.BooleanField(
        label=_("Keep this conversation from my relatives"),
        help_text=_("Your relatives who have access to your messages will not see it."),
        required=False,
    )

    def __init__(self, *args: Any, patient: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not patient:  # only the patient keeps a conversation from the relatives
            del self.fields["private"]


class PrivacyForm(forms.Form):
    private = forms.BooleanField(required=False, widget=forms.HiddenInput)


class MessageForm(forms.Form):
    field_order = ["body", "attachment"]
    attachment = attachment_field()
    body = forms.CharField(
        label=_("Your message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ReplyForm(forms.Form):
    field_order = ["body", "attachment"]
    attachment = attachment_field()
    body = forms.CharField(
        label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )


class RightsForm(forms.Form):
    rights = forms.MultipleChoiceField(
        label=_("What this person may do"),
        choices=Right.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class _AddressFields(forms.Form):
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Mobile phone"), required=False, max_length=20)
    channel = forms.ChoiceField(
        label=_("Send the login code by"), choices=ContactChannel.choices, widget=forms.RadioSelect
    )


class CaregiverForm(RightsForm, _AddressFields):
    display_name = forms.CharField(label=_("Name of the relative"), max_length=150)
    relationship = forms.CharField(
        label=_("Relationship (spouse, daughter, friend…)"), max_length=80, required=False
    )
    field_order = ["display_name", "relationship", "email", "phone", "channel", "rights"]


class PatientCaregiverForm(CaregiverForm):
    agree = forms.BooleanField(
        label=_(
            "I agree that this person sees what I chose above and can act for me. I can "
            "withdraw this access at any time."
        )
    )


class StaffCaregiverForm(CaregiverForm):
    consent_on = forms.DateField(
        label=_("Date on which the patient agreed"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    consent_note = forms.CharField(
        label=_("How the patient agreed (consultation, signed form…)"), max_length=250
    )

    def clean_consent_on(self) -> Any:
        value = self.cleaned_data["consent_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The consent date cannot be in the future."))
        return value


class PatientAccountForm(_AddressFields):
    pass
