"""CAR-T safety gates (pure): the board decision that recommends CAR-T, the regional health
agency's qualification of the sites for the product, the monitoring plan after infusion (daily
assessments, stay near the centre, no driving), the tocilizumab doses on site before infusion, the
thaw-to-infusion limit, the doses recorded during a CRS/ICANS episode.

The numbers come from the product's label (``data/products.yaml``); these functions only compare.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

# The treatment modality of a board decision (boards.Modality.CAR_T) that recommends CAR-T cells.
CAR_T_MODALITY = "car_t"


def recommends_car_t(modalities: Iterable[str]) -> bool:
    return CAR_T_MODALITY in set(modalities)


def decision_problem(
    *, modalities: Sequence[str], same_patient: bool, latest_version: bool
) -> str | None:
    """Why a validated board decision cannot support a CAR-T order, or None.

    ``other_patient`` | ``amended`` (a later version replaces it) | ``not_car_t``."""
    if not same_patient:
        return "other_patient"
    if not latest_version:
        return "amended"
    if not recommends_car_t(modalities):
        return "not_car_t"
    return None


# --- qualification of the sites (regional health agency) ---------------------------------------


@dataclass(frozen=True)
class Qualification:
    products: tuple[str, ...]
    valid_from: dt.date
    valid_until: dt.date | None  # None: open-ended
    issued_by_ars: bool

    def is_current(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


@dataclass(frozen=True)
class QualificationStatus:
    """``current`` | ``expired`` | ``not_yet`` | ``other_products`` | ``not_ars`` | ``none``, with
    the qualification the status is about (the current one, the latest expired one...)."""

    status: str
    qualification: Qualification | None = None

    @property
    def ok(self) -> bool:
        return self.status == "current"


def qualification_status(
    qualifications: Iterable[Qualification], product: str, on: dt.date
) -> QualificationStatus:
    """The site's standing for ``product`` on day ``on``."""
    rows = list(qualifications)
    if not rows:
        return QualificationStatus("none")
    from_ars = [q for q in rows if q.issued_by_ars]
    if not from_ars:
        return QualificationStatus("not_ars", rows[0])
    covering = [q for q in from_ars if product in q.products]
    if not covering:
        return QualificationStatus("other_products", from_ars[0])
    current = [q for q in covering if q.is_current(on)]
    if current:
        return QualificationStatus(
            "current", max(current, key=lambda q: q.valid_until or dt.date.max)
        )
    future = [q for q in covering if q.valid_from > on]
    if future:
        return QualificationStatus("not_yet", min(future, key=lambda q: q.valid_from))
    return QualificationStatus("expired", max(covering, key=lambda q: q.valid_until or dt.date.min))


# --- monitoring after infusion --------------------------------------------------------------------


@dataclass(frozen=True)
class MonitoringPlan:
    infusion: dt.date
    daily_from: dt.date  # D1
    daily_until: dt.date  # the last day of daily monitoring at the qualified centre
    near_centre_until: dt.date  # stay within the label's travel time of the centre until then
    no_driving_until: dt.date  # no driving or operating machines until then


def in_daily_window(infusion: dt.date, day: dt.date, monitoring_days: int) -> bool:
    """Daily monitoring runs from the day after the infusion (D1) to D``monitoring_days``
    inclusive (the infusion day itself is the infusion activity, in hospital)."""
    return 1 <= (day - infusion).days <= monitoring_days


def monitoring_plan(
    infusion: dt.date, *, monitoring_days: int, near_centre_weeks: int, no_driving_weeks: int
) -> MonitoringPlan:
    return MonitoringPlan(
        infusion=infusion,
        daily_from=infusion + dt.timedelta(days=1),
        daily_until=infusion + dt.timedelta(days=monitoring_days),
        near_centre_until=infusion + dt.timedelta(weeks=near_centre_weeks),
        no_driving_until=infusion + dt.timedelta(weeks=no_driving_weeks),
    )


# --- tocilizumab before infusion ------------------------------------------------------------------


def tocilizumab_problem(
    *, doses_reserved: int | None, further_dose_access: bool, required_doses: int
) -> str | None:
    """``not_confirmed`` (the pharmacy has confirmed nothing) | ``too_few`` | ``no_further_access``
    (the centre cannot obtain a further dose within the label's delay), or None."""
    if doses_reserved is None:
        return "not_confirmed"
    if doses_reserved < required_doses:
        return "too_few"
    if not further_dose_access:
        return "no_further_access"
    return None


# --- thaw to infusion -----------------------------------------------------------------------------


def minutes_since_thaw(thawed_at: dt.datetime, at: dt.datetime) -> int:
    """Whole minutes elapsed, rounded up (a started minute counts: safer reading)."""
    seconds = (at - thawed_at).total_seconds()
    return int(-(-seconds // 60)) if seconds > 0 else 0


def thaw_limit_exceeded(thawed_at: dt.datetime, at: dt.datetime, limit_minutes: int) -> bool:
    """True when more than ``limit_minutes`` have passed since the thaw (the limit itself is
    still within)."""
    return at - thawed_at > dt.timedelta(minutes=limit_minutes)


# --- CRS/ICANS episode treatments -----------------------------------------------------------------

INDICATIONS = ("crs", "icans")
GRADES = (1, 2, 3, 4)  # ASTCT 2019 consensus grades (grade 5 = death is not a treatment record)


def dose_problem(
    *,
    dose: Decimal,
    unit: str,
    units: Sequence[str],
    max_mg: Decimal,
    max_mg_per_kg: Decimal | None,
) -> str | None:
    """``not_positive`` | ``unit`` (not offered for this drug) | ``above_limit``, or None."""
    if dose <= 0:
        return "not_positive"
    if unit not in units:
        return "unit"
    limit = max_mg_per_kg if unit == "mg/kg" else max_mg
    if limit is not None and dose > limit:
        return "above_limit"
    return None
