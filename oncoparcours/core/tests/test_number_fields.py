"""Every decimal number field of every form accepts the French decimal comma, whatever the
interface language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from oncoparcours.core.number_fields import (
    DecimalCommaMixin,
    FrenchDecimalField,
    FrenchFloatField,
)

from .test_field_limits import _form_modules, _subclasses


def test_every_decimal_form_field_accepts_the_comma():
    _form_modules()
    plain = sorted(
        f"{form.__module__}.{form.__qualname__}.{name}"
        for form in _subclasses(forms.BaseForm)
        if form.__module__.startswith("oncoparcours.")
        for name, field in getattr(form, "base_fields", {}).items()
        if isinstance(field, forms.FloatField | forms.DecimalField)
        and not isinstance(field, DecimalCommaMixin)
    )
    assert plain == []


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    ("typed", "expected"),
    [("38,6", 38.6), ("38.6", 38.6), (" -150,5 ", -150.5), ("1\u202f250,5", 1250.5)],
)
def test_comma_and_point_read_the_same_in_both_languages(language, typed, expected):
    with translation.override(language):
        assert FrenchFloatField().clean(typed) == expected
        assert FrenchDecimalField(decimal_places=2).clean(typed) == Decimal(str(expected))


@pytest.mark.parametrize("typed", ["1,250.5", "38,6,1", "trente-huit"])
def test_ambiguous_numbers_are_refused_not_guessed(typed):
    with pytest.raises(forms.ValidationError):
        FrenchFloatField().clean(typed)


@pytest.mark.parametrize(
    ("language", "stored", "shown"),
    [
        ("fr", 45.75, "45,75"),
        ("fr", Decimal("38.60"), "38,60"),
        ("fr", 4.0, "4,0"),
        ("en", 45.75, "45.75"),
        ("fr", "45,75", "45,75"),  # typed text comes back as typed
    ],
)
def test_a_stored_number_is_shown_back_with_a_comma_in_french(language, stored, shown):
    class Form(forms.Form):
        latitude = FrenchFloatField(required=False)
        dose = FrenchDecimalField(required=False)

    key = "dose" if isinstance(stored, Decimal) else "latitude"
    with translation.override(language):
        html = str(Form(initial={key: stored})[key])
    assert f'value="{shown}"' in html


def test_french_phone_numbers_are_shown_french_style():
    from oncoparcours.core.french import phone

    assert phone("+33600000001") == "06 00 00 00 01"
    assert phone("+590590123456") == "05 90 12 34 56"
    assert phone("+262692123456") == "06 92 12 34 56"
    assert phone("+4915112345678") == "+4915112345678"  # not French: as stored
    assert phone("") == ""
