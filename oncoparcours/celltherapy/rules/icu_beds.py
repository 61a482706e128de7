"""Intensive-care bed reservations after a CAR-T infusion (pure): how many days a bed is held
per product (``data/icu_beds.yaml``; an unknown product gets the longest, safer reading), the
days a reservation covers, the reservation states and the days a unit has no bed left."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

# requested → confirmed | refused | cancelled; confirmed → released | cancelled.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "requested": ("confirmed", "refused", "cancelled"),
    "confirmed": ("released", "cancelled"),
    "refused": (),
    "released": (),
    "cancelled": (),
}
# Who moves a reservation: the cell-therapy team asks and cancels, the ICU answers and releases.
BY_ICU = frozenset({"confirmed", "refused", "released"})
BY_TEAM = frozenset({"cancelled"})
# A reservation that takes a bed on its days (a request does not, until the ICU confirms it).
HOLDING = frozenset({"confirmed"})
# Releasing a confirmed bed while it may still be needed (``release_is_early``) needs a reason
# and tells the order's haematologist and coordination nurse.


def allowed_next(state: str) -> tuple[str, ...]:
    return TRANSITIONS.get(state, ())


def can_move(current: str, target: str) -> bool:
    return target in allowed_next(current)


def days_held(product: str, table: Mapping[str, int]) -> int:
    """Days a bed is held from the infusion day included; unknown product: the longest."""
    if not table:
        raise ValueError("icu_beds.yaml lists no product")
    return table.get(product, max(table.values()))


def covered_days(first_day: dt.date, held: int) -> list[dt.date]:
    return [first_day + dt.timedelta(days=i) for i in range(held)]


def last_day(first_day: dt.date, held: int) -> dt.date:
    return first_day + dt.timedelta(days=held - 1)


def covers(first: dt.date, last: dt.date, infusion: dt.date, held: int) -> bool:
    """A reservation from ``first`` to ``last`` covers an infusion on ``infusion`` when every
    day the product needs a bed (the infusion day and the ``held - 1`` days after) is in it."""
    return first <= infusion and last_day(infusion, held) <= last


def release_is_early(
    *,
    today: dt.date,
    last: dt.date,
    order_state: str,
    infusion_day: dt.date | None,
    held: int,
) -> bool:
    """Whether releasing a confirmed bed on ``today`` frees it while the patient may still need
    it: before the reservation's ``last`` day, unless the order is cancelled, or infused on
    ``infusion_day`` with the product's ``held`` days already over."""
    if today > last or order_state == "cancelled":
        return False
    if order_state == "infused" and infusion_day is not None:
        return today <= last_day(infusion_day, held)
    return True


def full_days(occupied: Mapping[dt.date, int], beds: int, days: Iterable[dt.date]) -> list[dt.date]:
    """The days among ``days`` on which one more patient would exceed the unit's beds."""
    return [day for day in days if occupied.get(day, 0) + 1 > beds]
