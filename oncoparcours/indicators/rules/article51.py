"""Article 51 cost comparison (pure), per sequence of the home-immunotherapy experiment.

- Flat rates charged as the experiment's terms set them: one flat rate per sequence; a completed
  sequence in full, a partial one (in progress, or interrupted when the pathway ended) pro rata
  temporis — days covered / planned days, at most one flat rate.
- Baseline: the day-hospital stays actually replaced — one per administration done at home —
  each at the day-hospital stay amount plus the transport round trip it avoided.
- Difference = baseline − flat rates (positive: the experiment costs less than day hospital).

The amounts come from ``data/article51_costs.yaml`` (configurable, marked approx)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

DAYS_PER_MONTH = 365.25 / 12  # 30.4375


@dataclass(frozen=True)
class Sequence:
    key: str
    label_fr: str
    label_en: str
    months: float
    flat_rate: float
    approx: bool = True

    @property
    def planned_days(self) -> float:
        return self.months * DAYS_PER_MONTH


@dataclass(frozen=True)
class CostTerms:
    sequences: dict[str, Sequence]
    day_hospital_stay: float
    transport_round_trip: float
    transport_share: float = 1.0

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> CostTerms:
        sequences = {
            item["key"]: Sequence(
                item["key"],
                item["label"]["fr"],
                item["label"]["en"],
                float(item["months"]),
                float(item["flat_rate_eur"]),
                bool(item.get("approx", True)),
            )
            for item in data["sequences"]
        }
        for item in sequences.values():
            if item.months <= 0 or item.flat_rate < 0:
                raise ValueError(f"sequence {item.key}: months > 0 and flat rate >= 0 expected")
        transport = data["transport"]
        share = float(transport.get("share_of_stays", 1.0))
        if not 0 <= share <= 1:
            raise ValueError("transport.share_of_stays must be between 0 and 1")
        return cls(
            sequences,
            float(data["day_hospital_stay"]["amount_eur"]),
            float(transport["round_trip_eur"]),
            share,
        )


def charged_fraction(*, days_covered: float, completed: bool, planned_days: float) -> float:
    """Share of one flat rate charged for one patient's sequence."""
    if completed:
        return 1.0
    return min(1.0, max(0.0, days_covered) / planned_days)


@dataclass(frozen=True)
class SequenceCost:
    key: str
    patients: int
    completed: int
    charged: float  # flat rates charged, in full-sequence equivalents
    flat_rates: float
    replaced_stays: float
    stays_cost: float
    transport_cost: float

    @property
    def baseline(self) -> float:
        return self.stays_cost + self.transport_cost

    @property
    def difference(self) -> float:
        return self.baseline - self.flat_rates


def sequence_cost(
    terms: CostTerms,
    *,
    key: str,
    patients: int,
    completed: int,
    partial_fractions: float,
    replaced_stays: int,
) -> SequenceCost:
    """One sequence over a set of patients: ``completed`` sequences charged in full, partial
    ones adding ``partial_fractions`` (the sum of their ``charged_fraction``)."""
    sequence = terms.sequences[key]
    charged = completed + partial_fractions
    return SequenceCost(
        key=key,
        patients=patients,
        completed=completed,
        charged=charged,
        flat_rates=charged * sequence.flat_rate,
        replaced_stays=replaced_stays,
        stays_cost=replaced_stays * terms.day_hospital_stay,
        transport_cost=replaced_stays * terms.transport_round_trip * terms.transport_share,
    )


def total(costs: Iterable[SequenceCost], *, patients: int, key: str = "total") -> SequenceCost:
    rows = list(costs)
    return SequenceCost(
        key=key,
        patients=patients,
        completed=sum(c.completed for c in rows),
        charged=sum(c.charged for c in rows),
        flat_rates=sum(c.flat_rates for c in rows),
        replaced_stays=sum(c.replaced_stays for c in rows),
        stays_cost=sum(c.stays_cost for c in rows),
        transport_cost=sum(c.transport_cost for c in rows),
    )


def per_patient(cost: SequenceCost, patients: int) -> SequenceCost | None:
    if not patients:
        return None
    return SequenceCost(
        key="per_patient",
        patients=patients,
        completed=cost.completed,
        charged=cost.charged / patients,
        flat_rates=cost.flat_rates / patients,
        replaced_stays=cost.replaced_stays / patients,
        stays_cost=cost.stays_cost / patients,
        transport_cost=cost.transport_cost / patients,
    )
