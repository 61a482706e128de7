"""Identity traits on entry (pure): names as the RNIV wants them, birth place code, French
postcode and phone number. Each ``*_problem`` returns ``None`` when valid, else a short code the
Django layer turns into a translated message naming the field. Sources and the reasons for each
rule: docs/identity.md.

* Names (RNIV 1, "Identification primaire", § traits stricts): birth name(s), birth first names,
  used name and used first name are kept in capital letters without diacritics; only A–Z, space,
  hyphen and apostrophe are allowed ("--" separates the two parts of a double birth name).
  Accents and ligatures are normalised ("Hélène" → "HELENE", "Œ" → "OE"); digits and any other
  sign are refused.
* Birth place (INSEE, Code officiel géographique): a commune code of 5 characters — département
  01–95 or 2A/2B (20 before 1976) + 3 digits, overseas 971–978 / 984–989 + 2 digits — or 99 + the
  country code for a birth abroad (99999: unknown).
* Postcode (La Poste): 5 digits; 01–95 (Corsica 20), overseas 971–976, 98x (Monaco, Pacific).
* Phone (ARCEP national numbering plan): 10 digits starting 0[1-9], or international forms
  +33 / +590 / +594 / +596 / +262 followed by 9 digits; stored in E.164 (``+33612345678``).
  Overseas numbers dialled nationally get their overseas country code (0590/0690/0691 → +590,
  0596/0696/0697 → +596, 0594/0694 → +594, 0262/0692/0693/0269/0639 → +262: Mayotte has used
  +262 since 2007; +269 is now the Comoros' code and is refused).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_LIGATURES = {"Œ": "OE", "Æ": "AE", "ß": "SS", "’": "'", "ʼ": "'", "`": "'", "‐": "-", "–": "-"}
NAME_RE = re.compile(r"^[A-Z]+(?:(?: |-|--|')[A-Z]+)*$")


def normalise_name(value: str) -> str:
    """Capital letters without diacritics, single spaces, typographic apostrophes made plain."""
    text = " ".join((value or "").split()).upper()
    text = "".join(_LIGATURES.get(char, char) for char in text)
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r" ?(--|-|') ?", r"\1", text)


def name_problem(normalised: str) -> str | None:
    """Check a name already passed through ``normalise_name``."""
    if not normalised:
        return "empty"
    if any(char.isdigit() for char in normalised):
        return "digit"
    if re.search(r"[^A-Z '\-]", normalised):
        return "character"
    if not NAME_RE.match(normalised):
        return "separator"
    return None


def first_first_name(first_names: str) -> str:
    """The "premier prénom": the first of the space-separated birth first names (shown and
    exported; the duplicate search compares every first name, see ``first_name_keys``)."""
    parts = normalise_name(first_names).split(" ")
    return parts[0] if parts else ""


# --- likely duplicates (RNIV: recherche d'antériorité) ------------------------------------------
# The search must not miss a record because of how a name was written: names are compared
# compacted (no accents, case, spaces, hyphens or apostrophes; "ST"/"STE" read "SAINT"/"SAINTE"),
# on their first HOMONYM_PREFIX letters, birth and used names both ways, every first name of the
# list. Safer reading: more candidates shown, never fewer (docs/identity.md).

HOMONYM_PREFIX = 3
_ABBREVIATIONS = {"ST": "SAINT", "STE": "SAINTE"}
_PARTICLES = frozenset({"D", "DA", "DE", "DEL", "DELA", "DES", "DI", "DU", "L", "LA", "LE", "LES"})
_SEPARATORS = re.compile(r"[\s'\-]+")


def _words(value: str) -> list[str]:
    words = _SEPARATORS.split(normalise_name(value))
    return [_ABBREVIATIONS.get(word, word) for word in words if word]


def last_name_keys(value: str) -> set[str]:
    """How a family name may have been written elsewhere: compacted, without its leading
    particles ("DE LA FONTAINE" → "FONTAINE") and each part of a double name ("A--B")."""
    keys = {"".join(_words(value))}
    words = _words(value)
    while len(words) > 1 and words[0] in _PARTICLES:
        words = words[1:]
    keys.add("".join(words))
    keys.update("".join(_words(part)) for part in normalise_name(value).split("--"))
    return {key for key in keys if key}


def first_name_keys(value: str) -> set[str]:
    """Every first name of the list (parts of a compound one included) and the list compacted:
    "JEAN-PIERRE" and "JEAN PIERRE MARIE" share "JEAN"."""
    words = _words(value)
    return {*words, "".join(words)} - {""}


@dataclass(frozen=True)
class IdentityNames:
    """The names a duplicate search compares: birth and used names, birth and used first names."""

    last: frozenset[str]
    first: frozenset[str]


def identity_names(
    *, birth_last_name: str, first_names: str, used_last_name: str = "", used_first_name: str = ""
) -> IdentityNames:
    return IdentityNames(
        frozenset(last_name_keys(birth_last_name) | last_name_keys(used_last_name)),
        frozenset(first_name_keys(first_names) | first_name_keys(used_first_name)),
    )


def _close(keys: frozenset[str], others: frozenset[str]) -> bool:
    return any(a[:HOMONYM_PREFIX] == b[:HOMONYM_PREFIX] for a in keys for b in others)


def may_be_the_same_person(one: IdentityNames, other: IdentityNames) -> bool:
    """Two identities born the same day are shown as possible duplicates when a family name of
    each (birth or used) and a first name of each start with the same letters."""
    return _close(one.last, other.last) and _close(one.first, other.first)


BIRTH_PLACE_RE = re.compile(
    r"^(?:(?:0[1-9]|[1-8]\d|9[0-5]|2[AB])\d{3}|97[1-8]\d{2}|98[4-9]\d{2}|99\d{3})$"
)


def normalise_code(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def birth_place_problem(code: str) -> str | None:
    if len(code) != 5:
        return "length"
    if not BIRTH_PLACE_RE.match(code):
        return "format"
    return None


POSTCODE_RE = re.compile(r"^(?:(?:0[1-9]|[1-8]\d|9[0-5])\d{3}|97[1-6]\d{2}|98\d{3})$")


def postcode_problem(code: str) -> str | None:
    if len(code) != 5 or not code.isdigit():
        return "format"
    if not POSTCODE_RE.match(code):
        return "area"
    return None


# Overseas prefixes dialled nationally (0 + these 3 digits) and their country code.
OVERSEAS_PREFIXES = {
    "590": "590",
    "690": "590",
    "691": "590",
    "596": "596",
    "696": "596",
    "697": "596",
    "594": "594",
    "694": "594",
    "262": "262",
    "692": "262",
    "693": "262",
    "269": "262",
    "639": "262",
}
COUNTRY_CODES = ("33", "590", "594", "596", "262")


def phone_e164(value: str) -> tuple[str, str | None]:
    """(E.164 number, None) for a valid French number, else ("", problem code)."""
    digits = re.sub(r"[\s.\-/()]", "", value or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+"):
        if digits.startswith("+269"):
            return "", "comoros"
        for code in COUNTRY_CODES:
            rest = digits[1 + len(code) :]
            if digits.startswith("+" + code) and re.fullmatch(r"0?[1-9]\d{8}", rest):
                return f"+{code}{rest[-9:]}", None
        return "", "international"
    if not re.fullmatch(r"0[1-9]\d{8}", digits):
        return "", "national"
    national = digits[1:]
    return f"+{OVERSEAS_PREFIXES.get(national[:3], '33')}{national}", None
