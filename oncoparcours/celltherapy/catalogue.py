"""The configurable lists of this app, read from versioned data files: CAR-T products and their
manufacturers, the eligibility checklist, and EFS procedure types."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import get_language

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Product:
    code: str
    inn: str
    brand: str
    manufacturer: str
    coi_prefix: str
    indications: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.inn} ({self.brand})"


@dataclass(frozen=True)
class Procedure:
    code: str
    fr: str
    en: str
    minutes: int
    machine: str
    staff: int
    activities: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.en if (get_language() or "fr").startswith("en") else self.fr

    def __str__(self) -> str:
        return self.label


@cache
def _load(name: str) -> dict[str, Any]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def products() -> list[Product]:
    return [
        Product(
            p["code"],
            p["inn"],
            p["brand"],
            p["manufacturer"],
            p["coi_prefix"],
            tuple(p.get("indications_fr", [])),
        )
        for p in _load("products.yaml")["products"]
    ]


def product(code: str) -> Product | None:
    return next((p for p in products() if p.code == code), None)


def manufacturers() -> list[str]:
    return sorted({p.manufacturer for p in products()})


def eligibility_items() -> list[tuple[str, str]]:
    english = (get_language() or "fr").startswith("en")
    return [
        (item["id"], item["en"] if english else item["fr"])
        for item in _load("products.yaml")["eligibility"]
    ]


def procedures() -> list[Procedure]:
    return [
        Procedure(**{**p, "activities": tuple(p.get("activities", ()))})
        for p in _load("procedures.yaml")["procedures"]
    ]


def procedure_for_activity(template_activity: str) -> Procedure | None:
    return next((p for p in procedures() if template_activity in p.activities), None)


def procedure(code: str) -> Procedure | None:
    return next((p for p in procedures() if p.code == code), None)


def sources() -> dict[str, str]:
    return {
        name: f"{_load(name)['source']} (version {_load(name)['version']})"
        for name in ("products.yaml", "procedures.yaml")
    }
