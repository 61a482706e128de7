"""Board statistics from decisions (pure): the near-home share is computed, never typed in."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class DecidedCase:
    submitted_on: dt.date
    decided_on: dt.date
    place_of_care: str  # proximity | expert | transfer
    first_treatment_on: dt.date | None


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

    @property
    def before_treatment_share(self) -> float | None:
        if not self.with_known_treatment:
            return None
        return self.decided_before_treatment / self.with_known_treatment


def board_figures(cases: Iterable[DecidedCase]) -> BoardFigures:
    rows = list(cases)
    near = sum(1 for c in rows if c.place_of_care == "proximity")
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
    )
