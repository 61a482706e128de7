"""Every free-text field has a length limit: in the database (CharField max_length, or a
BoundedTextField's CHECK) and in every form (CharField max_length)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.utils import timezone

import oncoparcours
from oncoparcours.core.fields import BoundedTextField
from oncoparcours.testing.factories import PatientFactory

# Model fields without a limit, and why. Keep it short and reasoned.
UNBOUNDED_MODEL_FIELDS: dict[str, str] = {
    # Django's own tables (sessions, admin log, task results): not fed by our forms.
}
DJANGO_APPS = {"admin", "auth", "contenttypes", "sessions", "django_tasks_database"}
# Form fields without a limit, and why.
UNBOUNDED_FORM_FIELDS: dict[str, str] = {
    "oncoparcours.core.auth.forms.LockoutAuthenticationForm.password": (
        "Django's login password field: never stored (hashed), bounded by the request body "
        "limit (DATA_UPLOAD_MAX_MEMORY_SIZE); the login form belongs to the authentication work"
    ),
}
# Fields whose type bounds them (a UUID is 36 characters at most, checked by its format).
BOUNDED_BY_TYPE = (forms.UUIDField,)


def _project_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m._meta.app_label not in DJANGO_APPS]


def test_every_model_text_field_is_bounded_in_the_database():
    unbounded = []
    for model in _project_models():
        for field in model._meta.concrete_fields:
            name = f"{model._meta.label}.{field.name}"
            if name in UNBOUNDED_MODEL_FIELDS:
                continue
            if isinstance(field, models.TextField):
                if not isinstance(field, BoundedTextField):
                    unbounded.append(name)
            elif isinstance(field, models.CharField) and not field.max_length:
                unbounded.append(name)
    assert unbounded == []


def _form_modules() -> None:
    """Import every module of the package (not tests, migrations or entry points), so that every
    form class exists whatever the tests ran before."""
    for info in pkgutil.walk_packages(oncoparcours.__path__, "oncoparcours."):
        parts = info.name.split(".")
        if {"tests", "migrations", "testing"} & set(parts) or parts[-1] in {"wsgi", "cli"}:
            continue
        importlib.import_module(info.name)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def test_every_form_text_field_is_bounded():
    _form_modules()
    unbounded = []
    for form in _subclasses(forms.BaseForm):
        if not form.__module__.startswith("oncoparcours."):
            continue
        for name, field in getattr(form, "base_fields", {}).items():
            label = f"{form.__module__}.{form.__qualname__}.{name}"
            if label in UNBOUNDED_FORM_FIELDS:
                continue
            if isinstance(field, BOUNDED_BY_TYPE):
                continue
            if isinstance(field, forms.CharField) and not field.max_length:
                unbounded.append(label)
    assert sorted(unbounded) == []


@pytest.mark.django_db
def test_the_database_refuses_text_over_the_limit(clinician):
    from oncoparcours.patients.models import BreakGlassAccess

    limit = BreakGlassAccess._meta.get_field("reason").max_length
    access = BreakGlassAccess.objects.create(
        user=clinician.user,
        patient=PatientFactory(),
        reason="Urgence vitale",
        expires_at=timezone.now(),
    )
    BreakGlassAccess.objects.filter(pk=access.pk).update(reason="x" * limit)
    with pytest.raises(IntegrityError), transaction.atomic():
        BreakGlassAccess.objects.filter(pk=access.pk).update(reason="x" * (limit + 1))
