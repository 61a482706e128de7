"""The configurable lists of this app, read from versioned data files: CAR-T products and their
manufacturers with the monitoring and safety values of their labels, the eligibility checklist,
the drugs of a CRS/ICANS episode, EFS procedure types and their haemoglobin gates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .rules import safety

DATA = Path(__file__).parent / "data"


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


# Where a label value was read (products.yaml, ``label.sources``).
SOURCE_STATUSES = ("eu_smpc", "to_confirm", "stricter_reading")
LABEL_VALUES = (
    "monitoring_days",
    "proximity",
    "no_driving_weeks",
    "tocilizumab",
    "thaw_limit_minutes",
)


@dataclass(frozen=True)
class ValueSource:
    """The document a label value was read in. ``eu_smpc``: read in the EU SmPC; ``to_confirm``:
    read in another document (EU SmPC to confirm); ``stricter_reading``: the project's stricter
    reading where the label asks less."""

    status: str
    document: str


@dataclass(frozen=True)
class ProductLabel:
    """The monitoring and safety values the product enforces for one CAR-T product, each with the
    document it was read in (see products.yaml); the reference is the product's EU SmPC."""

    smpc: str
    monitoring_days: int
    proximity_hours: int
    proximity_weeks: int
    no_driving_weeks: int
    tocilizumab_doses: int
    tocilizumab_further_within_hours: int
    thaw_limit_minutes: int
    sources: dict[str, ValueSource]
    smpc_revision: dt.date | None = None

    def source(self, name: str) -> ValueSource:
        return self.sources[name]

    def confirmed(self, name: str) -> bool:
        """True when the value was read in the EU SmPC."""
        return self.sources[name].status == "eu_smpc"

    @property
    def all_confirmed(self) -> bool:
        """True when every value was read in the EU SmPC."""
        return all(source.status == "eu_smpc" for source in self.sources.values())

    def periods(self) -> dict[str, int]:
        """The floors of the CAR-T pathway's period parameters, in weeks."""
        return {
            "near_centre_weeks": self.proximity_weeks,
            "no_driving_weeks": self.no_driving_weeks,
        }


@dataclass(frozen=True)
class Product:
    code: str
    inn: str
    brand: str
    manufacturer: str
    coi_prefix: str
    indications: tuple[str, ...]
    label: ProductLabel
    indication_codes: tuple[safety.Indication, ...] = ()

    @property
    def inn_label(self) -> str:
        """The INN as the page's language spells it ("axicabtagène ciloleucel" in French)."""
        from oncoparcours.core.medicines import inn_label

        return inn_label(self.inn)

    def __str__(self) -> str:
        return f"{self.inn_label} ({self.brand})"


@dataclass(frozen=True)
class HaemoglobinGate:
    """No session when the haemoglobin is at or below ``refuse_at_or_below`` g/dL."""

    procedure: str
    refuse_at_or_below: Decimal
    booking_max_age_days: int
    session_max_age_days: int
    source: str


@dataclass(frozen=True)
class Procedure:
    code: str
    fr: str
    en: str
    minutes: int
    machines: tuple[str, ...]
    performer: str
    staff: int
    activities: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.en if _english() else self.fr

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Drug:
    """A drug of a CRS/ICANS episode with, per unit it may be entered in, the largest plausible
    single dose: a typing-error guard, not prescribing guidance."""

    code: str
    fr: str
    en: str
    routes: tuple[str, ...]
    limits: dict[str, Decimal]

    @property
    def units(self) -> tuple[str, ...]:
        return tuple(self.limits)

    @property
    def label(self) -> str:
        return self.en if _english() else self.fr

    def __str__(self) -> str:
        return self.label


@cache
def _load(name: str) -> dict[str, Any]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _sources(data: dict[str, Any]) -> dict[str, ValueSource]:
    sources = {
        name: ValueSource(str(value["status"]), str(value["document"]))
        for name, value in (data.get("sources") or {}).items()
    }
    missing = [name for name in LABEL_VALUES if name not in sources]
    unknown = [s.status for s in sources.values() if s.status not in SOURCE_STATUSES]
    if missing or unknown:
        raise ValueError(f"products.yaml: label sources missing {missing} or unknown {unknown}")
    return sources


def _label(data: dict[str, Any]) -> ProductLabel:
    return ProductLabel(
        smpc=data["smpc"],
        monitoring_days=int(data["monitoring_days"]),
        proximity_hours=int(data["proximity_hours"]),
        proximity_weeks=int(data["proximity_weeks"]),
        no_driving_weeks=int(data["no_driving_weeks"]),
        tocilizumab_doses=int(data["tocilizumab"]["doses_before_infusion"]),
        tocilizumab_further_within_hours=int(data["tocilizumab"]["further_dose_within_hours"]),
        thaw_limit_minutes=int(data["thaw_limit_minutes"]),
        sources=_sources(data),
        smpc_revision=data.get("smpc_revision"),
    )


def products() -> list[Product]:
    return list(_products())


@cache
def _products() -> tuple[Product, ...]:
    """The products of products.yaml, built once per process (the order page looks its product
    up several times per request: the label, the gates, the template's filters)."""
    return tuple(
        Product(
            p["code"],
            p["inn"],
            p["brand"],
            p["manufacturer"],
            p["coi_prefix"],
            tuple(p.get("indications_fr", [])),
            _label(p["label"]),
            tuple(
                safety.Indication(
                    str(row["icd10"][0]),
                    str(row["icd10"][1]),
                    row.get("min_age"),
                    row.get("max_age"),
                )
                for row in p.get("indication_icd10", [])
            ),
        )
        for p in _load("products.yaml")["products"]
    )


def indicated_products(codes: list[str], age: int) -> list[Product]:
    """The products whose marketing authorisation covers one of these diagnoses at this age."""
    return [p for p in products() if safety.indication_matches(p.indication_codes, codes, age)]


def product(code: str) -> Product | None:
    return next((p for p in _products() if p.code == code), None)


def tocilizumab_confirmation_hours() -> int:
    """How long before the infusion the pharmacy's tocilizumab confirmation stays valid."""
    return int(_load("products.yaml")["tocilizumab_confirmation"]["valid_hours"])


def manufacturers() -> list[str]:
    return sorted({p.manufacturer for p in products()})


def eligibility_items() -> list[tuple[str, str]]:
    english = _english()
    return [
        (item["id"], item["en"] if english else item["fr"])
        for item in _load("products.yaml")["eligibility"]
    ]


def procedures() -> list[Procedure]:
    return [
        Procedure(
            code=p["code"],
            fr=p["fr"],
            en=p["en"],
            minutes=int(p["minutes"]),
            machines=tuple(p["machine"]),
            performer=p["performer"],
            staff=int(p["staff"]),
            activities=tuple(p.get("activities", ())),
        )
        for p in _load("procedures.yaml")["procedures"]
    ]


def haemoglobin_gate(procedure_code: str) -> HaemoglobinGate | None:
    for gate in _load("procedures.yaml").get("haemoglobin_gates", []):
        if gate["procedure"] == procedure_code:
            return HaemoglobinGate(
                procedure=gate["procedure"],
                refuse_at_or_below=Decimal(str(gate["refuse_at_or_below"])),
                booking_max_age_days=int(gate["booking_max_age_days"]),
                session_max_age_days=int(gate["session_max_age_days"]),
                source=gate["source"],
            )
    return None


def drugs() -> list[Drug]:
    return [
        Drug(
            code=d["code"],
            fr=d["fr"],
            en=d["en"],
            routes=tuple(d["routes"]),
            limits={str(unit): Decimal(str(limit)) for unit, limit in d["limits"].items()},
        )
        for d in _load("crs_icans_treatments.yaml")["drugs"]
    ]


def drug(code: str) -> Drug | None:
    return next((d for d in drugs() if d.code == code), None)


def procedure_for_activity(template_activity: str) -> Procedure | None:
    return next((p for p in procedures() if template_activity in p.activities), None)


def procedure(code: str) -> Procedure | None:
    return next((p for p in procedures() if p.code == code), None)


def sources() -> dict[str, str]:
    return {
        name: f"{_load(name)['source']} (version {_load(name)['version']})"
        for name in ("products.yaml", "procedures.yaml", "crs_icans_treatments.yaml")
    }


def _month(version: str) -> str:
    """ "2026-12" → "12/2026" (the data files' versions are months)."""
    year, _sep, month = str(version).partition("-")
    return f"{month}/{year}" if month else str(version)


def sources_for_users() -> list[str]:
    """The sources of the CAR-T, EFS and CRS/ICANS data as users read them: plain words in the
    page's language, no file names (the data files' ``source`` texts are developer-facing)."""
    return [
        _(
            "Summaries of product characteristics of each CAR-T product (European, EMA) and the "
            "ANSM list of authorised advanced therapy medicinal products; some values still to "
            "confirm in the product's summary of characteristics (update of %(version)s)"
        )
        % {"version": _month(_load("products.yaml")["version"])},
        _(
            "French blood establishment (EFS), care offer of its health centres, and the French "
            "haemapheresis society's practice recommendations (update of %(version)s)"
        )
        % {"version": _month(_load("procedures.yaml")["version"])},
        _(
            "CRS and ICANS treatments: the CAR-T products' summaries of characteristics "
            "(tocilizumab, corticosteroids), limits to confirm with the centre's protocol; "
            "ASTCT 2019 consensus grading (update of %(version)s)"
        )
        % {"version": _month(_load("crs_icans_treatments.yaml")["version"])},
    ]


def icu_bed_days() -> dict[str, int]:
    """Product code → days an intensive-care bed is held from the infusion day included
    (``icu_beds.yaml``; ``rules.icu_beds.days_held`` gives an unknown product the longest)."""
    return {code: int(row["days_held"]) for code, row in _load("icu_beds.yaml")["products"].items()}


def icu_beds_version() -> str:
    return str(_load("icu_beds.yaml")["version"])
