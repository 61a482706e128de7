"""Number fields that accept the French decimal comma ("38,6") as well as a point ("38.6"),
whatever the interface language, and spaces between thousands ("1 250,5"). Every decimal number
typed in a form goes through these (``core/tests/test_number_fields.py`` walks the forms).

Django's ``localize=True`` is not enough: it accepts the comma only while French is active, and
in English it would read "1,250" as 1250."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import get_language

DECIMAL_ATTRS = {"inputmode": "decimal", "autocomplete": "off"}
SPACES = (" ", "\u00a0", "\u202f")  # space, no-break space, narrow no-break space (French)


def normalise_decimal(value: Any) -> Any:
    """ "38,6" → "38.6"; text with both a comma and a point, or several commas, is left as
    typed so the field refuses it (never guess which one was meant)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    for space in SPACES:
        text = text.replace(space, "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    return text


class DecimalCommaMixin:
    def to_python(self, value: Any) -> Any:
        return super().to_python(normalise_decimal(value))  # type: ignore[misc]

    def prepare_value(self, value: Any) -> Any:
        """A stored number shown back with a decimal comma in French ("45,75", never
        "45.75"); what the user typed is shown as typed."""
        value = super().prepare_value(value)  # type: ignore[misc]
        if isinstance(value, float | Decimal) and not isinstance(value, bool):
            text = format(value, "f") if isinstance(value, Decimal) else repr(value)
            if "e" in text.lower():
                text = format(value, "f")
            return text.replace(".", ",") if (get_language() or "fr").startswith("fr") else text
        return value


class FrenchFloatField(DecimalCommaMixin, forms.FloatField):
    widget = forms.TextInput(attrs=DECIMAL_ATTRS)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # No HTML min/max/step on a text input: the server names the field and the range.
        return {}


class FrenchDecimalField(DecimalCommaMixin, forms.DecimalField):
    widget = forms.TextInput(attrs=DECIMAL_ATTRS)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {}
