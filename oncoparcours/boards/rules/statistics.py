"""Board statistics from decisions (pure): the near-home share is computed, never typed in.

"Treated near home" depends on the board (docs/clinical-rules.md section 6):
- an inter-regional / overseas board (organised with a centre in an overseas département, e.g.
  the RCP Caraïbes between the CHU de Martinique and Gustave Roussy): the patient is treated
  near home unless transferred to mainland France for treatment (DOMAIN.md, seed 002: "85 % of
  the 250 cases treated near home"). A transfer is never near home; an expert-centre decision
  counts as near home only when the centre is known to be overseas (safer reading: an expert
  centre in mainland France, or not named, is not counted as near home);
- any other board: the decision sets the place of care to the proximity centre.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

OVERSEAS_DEPARTEMENTS = ("971", "972", "973", "974", "976")
OVERSEAS = "overseas"  # definition keys, shown next to the figure
PROXIMITY = "proximity"


def is_overseas_departement(departement: str | None) -> bool:
    return (departement or "") in OVERSEAS_DEPARTEMENTS


def in_mainland(departement: str | None) -> bool | None:
    """Where a named organisation is: mainland France (True), overseas (False), unknown (None)."""
    return None if not departement else not is_overseas_departement(departement)


def is_overseas_board(kind: str, organiser_departements: Iterable[str | None]) -> bool:
    """An inter-regional board organised with at least one centre overseas."""
    return kind == "interregional" and any(
        is_overseas_departement(d) for d in organiser_departements
    )


def treated_near_home(
    place_of_care: str, *, overseas_board: bool, care_in_mainland: bool | None = None
) -> bool:
    """``care_in_mainland``: the organisation named for the treatment is in mainland France
    (True), overseas (False), or not named (None)."""
    if not overseas_board:
        return place_of_care == "proximity"
    if place_of_care == "transfer" or care_in_mainland is True:
        return False
    return place_of_care == "proximity" or care_in_mainland is False


@dataclass(frozen=True)
class DecidedCase:
    submitted_on: dt.date
    decided_on: dt.date
    place_of_care: str  # proximity | expert | transfer
    first_treatment_on: dt.date | None
    care_in_mainland: bool | None = None


@dataclass(frozen=True)
class BoardFigures:
    decided: int
    near_home: int
    expert: int
    transfers: int
    near_home_share: float | None
    median_days_to_decision: float | None
    decided_before_treatment: int
    with_known_treatment: int
    definition: str = PROXIMITY  # which definition of "near home" applies (OVERSEAS/PROXIMITY)

    @property
    def before_treatment_share(self) -> float | None:
        if not self.with_known_treatment:
            return None
        return self.decided_before_treatment / self.with_known_treatment


def board_figures(cases: Iterable[DecidedCase], *, overseas_board: bool = False) -> BoardFigures:
    rows = list(cases)
    near = sum(
        1
        for c in rows
        if treated_near_home(
            c.place_of_care, overseas_board=overseas_board, care_in_mainland=c.care_in_mainland
        )
    )
    expert = sum(1 for c in rows if c.place_of_care == "expert")
    transfers = sum(1 for c in rows if c.place_of_care == "transfer")
    delays = [(c.decided_on - c.submitted_on).days for c in rows]
    treated = [c for c in rows if c.first_treatment_on is not None]
    before = sum(
        1 for c in treated if c.first_treatment_on and c.decided_on <= c.first_treatment_on
    )
    return BoardFigures(
        decided=len(rows),
        near_home=near,
        expert=expert,
        transfers=transfers,
        near_home_share=near / len(rows) if rows else None,
        median_days_to_decision=statistics.median(delays) if delays else None,
        decided_before_treatment=before,
        with_known_treatment=len(treated),
        definition=OVERSEAS if overseas_board else PROXIMITY,
    )
