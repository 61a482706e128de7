"""The mapping tables of the mCODE import (``interop/data/mcode_import.json``, versioned and
sourced) and the pure readings of coded values they support. Unknown codes give ``None``: the
caller refuses or reports them, nothing is guessed."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from oncoparcours.patients.rules import staging

from .. import systems

DATA = Path(__file__).resolve().parent.parent / "data" / "mcode_import.json"
ROMAN = {"0": "0", "1": "I", "2": "II", "3": "III", "4": "IV"}
# cancerstaging.org stage codes: an optional prefix (c, p, yc, yp…), the stage digit, then
# sub-group letters and digits ("c3A" → IIIA, "4" → IV).
STAGE_CODE = re.compile(r"^(?:[a-z]{1,2})?([0-4])([A-C]?[1-3]?|is|a)$")
# A TNM category read from a coded display, e.g. "American Joint Committee on Cancer cT3".
CATEGORY_IN_TEXT = re.compile(r"\b(?:y?[cp])?([TNM](?:X|is|\d)[A-Za-z0-9()+-]*)")


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


def stage_group(codings: list[dict[str, Any]], text: str = "") -> str | None:
    """The stage group in OncoParcours' notation (IIIA, IV…) from our own stage-group code or a
    cancerstaging.org code, or None when no coding is read (free text alone is not trusted)."""
    for coding in codings:
        own = coding.get("system") == systems.OWN_STAGE_GROUP
        if own and staging.stage_ok(str(coding.get("code", ""))):
            return str(coding["code"])
        if coding.get("system") != "http://cancerstaging.org":
            continue
        found = STAGE_CODE.match(str(coding.get("code", "")))
        if found:
            return ROMAN[found.group(1)] + found.group(2)
    return None


def category_value(letter: str, codings: list[dict[str, Any]], text: str = "") -> str | None:
    """A T, N or M category ("T3", "N0", "M1a") read from the codings' displays or the text."""
    for candidate in [*(c.get("display", "") for c in codings), text]:
        for found in CATEGORY_IN_TEXT.finditer(candidate or ""):
            if found.group(1).startswith(letter):
                return found.group(1)
    return None
