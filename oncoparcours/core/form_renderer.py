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
        return super().render(template_name, context, request)


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
