"""Board compositions (pure): which roles a board's quorum needs, read from the versioned data
file ``boards/data/compositions.yaml`` (INCa RCP reference, December 2023 update).

A composition is chosen by the board's kind and by whether the cancer is a haematological
malignancy (ICD-10 C81–C96, D45–D47, from the data file) — never by a typed flag:
- a board's scope is "haematology" (every range within those), "solid" (none of them) or
  "mixed" (both, or every cancer);
- for a case, its diagnosis decides; without a diagnosis, every composition the board's scope
  can need applies at once (the stricter, safer reading).
A « recours » board whose scope includes an organ listed under ``organ_specialists`` also needs
that organ specialist."""

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


HAEMATOLOGY, SOLID, MIXED = "haematology", "solid", "mixed"


@dataclass(frozen=True)
class Role:
    code: str
    specialties: frozenset[str]
    physician: bool = True
    # Only a professional of a hospital pharmacy (PUI) of one of the board's organisers.
    organiser_pharmacy: bool = False


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
    applies_to: str = SOLID  # haematology | solid | mixed (both compositions at once)


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
    haematological: tuple[tuple[str, str], ...] = ()
    haematological_source: str = ""

    def kinds(self) -> set[tuple[str, bool]]:
        return {(e.kind, e.haematology) for e in self.entries}

    def is_haematological(self, code: str) -> bool | None:
        """Whether a diagnosis (ICD-10 code) is a haematological malignancy; None when the code
        cannot be read."""
        try:
            return icd10.in_any_range(code, self.haematological)
        except ValueError:
            return None

    def scope_kind(self, scope: Iterable[tuple[str, str]]) -> str:
        """``haematology`` when every range of the scope lies within the haematological
        malignancies, ``solid`` when none overlaps them, else ``mixed`` (an empty scope means
        every cancer: mixed)."""
        ranges = list(scope)
        if not ranges:
            return MIXED
        if all(any(icd10.range_within(r, h) for h in self.haematological) for r in ranges):
            return HAEMATOLOGY
        if not any(icd10.ranges_overlap(r, h) for r in ranges for h in self.haematological):
            return SOLID
        return MIXED

    def composition_for_case(
        self, *, kind: str, scope: Iterable[tuple[str, str]], diagnosis: str | None
    ) -> Composition:
        """The composition a case needs: its diagnosis decides (haematological malignancy or
        not); without a readable diagnosis, the board's scope decides, and a mixed scope needs
        both compositions at once (safer reading)."""
        ranges = list(scope)
        haematological = self.is_haematological(diagnosis) if diagnosis else None
        if haematological is not None:
            applies = HAEMATOLOGY if haematological else SOLID
        else:
            applies = self.scope_kind(ranges)
        return self.composition_applying(kind=kind, scope=ranges, applies_to=applies)

    def composition_applying(
        self, *, kind: str, scope: Iterable[tuple[str, str]], applies_to: str
    ) -> Composition:
        """The composition for ``haematology``, ``solid`` or both at once (``mixed``)."""
        ranges = list(scope)
        if applies_to == MIXED:
            return merge(
                self.composition_for(kind=kind, haematology=False, scope=ranges),
                self.composition_for(kind=kind, haematology=True, scope=ranges),
            )
        return self.composition_for(kind=kind, haematology=applies_to == HAEMATOLOGY, scope=ranges)

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
            applies_to=HAEMATOLOGY if haematology else SOLID,
        )


def merge(first: Composition, second: Composition) -> Composition:
    """Both compositions at once: every role either requires (each once), every recommendation
    (the stricter reading when a case could fall under either)."""
    return Composition(
        kind=first.kind,
        haematology=first.haematology or second.haematology,
        minimum_specialties=max(first.minimum_specialties, second.minimum_specialties),
        required=tuple(dict.fromkeys(first.required + second.required)),
        recommended=tuple(dict.fromkeys(first.recommended + second.recommended)),
        source=" ; ".join(dict.fromkeys(s for s in (first.source, second.source) if s)),
        note=" ; ".join(dict.fromkeys(n for n in (first.note, second.note) if n)),
        version=first.version,
        applies_to=MIXED if first.applies_to != second.applies_to else first.applies_to,
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
            organiser_pharmacy=bool(spec.get("organiser_pharmacy", False)),
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
    haematological = data["haematological_malignancies"]
    ranges = tuple((str(a), str(b)) for a, b in haematological["ranges"])
    for start, end in ranges:
        if not icd10.range_is_ordered(start, end):
            raise ValueError(f"haematological range {start}–{end} is not ordered")
    return CompositionRules(
        version=str(data["version"]),
        document=_text(data["source"]["document"]),
        minimum_specialties=int(data["minimum_specialties"]),
        roles=roles,
        entries=tuple(entries),
        haematological=ranges,
        haematological_source=_text(haematological.get("source")),
    )


@cache
def shipped() -> CompositionRules:
    """The rules of the shipped data file (read once)."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle))
