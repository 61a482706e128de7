"""Which patients an export must leave out (pure): the patient's decision in force for each
purpose, as of the day the export is produced.

The rule (safer reading, docs/clinical-rules.md section 5):
- only "sharing and reuse of health data" decisions count; each purpose (scope) has its own;
- the decision in force for a purpose on day D is the latest one dated on or before D: latest
  decision date, then latest entry (a paper form entered late does not override a more recent
  decision);
- an opposition in force on the day an export is produced removes the patient from that export
  entirely, whatever period the export covers (recomputations of older periods included);
- a later non-opposition lifts it from its own date;
- an export may serve several purposes: an opposition to any of them excludes the patient.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

DATA_SHARING = "data_sharing"
OPPOSITION = "opposition"
NON_OPPOSITION = "non_opposition"
# Export purposes, i.e. every data-sharing scope except the care team (which is care, not export).
PURPOSES = ("research", "network", "registry", "evaluation")


@dataclass(frozen=True)
class ConsentFact:
    """One recorded decision. ``entered`` orders entries of the same day (time, then id)."""

    kind: str
    scope: str
    decision: str
    recorded_on: dt.date
    entered: tuple[dt.datetime, int]


def fact_in_force(facts: Iterable[ConsentFact], *, purpose: str, on: dt.date) -> ConsentFact | None:
    """The recorded decision in force for ``purpose`` on day ``on`` (None: nothing recorded
    yet) — with its date, for those who must say since when."""
    relevant = [
        f for f in facts if f.kind == DATA_SHARING and f.scope == purpose and f.recorded_on <= on
    ]
    if not relevant:
        return None
    return max(relevant, key=lambda f: (f.recorded_on, f.entered))


def decision_in_force(facts: Iterable[ConsentFact], *, purpose: str, on: dt.date) -> str | None:
    """The decision in force for ``purpose`` on day ``on`` (None: nothing recorded yet)."""
    fact = fact_in_force(facts, purpose=purpose, on=on)
    return fact.decision if fact is not None else None


def excluded_for(
    facts: Iterable[ConsentFact], *, purposes: Iterable[str], on: dt.date
) -> tuple[str, ...]:
    """The purposes among ``purposes`` the patient objects to on day ``on`` (empty: included)."""
    rows = list(facts)
    unknown = set(purposes) - set(PURPOSES)
    if unknown:
        raise ValueError(f"unknown export purpose(s): {sorted(unknown)}")
    return tuple(
        purpose
        for purpose in PURPOSES
        if purpose in set(purposes)
        and decision_in_force(rows, purpose=purpose, on=on) == OPPOSITION
    )


def is_excluded(facts: Iterable[ConsentFact], *, purposes: Iterable[str], on: dt.date) -> bool:
    return bool(excluded_for(facts, purposes=purposes, on=on))
