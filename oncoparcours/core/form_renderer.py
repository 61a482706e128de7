"""The form renderer: Django's templates, with a French placeholder for an empty choice.

Django writes "---------" for the empty choice of a select (model fields with choices,
``ModelChoiceField``): meaningless to a user and read out as dashes by screen readers. Every
form of every app (the admin included) is rendered through this renderer, which names the
empty choice instead: "— choisir —" when an answer is required, "Non renseigné" when the
field may stay empty (docs/french-writing.md)."""

from __future__ import annotations

from typing import Any

from django.forms.models import ModelChoiceIteratorValue
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData
from django.utils.translation import gettext as _

from .french import sort_key

DJANGO_BLANK = "---------"


def empty_choice_label(*, required: bool) -> str:
    return _("— choose —") if required else _("Not specified")


class FrenchFormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if isinstance(widget, dict) and "optgroups" in widget:
            label = empty_choice_label(required=bool(widget.get("required")))
            for _group, options, _index in widget["optgroups"]:
                for option in options:
                    if str(option.get("label")) == DJANGO_BLANK:
                        option["label"] = label
            if _sorted_by_name(widget["optgroups"]):
                widget["optgroups"] = _sort_by_name(widget["optgroups"])
            if template_name == SELECT and _plain_options(widget["optgroups"]):
                return render_select(widget)
        return super().render(template_name, context, request)


# Django's own select templates, written out in Python: the template way includes a template per
# option, which costs more than the rest of a page whose select lists a hundred centres (issue
# 19). The output is byte for byte the templates' (tests/test_form_renderer.py compares them).
SELECT = "django/forms/widgets/select.html"
SELECT_OPTION = "django/forms/widgets/select_option.html"


def _plain_options(optgroups: list) -> bool:
    return all(
        option.get("template_name") == SELECT_OPTION
        for _group, options, _index in optgroups
        for option in options
    )


def _text(value: Any, context: Context) -> str:
    """``{{ value }}`` in a template: localised, then escaped unless safe."""
    return str(render_value_in_context(value, context))


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: the value as text, escaped unless it was safe."""
    text = str(value)  # "%s" % value, tuples included (Django formats them with str())
    return text if isinstance(value, SafeData) else str(conditional_escape(text))


def _attrs(attrs: dict[str, Any], context: Context) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(" " + _text(name, context))
        if value is not True:
            parts.append(f'="{_formatted(value)}"')
    return "".join(parts)


def render_select(widget: dict[str, Any]) -> str:
    """``django/forms/widgets/select.html`` with its ``select_option.html`` for each option."""
    context = Context()
    parts = [f'<select name="{_text(widget["name"], context)}"{_attrs(widget["attrs"], context)}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name, context)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"'
                f"{_attrs(option['attrs'], context)}>{_text(option['label'], context)}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")  # the renderer strips the template's last newline
    return "".join(parts)


def _instances(optgroups: list) -> list[Any]:
    return [
        option["value"].instance  # type: ignore[attr-defined]
        for _group, options, _index in optgroups
        for option in options
        if isinstance(option["value"], ModelChoiceIteratorValue)
    ]


def _sorted_by_name(optgroups: list) -> bool:
    instances = _instances(optgroups)
    return bool(instances) and all(
        getattr(instance, "sort_choices_by_name", False) for instance in instances
    )


def _sort_by_name(optgroups: list) -> list:
    """The empty choice first, then the options in French alphabetical order of their labels."""
    empty = [g for g in optgroups if g[0] is None and all(o["value"] == "" for o in g[1])]
    rest = [g for g in optgroups if g not in empty]
    if any(group_name is not None for group_name, _options, _index in rest):
        return optgroups  # grouped choices keep the form's order
    rest.sort(key=lambda g: sort_key(str(g[1][0]["label"])))
    return [(name, options, index) for index, (name, options, _i) in enumerate(empty + rest)]
