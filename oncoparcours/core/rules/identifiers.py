"""Check French health identifiers: FINESS (establishments), RPPS (professionals), INS (patients).

Each ``*_problem`` function returns ``None`` for a valid value, else a short problem code that the
Django layer turns into a translated message. Sources:

* FINESS: 9 characters = département (2, "2A"/"2B" for Corsica, "97"/"98" + digit overseas),
  6-character order number, 1 Luhn check digit over the 9 digits (DREES, FINESS nomenclature).
  For Corsican numbers the letter convention of the key is not published in our sources, so their
  key is not verified (format only).
* RPPS: 11 digits, the last one a Luhn check digit (ANS, Répertoire Partagé des Professionnels
  de Santé).
* INS (NIR-based): 13 characters + 2-digit key = 97 - (number mod 97); for Corsica "2A" counts as
  19 and "2B" as 18 (INSEE). First digit = sex: 1 man, 2 woman; 7 (man) and 8 (woman) are
  temporary numbers (NIA, numéro identifiant d'attente) and are checked against the sex the same
  way; 3/4 (foreign-born persons in some registers) are accepted without a sex check — a point
  for the identity referent (docs/identity.md).
"""

from __future__ import annotations

import datetime as dt
import re


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(digits: str) -> str:
    """The digit to append to ``digits`` so that the whole passes the Luhn check."""
    for candidate in "0123456789":
        if luhn_is_valid(digits + candidate):
            return candidate
    raise AssertionError("unreachable")


FINESS_RE = re.compile(r"^(?:\d{2}|2[AB])[0-9]{7}$")


def normalise_identifier(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "").upper()


def finess_problem(value: str) -> str | None:
    value = normalise_identifier(value)
    if len(value) != 9:
        return "length"
    if not FINESS_RE.match(value):
        return "format"
    if value.startswith("00"):
        return "department"
    if value.startswith(("2A", "2B")):
        return None
    if not luhn_is_valid(value):
        return "key"
    return None


def rpps_problem(value: str) -> str | None:
    value = normalise_identifier(value)
    if len(value) != 11:
        return "length"
    if not value.isdigit():
        return "format"
    if not luhn_is_valid(value):
        return "key"
    return None


# The sex the first digit carries: NIR 1/2, temporary NIA 7/8 (INSEE). 3/4: not checked.
SEX_DIGITS = {"1": "M", "2": "F", "7": "M", "8": "F"}
INS_RE = re.compile(r"^([1-478])(\d{2})(\d{2})(\d{2}|2[AB])(\d{3})(\d{3})(\d{2})$")


def ins_key(first13: str) -> int:
    """The 2-digit key of a NIR/INS given its first 13 characters."""
    department = first13[5:7].upper()
    numeric = first13[:5] + {"2A": "19", "2B": "18"}.get(department, department) + first13[7:]
    return 97 - (int(numeric) % 97)


def ins_problem(
    value: str, *, sex: str | None = None, birth_date: dt.date | None = None
) -> str | None:
    """Check an INS; when ``sex`` ("F"/"M") or ``birth_date`` is given, check they agree."""
    value = normalise_identifier(value)
    if len(value) != 15:
        return "length"
    match = INS_RE.match(value)
    if not match:
        return "format"
    if int(match.group(7)) != ins_key(value[:13]):
        return "key"
    sex_digit, year, month = match.group(1), int(match.group(2)), int(match.group(3))
    carried = SEX_DIGITS.get(sex_digit)
    if sex in {"F", "M"} and carried is not None and carried != sex:
        return "sex_mismatch"
    born_elsewhere = birth_date is not None and (
        year != birth_date.year % 100 or month != birth_date.month
    )
    if born_elsewhere and 1 <= month <= 12:
        return "birth_mismatch"
    return None
