"""Django validators wrapping the pure identifier rules with translated, field-specific messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .rules import identifiers

_MESSAGES = {
    "finess": {
        "length": _("A FINESS number has exactly 9 characters."),
        "format": _("A FINESS number is 9 digits (2A/2B allowed for Corsica)."),
        "department": _("A FINESS number starts with a département code; 00 is not one."),
        "key": _("The FINESS check digit is wrong: please re-check the number."),
    },
    "rpps": {
        "length": _("An RPPS number has exactly 11 digits."),
        "format": _("An RPPS number contains digits only."),
        "key": _("The RPPS check digit is wrong: please re-check the number."),
    },
    "ins": {
        "length": _("An INS has 15 characters (13 + a 2-digit key)."),
        "format": _(
            "An INS starts with 1, 2, 3, 4, 7 or 8, followed by digits (2A/2B for Corsica)."
        ),
        "key": _("The INS key (last 2 digits) does not match the number."),
        "sex_mismatch": _(
            "The INS does not match the sex entered (first digit: 1 or 7 male, 2 or 8 female; "
            "7 and 8 are temporary numbers)."
        ),
        "birth_mismatch": _("The INS does not match the birth year and month."),
    },
}


def validate_finess(value: str) -> None:
    problem = identifiers.finess_problem(value)
    if problem:
        raise ValidationError(_MESSAGES["finess"][problem], code=f"finess_{problem}")


def validate_rpps(value: str) -> None:
    problem = identifiers.rpps_problem(value)
    if problem:
        raise ValidationError(_MESSAGES["rpps"][problem], code=f"rpps_{problem}")


def ins_message(problem: str) -> str:
    return str(_MESSAGES["ins"][problem])


def validate_ins(value: str) -> None:
    problem = identifiers.ins_problem(value)
    if problem:
        raise ValidationError(_MESSAGES["ins"][problem], code=f"ins_{problem}")
