"""The mapping tables of the mCODE import (``interop/data/mcode_import.json``, versioned and
sourced) and the pure readings of coded values they support. Unknown codes give ``None``: the
caller refuses or reports them, nothing is guessed."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from oncoparcours.patients.rules import staging

from .. import systems

DATA = Path(__file__).resolve().parent.parent / "data" / "mcode_import.json"
CANCERSTAGING = "http://cancerstaging.org"
ROMAN = {"0": "0", "1": "I", "2": "II", "3": "III", "4": "IV"}
# cancerstaging.org stage codes: an optional prefix (c, p, yc, yp, r…), the stage digit, then
# sub-group letters and digits ("c3A" → IIIA, "4" → IV). The prefix is returned to the caller,
# which refuses what the record cannot hold (y, r) or what contradicts the observation's code.
STAGE_CODE = re.compile(r"^(?P<prefix>[a-z]{1,2})?(?P<digit>[0-4])(?P<sub>[A-C]?[1-3]?|is|a)$")
# A TNM category with its prefix (c, p, yc, yp, rc, rp…), e.g. "cT3", "ypN1a", "M0".
# Sub-categories: letters a–e, digits, "mi", parenthesised suffixes ("(i+)", "(DCIS)", "(m)");
# a word going on ("Tissue", "Mission") is not a category.
CATEGORY = (
    r"(?P<prefix>[yr]?[cp]?)"
    r"(?P<value>[TNM](?:X|is|\d)(?:mi|[a-e]|\d|\([^()\s]*\))*)(?![A-Za-z])"
)
CATEGORY_CODE = re.compile(rf"^{CATEGORY}$")
# The same read from a coded display or a text, e.g. "American Joint Committee on Cancer cT3".
CATEGORY_IN_TEXT = re.compile(rf"\b{CATEGORY}")


@cache
def tables() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return loaded


def version() -> str:
    return str(tables()["version"])


def _lookup(table: str, coding: dict[str, Any]) -> Any:
    return tables()[table].get(coding.get("system", ""), {}).get(str(coding.get("code", "")))


def first_known(table: str, codings: list[dict[str, Any]]) -> Any:
    for coding in codings:
        found = _lookup(table, coding)
        if found is not None:
            return found
    return None


def stage_group(codings: list[dict[str, Any]]) -> tuple[str, str, str] | None:
    """(stage group in OncoParcours' notation — IIIA, IV…, prefix as sent — "c", "yp", "" …,
    code as sent) from our own stage-group code or a cancerstaging.org code, or None when no
    coding is read (free text alone is not trusted)."""
    for coding in codings:
        own = coding.get("system") == systems.OWN_STAGE_GROUP
        if own and staging.stage_ok(str(coding.get("code", ""))):
            return str(coding["code"]), "", str(coding["code"])
        if coding.get("system") != CANCERSTAGING:
            continue
        found = STAGE_CODE.match(str(coding.get("code", "")))
        if found:
            group = ROMAN[found.group("digit")] + found.group("sub")
            return group, found.group("prefix") or "", found.group(0)
    return None


def edition(codings: list[dict[str, Any]]) -> int | None:
    """The TNM edition of a staging system concept of the mapping table (SNOMED CT), if any."""
    found = first_known("tnm_editions", codings)
    return int(found) if found is not None else None


class Category(NamedTuple):
    value: str  # "T3", "N1a", "M0" (the record's notation, no prefix)
    prefix: str  # as sent: "c", "p", "yp", "r", "" …
    from_text: bool  # read from a display or a text, not from a code


def category_value(letter: str, codings: list[dict[str, Any]], text: str = "") -> Category | None:
    """A T, N or M category with its prefix: from our own category code, a cancerstaging.org
    code ("cT3") or a SNOMED CT AJCC category concept of the mapping table; only failing those,
    from the codings' displays or the text (``from_text``: the caller warns)."""
    for coding in codings:
        if coding.get("system") in (systems.OWN_TNM_CATEGORY, CANCERSTAGING):
            code = str(coding.get("code", ""))
        else:
            code = _lookup("tnm_category_values", coding) or ""
        found = CATEGORY_CODE.match(code)
        if found and found.group("value").startswith(letter):
            return Category(found.group("value"), found.group("prefix"), False)
    for candidate in [*(c.get("display", "") for c in codings), text]:
        for found in CATEGORY_IN_TEXT.finditer(candidate or ""):
            if found.group("value").startswith(letter):
                return Category(found.group("value"), found.group("prefix"), True)
    return None
