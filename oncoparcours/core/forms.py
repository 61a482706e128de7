"""Helpers joining forms and services: service refusals shown on the form, field by field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from .errors import ApplicationError


def add_application_error(form: forms.BaseForm, error: ApplicationError) -> None:
    """Attach a service refusal to the form: per-field messages where the field exists."""
    if not error.errors:
        form.add_error(None, error.message)
        return
    for field, messages in error.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(
                target,
                message if target else f"{field} : {message}" if field != "__all__" else message,
            )


def application_error_from_validation(error: ValidationError) -> ApplicationError:
    """Turn a model ``full_clean`` error into an ApplicationError naming each field."""
    if hasattr(error, "error_dict"):
        errors = {
            ("__all__" if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in error.message_dict.items()
        }
        first_field, first_messages = next(iter(errors.items()))
        return ApplicationError(
            first_messages[0],
            errors=errors,
            field=None if first_field == "__all__" else first_field,
        )
    return ApplicationError("; ".join(str(m) for m in error.messages))
