"""Selects written out in Python (issue 19): byte for byte what Django's select templates write,
for every select of every form of the project and for the awkward cases (groups, several
selected, disabled options, characters to escape, safe and lazy labels, numbers)."""

from __future__ import annotations

import copy

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from oncoparcours.core.form_renderer import SELECT, render_select
from oncoparcours.directory.models import Organisation

from .test_field_limits import _form_modules, _subclasses

pytestmark = pytest.mark.django_db

TEMPLATES = DjangoTemplates()


def by_templates(widget: forms.Widget, name: str, value: object, attrs: dict | None = None) -> str:
    context = widget.get_context(name, value, attrs)
    return TEMPLATES.render(SELECT, context)


def in_python(widget: forms.Widget, name: str, value: object, attrs: dict | None = None) -> str:
    context = widget.get_context(name, value, attrs)
    return render_select(copy.deepcopy(context["widget"]))


def test_every_select_of_the_project_is_written_as_the_templates_write_it():
    _form_modules()
    compared = 0
    with translation.override("fr"):
        for form in _subclasses(forms.BaseForm):
            if not form.__module__.startswith("oncoparcours."):
                continue
            for name, field in getattr(form, "base_fields", {}).items():
                widget = field.widget
                if getattr(widget, "template_name", "") != SELECT:
                    continue
                first = next((value for value, _label in field.choices if value != ""), None)
                for value in (None, first):
                    attrs = {"id": f"id_{name}", "required": field.required}
                    assert in_python(widget, name, value, attrs) == by_templates(
                        widget, name, value, attrs
                    ), f"{form.__module__}.{form.__qualname__}.{name}"
                    compared += 1
    assert compared > 100


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (
            forms.Select(
                choices=[
                    ("", "—"),
                    ("Fruits <&>", [("a&b", 'Apple "green"'), ("b", mark_safe("<b>Banana</b>"))]),
                    (3, 1234567),
                    ("lazy", gettext_lazy("Centre")),
                ],
                attrs={"class": "x", "data-q": "a\"b'c<d>", "hidden": True, "disabled": False},
            ),
            "a&b",
        ),
        (forms.SelectMultiple(choices=[("1", "un"), ("2", "deux"), ("3", "trois")]), ["1", "3"]),
        (forms.NullBooleanSelect(), True),
        (forms.Select(choices=[]), None),
    ],
)
def test_awkward_selects_are_written_as_the_templates_write_them(widget, value):
    with translation.override("fr"):
        assert in_python(widget, "choice", value, {"id": "id_choice"}) == by_templates(
            widget, "choice", value, {"id": "id_choice"}
        )


def test_the_project_renderer_uses_it_and_keeps_the_french_empty_choice():
    Organisation.objects.create(name="Hôpital <Sud>", kind="chu")
    field = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False)
    with translation.override("fr"):
        html = field.widget.render("centre", None, renderer=get_default_renderer())
    assert '<option value="" selected>Non renseigné</option>' in html
    assert ">Hôpital &lt;Sud&gt;</option>" in html
