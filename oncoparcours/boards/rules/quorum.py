"""Tumour-board quorum (pure): at least three physicians of different specialties, each physician
counting for one specialty only; a surgeon on standard boards outside haematology; and the
specialties a board requires on top of that.

A physician may represent several specialties (double qualification) but counts once. Which
specialties are covered is a bipartite matching physicians ↔ specialties; sets of specialties
that can be covered together form a transversal matroid, so a greedy augmenting-path matching
that takes the required specialties first finds a cover of them whenever one exists, and the
largest one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

MIN_SPECIALTIES = 3
SURGICAL = frozenset(
    {
        "surgery",
        "thoracic_surgery",
        "digestive_surgery",
        "gynaecological_surgery",
        "neurosurgery",
        "urology",
    }
)
STANDARD_KINDS = frozenset({"standard"})


@dataclass(frozen=True)
class Attendee:
    key: str
    specialties: frozenset[str]
    physician: bool = True


@dataclass(frozen=True)
class Shortfall:
    code: str  # "too_few_specialties" | "no_surgeon" | "missing_specialty"
    specialty: str = ""
    counted: int = 0


@dataclass
class QuorumResult:
    met: bool
    counted: dict[str, str] = field(default_factory=dict)  # attendee key -> specialty counted
    shortfalls: list[Shortfall] = field(default_factory=list)

    @property
    def specialties(self) -> list[str]:
        return sorted(set(self.counted.values()))


def _augment(
    specialty: str,
    holders: dict[str, list[str]],
    owner: dict[str, str],
    assigned: dict[str, str],
    visited: set[str],
) -> bool:
    """Kuhn's augmenting path from a specialty to a free physician (re-seating others)."""
    for person in holders.get(specialty, []):
        if person in visited:
            continue
        visited.add(person)
        current = assigned.get(person)
        if current is None or _augment(current, holders, owner, assigned, visited):
            assigned[person] = specialty
            owner[specialty] = person
            return True
    return False


def _match(order: list[str], holders: dict[str, list[str]]) -> tuple[dict[str, str], list[str]]:
    assigned: dict[str, str] = {}
    owner: dict[str, str] = {}
    unmatched = []
    for specialty in order:
        if specialty in owner:
            continue
        if not _augment(specialty, holders, owner, assigned, set()):
            unmatched.append(specialty)
    return assigned, unmatched


def evaluate(
    attendees: Iterable[Attendee],
    *,
    board_kind: str,
    haematology: bool,
    required: Iterable[str] = (),
) -> QuorumResult:
    physicians = [a for a in attendees if a.physician and a.specialties]
    holders: dict[str, list[str]] = {}
    for attendee in sorted(physicians, key=lambda a: a.key):
        for specialty in sorted(attendee.specialties):
            holders.setdefault(specialty, []).append(attendee.key)
    required_list = sorted(set(required))
    all_specialties = sorted(holders)
    needs_surgeon = board_kind in STANDARD_KINDS and not haematology
    if needs_surgeon and not SURGICAL & set(required_list):
        # Try each surgical specialty present as the required one; keep the best cover.
        options = [s for s in sorted(SURGICAL) if s in holders] or [""]
    else:
        options = [""]
    best: tuple[dict[str, str], list[str], str] | None = None
    for surgical in options:
        first = [*required_list, *([surgical] if surgical else [])]
        rest = [s for s in all_specialties if s not in first]
        assigned, unmatched = _match(first + rest, holders)
        missing = [s for s in first if s in unmatched or s not in holders]
        candidate = (assigned, missing, surgical)
        if best is None or (len(missing), -len(assigned)) < (len(best[1]), -len(best[0])):
            best = candidate
    assert best is not None
    assigned, missing, surgical = best
    shortfalls = [Shortfall("missing_specialty", s) for s in required_list if s in missing]
    covered = set(assigned.values())
    if needs_surgeon and not covered & SURGICAL:
        shortfalls.append(Shortfall("no_surgeon"))
    if len(covered) < MIN_SPECIALTIES:
        shortfalls.append(Shortfall("too_few_specialties", counted=len(covered)))
    return QuorumResult(
        met=not shortfalls, counted=dict(sorted(assigned.items())), shortfalls=shortfalls
    )
