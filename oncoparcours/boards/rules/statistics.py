"""Board statistics from decisions (pure): the near-home share is computed, never typed in.

"Treated near home" depends on the board (docs/clinical-rules.md section 6):
- an inter-regional / overseas board (organised with a centre overseas, e.g. the RCP Caraïbes
  between the CHU de Martinique and Gustave Roussy): the patient is treated near home unless
  transferred to mainland France for treatment (DOMAIN.md, seed 002: "85 % of the 250 cases
  treated near home" = not transferred to mainland France). What counts is WHERE the patient is
  treated: a transfer to another overseas territory (e.g. Guadeloupe → Martinique) is not a
  transfer to mainland France and counts as near home; a transfer or an expert centre in
  mainland France never does; a transfer or an expert centre whose organisation is not named
  does not count (safer reading: the figure is not inflated by what is unknown);
- any other board: the decision sets the place of care to the proximity centre.

The unit is the PATIENT: each patient counted once per board, by the decision in force (the
latest decision validated for them by that board, its latest version) — the same unit as the
indicator "Share of patients treated near home" (indicators/computations/boards.py).

Overseas: the five overseas départements and regions (971 Guadeloupe, 972 Martinique, 973
Guyane, 974 La Réunion, 976 Mayotte) and the overseas collectivities of the Atlantic and the
Caribbean (975 Saint-Pierre-et-Miquelon, 977 Saint-Barthélemy, 978 Saint-Martin) — INSEE, Code
officiel géographique 2024; Constitution, art. 73 and 74.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

OVERSEAS_DEPARTEMENTS = ("971", "972", "973", "974", "976")
OVERSEAS_COLLECTIVITIES = ("975", "977", "978")
OVERSEAS_TERRITORIES = OVERSEAS_DEPARTEMENTS + OVERSEAS_COLLECTIVITIES
OVERSEAS = "overseas"  # definition keys, shown next to the figure
PROXIMITY = "proximity"
UNIT = "patients"  # what the near-home share counts, on the board page and in the indicator


def is_overseas_departement(departement: str | None) -> bool:
    """An overseas territory (département, region or collectivity) — not mainland France."""
    return (departement or "") in OVERSEAS_TERRITORIES


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
    if care_in_mainland is True:
        return False
    # Not in mainland France: near home when the proximity centre treats, or when the
    # organisation named (expert centre, or the one a patient is transferred to) is overseas.
    return place_of_care == "proximity" or care_in_mainland is False


@dataclass(frozen=True)
class DecidedCase:
    submitted_on: dt.date
    decided_on: dt.date
    place_of_care: str  # proximity | expert | transfer
    first_treatment_on: dt.date | None
    care_in_mainland: bool | None = None
    patient: str = ""  # who (each patient counts once in the near-home share); "" = unique
    decided_at: dt.datetime | None = None  # orders a patient's decisions (latest in force)


@dataclass(frozen=True)
class BoardFigures:
    decided: int  # cases decided
    near_home: int  # patients
    expert: int  # patients
    transfers: int  # patients
    near_home_share: float | None  # near_home / patients
    median_days_to_decision: float | None
    decided_before_treatment: int
    with_known_treatment: int
    definition: str = PROXIMITY  # which definition of "near home" applies (OVERSEAS/PROXIMITY)
    patients: int = 0  # patients with a decision of the board (the share's denominator)
    transfers_to_mainland: int = 0  # patients transferred to an organisation in mainland France

    @property
    def before_treatment_share(self) -> float | None:
        if not self.with_known_treatment:
            return None
        return self.decided_before_treatment / self.with_known_treatment


def in_force(cases: Iterable[DecidedCase]) -> list[DecidedCase]:
    """One decision per patient: the latest validated (ties: the later one listed); a case
    without a patient key stands alone."""
    latest: dict[object, DecidedCase] = {}
    for index, case in enumerate(cases):
        key: object = case.patient or ("case", index)
        current = latest.get(key)
        if current is None or _moment(case) >= _moment(current):
            latest[key] = case
    return list(latest.values())


def _moment(case: DecidedCase) -> dt.datetime:
    """When the board last validated it (a correction counts from its own validation), as the
    indicator orders a patient's decisions."""
    if case.decided_at is not None:
        return case.decided_at
    return dt.datetime.combine(case.decided_on, dt.time(), tzinfo=dt.UTC)


def board_figures(cases: Iterable[DecidedCase], *, overseas_board: bool = False) -> BoardFigures:
    rows = list(cases)
    patients = in_force(rows)
    near = sum(
        1
        for c in patients
        if treated_near_home(
            c.place_of_care, overseas_board=overseas_board, care_in_mainland=c.care_in_mainland
        )
    )
    expert = sum(1 for c in patients if c.place_of_care == "expert")
    transfers = sum(1 for c in patients if c.place_of_care == "transfer")
    to_mainland = sum(
        1 for c in patients if c.place_of_care == "transfer" and c.care_in_mainland is True
    )
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
        near_home_share=near / len(patients) if patients else None,
        median_days_to_decision=statistics.median(delays) if delays else None,
        decided_before_treatment=before,
        with_known_treatment=len(treated),
        definition=OVERSEAS if overseas_board else PROXIMITY,
        patients=len(patients),
        transfers_to_mainland=to_mainland,
    )
