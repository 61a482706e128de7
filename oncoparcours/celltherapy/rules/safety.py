"""CAR-T safety gates (pure): the board decision that recommends CAR-T, the regional health
agency's qualification of the sites for the product, the monitoring plan after infusion (daily
assessments, stay near the centre, no driving), the tocilizumab doses on site before infusion, the
thaw-to-infusion limit, the doses recorded during a CRS/ICANS episode.

The numbers come from the product's label (``data/products.yaml``); these functions only compare.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from oncoparcours.directory.rules import icd10

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


# The CAR-T pathway parameters whose floor is the product's label (see products.yaml): the pathway
# may ask longer, never shorter. A shorter period needs a new products.yaml version citing the label
# that allows it (e.g. the 2025 US labels), not a free parameter.
LABEL_PERIODS = ("near_centre_weeks", "no_driving_weeks")


def periods_below_label(chosen: Mapping[str, object], label: Mapping[str, int]) -> dict[str, int]:
    """The label periods set shorter than the label: ``{parameter: the label's weeks}``.

    ``label`` gives each parameter's floor in weeks; a parameter not chosen takes the label's
    value, so it is never short. A value that is not a whole number counts as short (nothing
    shorter than the label may pass unnoticed)."""
    short: dict[str, int] = {}
    for name, floor in label.items():
        if name not in chosen:
            continue
        try:
            weeks = int(str(chosen[name]))
        except ValueError:
            short[name] = floor
            continue
        if weeks < floor:
            short[name] = floor
    return short


def effective_periods(chosen: Mapping[str, object], label: Mapping[str, int]) -> dict[str, int]:
    """The weeks that apply: the chosen value when at least the label's, else the label's."""
    short = periods_below_label(chosen, label)
    return {
        name: floor if name in short or name not in chosen else int(str(chosen[name]))
        for name, floor in label.items()
    }


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


def confirmation_valid_until(confirmed_at: dt.datetime, valid_hours: int) -> dt.datetime:
    return confirmed_at + dt.timedelta(hours=valid_hours)


def tocilizumab_problem(
    *,
    doses_reserved: int | None,
    further_dose_access: bool,
    required_doses: int,
    confirmed_at: dt.datetime | None,
    at: dt.datetime,
    valid_hours: int,
) -> str | None:
    """Whether the pharmacy's latest confirmation lets the product be infused at ``at``.

    ``not_confirmed`` (nothing confirmed by then: a confirmation recorded after ``at`` does not
    count) | ``too_few`` | ``no_further_access`` (the centre cannot obtain a further dose within
    the label's delay) | ``expired`` (confirmed more than ``valid_hours`` before ``at``: the
    doses must be on site at the infusion, not at the order), or None. Exactly ``valid_hours``
    before is still valid."""
    if doses_reserved is None or confirmed_at is None or confirmed_at > at:
        return "not_confirmed"
    if doses_reserved < required_doses:
        return "too_few"
    if not further_dose_access:
        return "no_further_access"
    if at > confirmation_valid_until(confirmed_at, valid_hours):
        return "expired"
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


def dose_problem(*, dose: Decimal, unit: str, limits: Mapping[str, Decimal]) -> str | None:
    """``not_positive`` | ``unit`` (not a unit this drug is entered in) | ``above_limit`` (above
    the plausible single dose of THAT unit: a typing-error guard, not prescribing guidance), or
    None. The limit itself is accepted."""
    if dose <= 0:
        return "not_positive"
    if unit not in limits:
        return "unit"
    if dose > limits[unit]:
        return "above_limit"
    return None


@dataclass(frozen=True)
class Indication:
    """An indication of the marketing authorisation: an ICD-10 range, with the label's age
    limits when it has some (e.g. B-ALL up to 25 years for tisagenlecleucel)."""

    start: str
    end: str
    min_age: int | None = None
    max_age: int | None = None

    def covers(self, code: str, age: int) -> bool:
        if not icd10.in_range(code, self.start, self.end):
            return False
        return (self.min_age is None or age >= self.min_age) and (
            self.max_age is None or age <= self.max_age
        )


def indication_matches(
    indications: Sequence[Indication], diagnoses: Iterable[str], age: int
) -> bool:
    """True when one of the patient's diagnoses (ICD-10 codes) is an indication of the label at
    the patient's age today."""
    codes = list(diagnoses)
    return any(ind.covers(code, age) for ind in indications for code in codes)
