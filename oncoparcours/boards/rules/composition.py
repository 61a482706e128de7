"""Board compositions (pure): which roles a board's quorum needs, read from the versioned data
file ``boards/data/compositions.yaml`` (INCa RCP reference, December 2023 update).

A composition is chosen by the board's kind and haematology flag; a « recours » board whose
scope includes an organ listed under ``organ_specialists`` also needs that organ specialist."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from oncoparcours.directory.rules import icd10

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "compositions.yaml"


@dataclass(frozen=True)
class Role:
    code: str
    specialties: frozenset[str]
    physician: bool = True


@dataclass(frozen=True)
class OrganSpecialist:
    scope: tuple[tuple[str, str], ...]
    role: str
    source: str


@dataclass(frozen=True)
class Composition:
    kind: str
    haematology: bool
    minimum_specialties: int
    required: tuple[Role, ...]
    recommended: tuple[Role, ...] = ()
    source: str = ""
    note: str = ""
    version: str = ""


@dataclass(frozen=True)
class _Entry:
    kind: str
    haematology: bool
    required: tuple[str, ...]
    recommended: tuple[str, ...]
    organ_specialists: tuple[OrganSpecialist, ...]
    source: str
    note: str


@dataclass(frozen=True)
class CompositionRules:
    version: str
    document: str
    minimum_specialties: int
    roles: dict[str, Role]
    entries: tuple[_Entry, ...] = field(default=())

    def kinds(self) -> set[tuple[str, bool]]:
        return {(e.kind, e.haematology) for e in self.entries}

    def composition_for(
        self, *, kind: str, haematology: bool, scope: Iterable[tuple[str, str]] = ()
    ) -> Composition:
        """The composition for a board. An empty scope means every cancer, so it includes every
        organ (the organ specialists all apply)."""
        entry = next(
            (e for e in self.entries if e.kind == kind and e.haematology == haematology), None
        )
        if entry is None:
            raise KeyError(f"no composition for {kind} boards (haematology={haematology})")
        ranges = list(scope)
        required = [self.roles[code] for code in entry.required]
        for organ in entry.organ_specialists:
            if not ranges or any(
                icd10.ranges_overlap(board_range, organ_range)
                for board_range in ranges
                for organ_range in organ.scope
            ):
                required.append(self.roles[organ.role])
        return Composition(
            kind=kind,
            haematology=haematology,
            minimum_specialties=self.minimum_specialties,
            required=tuple(dict.fromkeys(required)),
            recommended=tuple(self.roles[code] for code in entry.recommended),
            source=entry.source,
            note=entry.note,
            version=self.version,
        )


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def parse(data: dict[str, Any]) -> CompositionRules:
    """Build the rules from the data file's content; a reference to an unknown role, or a
    required role that is not a physician's, is refused."""
    roles = {
        code: Role(
            code=code,
            specialties=frozenset(spec["specialties"]),
            physician=bool(spec.get("physician", True)),
        )
        for code, spec in data["roles"].items()
    }
    entries = []
    seen: set[tuple[str, bool]] = set()
    for row in data["compositions"]:
        key = (row["kind"], bool(row["haematology"]))
        if key in seen:
            raise ValueError(f"composition {key} is given twice")
        seen.add(key)
        organs = tuple(
            OrganSpecialist(
                scope=tuple((str(a), str(b)) for a, b in organ["scope"]),
                role=organ["role"],
                source=_text(organ.get("source")),
            )
            for organ in row.get("organ_specialists", [])
        )
        required = tuple(row.get("required", [])) + tuple(o.role for o in organs)
        for code in required + tuple(row.get("recommended", [])):
            if code not in roles:
                raise ValueError(f"composition {key}: unknown role {code!r}")
        for code in required:
            if not roles[code].physician:
                raise ValueError(f"composition {key}: required role {code!r} is not a physician")
        for first, second in itertools.combinations(dict.fromkeys(required), 2):
            if roles[first].specialties & roles[second].specialties:
                raise ValueError(f"composition {key}: roles {first} and {second} overlap")
        entries.append(
            _Entry(
                kind=key[0],
                haematology=key[1],
                required=tuple(row.get("required", [])),
                recommended=tuple(row.get("recommended", [])),
                organ_specialists=organs,
                source=_text(row.get("source")),
                note=_text(row.get("note")),
            )
        )
    return CompositionRules(
        version=str(data["version"]),
        document=_text(data["source"]["document"]),
        minimum_specialties=int(data["minimum_specialties"]),
        roles=roles,
        entries=tuple(entries),
    )


@cache
def shipped() -> CompositionRules:
    """The rules of the shipped data file (read once)."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle))
