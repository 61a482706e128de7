"""``display(instance, "field")``: what ``instance.get_field_display()`` gives, faster.

Django's ``get_FOO_display`` rebuilds a dictionary of the field's choices on each call, and
hashing each lazy label translates it: 10-45 µs per call (the care team's roles: 16 labels),
paid for every row of a list (issue 19). The dictionary is built here once per field and kept;
the labels stay lazy in it, so each call still gives the label in the active language.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Field, Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_labels: dict[Field, dict[Any, Any]] = {}


def display(instance: Model, field_name: str) -> Any:
    """``instance.get_<field_name>_display()`` (same value, same type)."""
    field = cast(Field, instance._meta.get_field(field_name))
    return label(type(instance), field_name, getattr(instance, field.attname))


def label(model: type[Model], field_name: str, value: Any) -> Any:
    """What ``get_<field_name>_display()`` gives for a row of ``model`` holding ``value`` (a
    value read with ``.values()``)."""
    field = cast(Field, model._meta.get_field(field_name))
    labels = _labels.get(field)
    if labels is None:
        labels = _labels[field] = {
            make_hashable(choice): text for choice, text in field.flatchoices
        }
    return force_str(labels.get(make_hashable(value), value), strings_only=True)
