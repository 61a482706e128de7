"""« Recours » boards (pure): a recours board is the expert board of a network's expert centre,
not a free label. It needs a network; its scope lies within the network's scope; one of its
organisers is a pilot or expert centre of that network with a current label.

Returns problem codes per field (the service words them): ``network`` → "missing";
``icd10_ranges`` → "outside_network" / "all_cancers"; ``organisers`` → "not_expert_centre"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from oncoparcours.directory.rules import icd10

RECOURS = "recours"
EXPERT_ROLES = frozenset({"pilot", "expert"})


@dataclass(frozen=True)
class OrganiserMembership:
    """An organiser's membership of the board's network (absent when not a member)."""

    role: str
    label_until: dt.date | None


def problems(
    *,
    kind: str,
    scope: Iterable[tuple[str, str]],
    has_network: bool,
    network_scope: Iterable[tuple[str, str]],
    memberships: Iterable[OrganiserMembership],
    today: dt.date,
) -> dict[str, str]:
    if kind != RECOURS:
        return {}
    if not has_network:
        return {"network": "missing"}
    found: dict[str, str] = {}
    board_ranges, network_ranges = list(scope), list(network_scope)
    if not board_ranges:
        found["icd10_ranges"] = "all_cancers"
    elif not all(
        any(icd10.range_within(inner, outer) for outer in network_ranges) for inner in board_ranges
    ):
        found["icd10_ranges"] = "outside_network"
    if not any(
        m.role in EXPERT_ROLES and (m.label_until is None or m.label_until >= today)
        for m in memberships
    ):
        found["organisers"] = "not_expert_centre"
    return found
