"""Identity traits on entry: normalise and check what a user typed (rules/identity.py), with
translated messages naming the field. Used by the patient services on creation and on every
change of a trait (records entered before these checks are not rewritten behind anyone's back)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from .models import Patient
from .rules import identity as rules

NAME_FIELDS = ("birth_last_name", "first_names", "used_last_name", "used_first_name")
CHECKED_FIELDS = (*NAME_FIELDS, "birth_place_code", "postcode", "phone")
# Fields that must be usable for a duplicate search, and every field whose change may make the
# patient a possible duplicate of another one (the used names are compared too).
HOMONYM_KEYS = ("birth_last_name", "first_names", "birth_date")
HOMONYM_TRIGGERS = (*HOMONYM_KEYS, "used_last_name", "used_first_name")

_NAME_MESSAGES = {
    "empty": _("This name is required."),
    "digit": _("A name cannot contain digits (RNIV: letters, space, hyphen, apostrophe only)."),
    "character": _(
        "Only letters, spaces, hyphens and apostrophes are allowed in a name (RNIV); "
        "accents are removed for you."
    ),
    "separator": _(
        "A name starts and ends with a letter; a space, hyphen or apostrophe stands between "
        "two letters."
    ),
}
_MESSAGES = {
    "birth_place_code": {
        "length": _("A birth place code has 5 characters (INSEE commune code, e.g. 75056)."),
        "format": _(
            "Not an INSEE commune code: 2 digits (2A/2B for Corsica) + 3 digits, 971xx–978xx "
            "overseas, or 99 + the country code for a birth abroad (e.g. 99134)."
        ),
    },
    "postcode": {
        "format": _("A French postcode has 5 digits (e.g. 37000)."),
        "area": _("Not a French postcode: 01000–95999, 971xx–976xx overseas or 98xxx."),
    },
    "phone": {
        "national": _("A French phone number has 10 digits starting with 0 (06 12 34 56 78)."),
        "international": _(
            "Give a French number: +33, +590, +594, +596 or +262 followed by 9 digits."
        ),
        "comoros": _(
            "+269 is the Comoros' code: Mayotte numbers start with +262 (e.g. +262 269 61 23 45)."
        ),
    },
}


def trait_problem(field: str, value: str) -> tuple[str, str | None]:
    """(normalised value, translated message or None) for one trait as typed."""
    value = value or ""
    problem = None
    if field in NAME_FIELDS:
        value = rules.normalise_name(value)
        required = field in {"birth_last_name", "first_names"}
        problem = rules.name_problem(value) if value or required else None
        message = _NAME_MESSAGES.get(problem or "")
    elif field == "phone":
        value, problem = rules.phone_e164(value) if value.strip() else ("", None)
        message = _MESSAGES["phone"].get(problem or "")
    else:
        value = rules.normalise_code(value)
        check = {
            "birth_place_code": rules.birth_place_problem,
            "postcode": rules.postcode_problem,
        }[field]
        problem = check(value) if value else None
        message = _MESSAGES[field].get(problem or "")
    return value, (str(message) if problem and message else None)


def check_traits(patient: Patient, fields: Iterable[str]) -> dict[str, list[str]]:
    """Normalise the given trait fields of ``patient`` in place; return errors by field."""
    errors: dict[str, list[str]] = {}
    for field in fields:
        if field not in CHECKED_FIELDS:
            continue
        value, message = trait_problem(field, getattr(patient, field) or "")
        if message:
            errors[field] = [message]
        else:
            setattr(patient, field, value)
    return errors


def homonym_names(patient: Patient) -> rules.IdentityNames:
    """The names of ``patient`` a duplicate search compares (rules/identity.py)."""
    return rules.identity_names(
        birth_last_name=patient.birth_last_name,
        first_names=patient.first_names,
        used_last_name=patient.used_last_name or "",
        used_first_name=patient.used_first_name or "",
    )
