"""Read-only access to the versioned referential data files shipped with the app (cached)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .rules import accreditation, icd10

DATA_DIR = Path(__file__).resolve().parent / "data"


def load_yaml(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    region_code: str
    latitude: float
    longitude: float
    time_zone: str
    postcode_prefix: str = ""  # how its postcodes start (the code itself unless given)


@cache
def geography() -> dict[str, Any]:
    return load_yaml("geography.yaml")


@cache
def departements() -> dict[str, Departement]:
    result = {}
    for code, row in geography()["departements"].items():
        name, region, lat, lon, *rest = row
        default_prefix = "20" if str(code) in ("2A", "2B") else str(code)
        result[str(code)] = Departement(
            code=str(code),
            name=name,
            region_code=str(region or ""),
            latitude=float(lat),
            longitude=float(lon),
            time_zone=rest[0] if rest else "Europe/Paris",
            postcode_prefix=str(rest[1]) if len(rest) > 1 else default_prefix,
        )
    return result


@cache
def regions() -> dict[str, dict[str, Any]]:
    return {str(code): row for code, row in geography()["regions"].items()}


def departement_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} — {d.name}") for code, d in sorted(departements().items())]


def region_choices() -> list[tuple[str, str]]:
    return sorted(((code, row["name"]) for code, row in regions().items()), key=lambda c: c[1])


@cache
def icd10_referential() -> dict[str, Any]:
    return load_yaml("icd10-oncology.yaml")


def icd10_problem(code: str) -> str | None:
    """None when ``code`` is a known oncology ICD-10 code, else a problem code."""
    try:
        letter, number, sub = icd10.parse(code)
    except ValueError:
        return "format"
    category = f"{letter}{number:02d}"
    entry = icd10_referential()["categories"].get(category)
    if entry is None:
        return "unknown"
    subdivisions = entry[1]
    if sub is not None and (sub > 9 or str(sub) not in subdivisions):
        return "unknown_subdivision"
    return None


def icd10_label(code: str) -> str:
    try:
        entry = icd10_referential()["categories"].get(icd10.category(code))
    except ValueError:
        return ""
    return entry[0] if entry else ""


@cache
def networks_file() -> dict[str, Any]:
    return load_yaml("networks.yaml")


@cache
def qualifications_file() -> dict[str, Any]:
    return load_yaml("qualifications.yaml")


@cache
def accreditation_cycles_file() -> dict[str, Any]:
    return load_yaml("accreditation_cycles.yaml")


@cache
def accreditation_cycles() -> dict[str, accreditation.Cycle]:
    return accreditation.parse(accreditation_cycles_file())
