"""Each indicator's computation, by theme; ``COMPUTATIONS`` maps an indicator id to it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ..engine import Engine, Filters, Result
from .alerts import alert_handling, alert_rate, emergencies
from .article51 import a51_cost, a51_inclusions, a51_refusals, a51_sequences, day_hospital_places
from .boards import near_home_share, rcp_before_treatment, referrals, transfers, trial_proposals
from .cell_therapy import car_t_turnaround
from .delays import DELAYS, delay


def _delay_for(indicator_id: str, engine: Engine, filters: Filters) -> Result:
    return delay(engine, filters, indicator_id)


COMPUTATIONS: dict[str, Callable[[Engine, Filters], Result]] = {
    **{key: partial(_delay_for, key) for key in DELAYS},
    "rcp_before_treatment": rcp_before_treatment,
    "near_home_share": near_home_share,
    "transfers": transfers,
    "referrals": referrals,
    "trial_proposals": trial_proposals,
    "alert_rate": alert_rate,
    "alert_handling": alert_handling,
    "emergencies": emergencies,
    "day_hospital_places": day_hospital_places,
    "a51_inclusions": a51_inclusions,
    "a51_refusals": a51_refusals,
    "a51_sequences": a51_sequences,
    "a51_cost": a51_cost,
    "car_t_turnaround": car_t_turnaround,
}
