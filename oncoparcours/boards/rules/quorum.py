"""Tumour-board quorum (pure), as the board's composition requires (``composition.py``, read
from the INCa reference data): at least N physicians of different specialties; the roles of the
composition (e.g. a surgeon, a medical oncologist and a radiation oncologist on standard boards
outside haematology); the specialties the board requires itself.

Rules that cannot be gamed:
- an attendee counts only for a specialty they declared **and** hold (their recognised
  specialties in the directory); a declared specialty they do not hold is ignored and reported;
- only physicians count; three physicians of the same specialty count as one specialty;
- a physician counts for one specialty only, even when double-qualified or when they declare
  several (each specialty and each physician is used once).

Which physician counts for what is a maximum flow: required slots (a role = a set of acceptable
specialties, or one required specialty) → specialties (each used once) → physicians (each used
once). Slots are routed first, so every slot that can be filled is; further augmenting paths
never unfill a slot (they may re-seat it on another specialty of its set), and they bring the
number of specialties counted to its maximum."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .composition import Composition, Role


@dataclass(frozen=True)
class Attendee:
    key: str
    specialties: frozenset[str]  # declared for this session
    physician: bool = True
    held: frozenset[str] | None = None  # recognised in the directory; None = as declared
    # Works (today) at a hospital pharmacy (PUI) of one of the board's organisers.
    organiser_pharmacy: bool = False

    @property
    def counted_specialties(self) -> frozenset[str]:
        return self.specialties if self.held is None else self.specialties & self.held

    @property
    def not_held(self) -> frozenset[str]:
        return frozenset() if self.held is None else self.specialties - self.held


@dataclass(frozen=True)
class Shortfall:
    code: str  # "missing_role" | "missing_specialty" | "too_few_specialties"
    specialty: str = ""
    counted: int = 0
    role: str = ""
    needed: int = 0


@dataclass
class QuorumResult:
    met: bool
    counted: dict[str, str] = field(default_factory=dict)  # attendee key -> specialty counted
    roles: dict[str, str] = field(default_factory=dict)  # role code -> attendee key
    shortfalls: list[Shortfall] = field(default_factory=list)
    advisories: list[str] = field(default_factory=list)  # recommended roles not present
    # attendee key -> recommended roles they hold the specialty of but may not fill (e.g. a
    # pharmacist of another establishment is not the board's biotherapy referent pharmacist)
    not_eligible: dict[str, list[str]] = field(default_factory=dict)
    ignored: dict[str, list[str]] = field(default_factory=dict)  # declared but not held
    minimum: int = 3
    version: str = ""
    applies_to: str = ""  # haematology | solid | mixed: which composition(s) was used

    @property
    def specialties(self) -> list[str]:
        return sorted(set(self.counted.values()))

    def record(self) -> dict[str, object]:
        """What a decision keeps of the quorum it was validated under."""
        return {
            "counted": self.counted,
            "specialties": self.specialties,
            "roles": self.roles,
            "rules": self.version,
            "composition": self.applies_to,
        }


_SOURCE, _SINK = ("source",), ("sink",)
Node = tuple[str, ...]


class _Flow:
    """Unit-capacity residual graph, explored in a fixed order (deterministic results)."""

    def __init__(self) -> None:
        self.residual: dict[Node, dict[Node, int]] = {}

    def edge(self, u: Node, v: Node) -> None:
        self.residual.setdefault(u, {})[v] = 1
        self.residual.setdefault(v, {}).setdefault(u, 0)

    def augment(self, start: Node) -> bool:
        """One augmenting path from ``start`` (reached from the source) to the sink."""
        parents: dict[Node, Node] = {start: _SOURCE, _SOURCE: _SOURCE}  # never through the source
        stack = [start]
        while stack:
            node = stack.pop()
            if node == _SINK:
                while node != start:
                    parent = parents[node]
                    self.residual[parent][node] -= 1
                    self.residual[node][parent] += 1
                    node = parent
                return True
            for following in sorted(self.residual.get(node, {}), reverse=True):
                if self.residual[node][following] > 0 and following not in parents:
                    parents[following] = node
                    stack.append(following)
        return False

    def push_from_source(self, node: Node) -> bool:
        if self.residual[_SOURCE].get(node, 0) <= 0:
            return False
        if not self.augment(node):
            return False
        self.residual[_SOURCE][node] -= 1
        self.residual[node][_SOURCE] += 1
        return True

    def carries(self, u: Node, v: Node) -> bool:
        return self.residual.get(v, {}).get(u, 0) > 0 and self.residual[u][v] == 0


def evaluate(
    attendees: Iterable[Attendee],
    *,
    composition: Composition,
    required: Iterable[str] = (),
) -> QuorumResult:
    people = sorted(attendees, key=lambda a: a.key)
    ignored = {a.key: sorted(a.not_held) for a in people if a.not_held}
    physicians = [a for a in people if a.physician and a.counted_specialties]
    holders: dict[str, list[str]] = {}
    for attendee in physicians:
        for specialty in sorted(attendee.counted_specialties):
            holders.setdefault(specialty, []).append(attendee.key)

    slots = _slots(composition, required)
    role_specialties = {r.code: r.specialties for r in composition.required}

    flow = _Flow()
    for specialty, keys in holders.items():
        flow.edge(("in", specialty), ("out", specialty))
        for key in keys:
            flow.edge(("out", specialty), ("person", key))
    for attendee in physicians:
        flow.edge(("person", attendee.key), _SINK)
    for index, (_code, accepted) in enumerate(slots):
        flow.edge(_SOURCE, ("slot", str(index)))
        for specialty in sorted(accepted & set(holders)):
            flow.edge(("slot", str(index)), ("in", specialty))
    for index in range(len(slots)):
        flow.push_from_source(("slot", str(index)))
    for specialty in sorted(holders):
        flow.edge(_SOURCE, ("in", specialty))
        flow.push_from_source(("in", specialty))

    counted = {
        key: specialty
        for specialty, keys in holders.items()
        for key in keys
        if flow.carries(("out", specialty), ("person", key))
    }
    owner = {specialty: key for key, specialty in counted.items()}
    roles: dict[str, str] = {}
    shortfalls: list[Shortfall] = []
    for index, (code, accepted) in enumerate(slots):
        slot = ("slot", str(index))
        filled = next(
            (s for s in sorted(accepted & set(holders)) if flow.carries(slot, ("in", s))), None
        )
        if filled is None:
            # A role the board narrowed to one specialty (e.g. its surgeon must be an ENT
            # surgeon) names that specialty too.
            narrowed = code and accepted != role_specialties.get(code, accepted)
            shortfalls.append(
                Shortfall(
                    "missing_role", role=code, specialty=next(iter(accepted)) if narrowed else ""
                )
                if code
                else Shortfall("missing_specialty", specialty=next(iter(accepted)))
            )
        elif code:
            roles[code] = owner[filled]
    if len(owner) < composition.minimum_specialties:
        shortfalls.append(
            Shortfall(
                "too_few_specialties",
                counted=len(owner),
                needed=composition.minimum_specialties,
            )
        )
    advisories = [role.code for role in composition.recommended if not _present(role, people)]
    not_eligible: dict[str, list[str]] = {}
    for role in composition.recommended:
        for attendee in people:
            if _holds(role, attendee) and not _eligible(role, attendee):
                not_eligible.setdefault(attendee.key, []).append(role.code)
    return QuorumResult(
        met=not shortfalls,
        counted=dict(sorted(counted.items())),
        roles=roles,
        shortfalls=shortfalls,
        advisories=advisories,
        ignored=ignored,
        minimum=composition.minimum_specialties,
        version=composition.version,
        applies_to=composition.applies_to,
        not_eligible=not_eligible,
    )


def _slots(composition: Composition, required: Iterable[str]) -> list[tuple[str, frozenset[str]]]:
    """The places to fill: one per role of the composition, one per specialty the board requires.
    A required specialty that belongs to a role fills that role (a board requiring a
    neurosurgeon needs no other surgeon)."""
    slots: list[tuple[str, frozenset[str]]] = [
        (r.code, r.specialties) for r in composition.required
    ]
    narrowed: set[int] = set()
    for specialty in sorted(set(required)):
        index = next(
            (
                i
                for i, (code, accepted) in enumerate(slots)
                if code and i not in narrowed and specialty in accepted
            ),
            None,
        )
        if index is None:
            slots.append(("", frozenset({specialty})))
        else:
            slots[index] = (slots[index][0], frozenset({specialty}))
            narrowed.add(index)
    return slots


def _holds(role: Role, attendee: Attendee) -> bool:
    return (attendee.physician or not role.physician) and bool(
        attendee.counted_specialties & role.specialties
    )


def _eligible(role: Role, attendee: Attendee) -> bool:
    return not role.organiser_pharmacy or attendee.organiser_pharmacy


def _present(role: Role, people: list[Attendee]) -> bool:
    return any(_holds(role, a) and _eligible(role, a) for a in people)
