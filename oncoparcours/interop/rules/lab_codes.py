"""The laboratory mapping table (``interop/data/lab_codes.json``, versioned and sourced): which
stored lab values become Observations, with their LOINC code (or our own code, and why, when
LOINC has none for what is stored) and UCUM unit. Pure: reads the data file only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "lab_codes.json"


@dataclass(frozen=True)
class Lab:
    key: str  # the key in Report.observations ("" for the EFS haemoglobin)
    slug: str
    loinc: str | None
    display: str
    unit: str
    ucum: str


@cache
def _table() -> dict[str, object]:
    loaded: dict[str, object] = json.loads(DATA.read_text(encoding="utf-8"))
    return loaded


def version() -> str:
    return str(_table()["version"])


@cache
def report_labs() -> tuple[Lab, ...]:
    rows = _table()["report_labs"]
    assert isinstance(rows, list)
    return tuple(
        Lab(row["key"], row["slug"], row["loinc"], row["display"], row["unit"], row["ucum"])
        for row in rows
    )


@cache
def haemoglobin() -> Lab:
    row = _table()["haemoglobin"]
    assert isinstance(row, dict)
    return Lab("", "efs-hb", row["loinc"], row["display"], row["unit"], row["ucum"])
