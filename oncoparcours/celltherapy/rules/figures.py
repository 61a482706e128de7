"""Per-order and per-manufacturer delays (pure): apheresis to release, vein to vein (apheresis to
infusion), days in cryostorage, out-of-specification rate."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class OrderDates:
    manufacturer: str
    state: str
    collected: dt.datetime | None = None
    released: dt.datetime | None = None
    stored: dt.datetime | None = None
    dispensed: dt.datetime | None = None
    infused: dt.datetime | None = None
    quarantined: dt.datetime | None = None  # out of specification once, even if later accepted

    @property
    def out_of_specification(self) -> bool:
        return self.state == "out_of_specification" or self.quarantined is not None


def days(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 86400, 1)


@dataclass(frozen=True)
class OrderFigures:
    apheresis_to_release: float | None
    vein_to_vein: float | None
    cryostorage: float | None


def order_figures(order: OrderDates) -> OrderFigures:
    return OrderFigures(
        days(order.collected, order.released),
        days(order.collected, order.infused),
        days(order.stored, order.dispensed),
    )


@dataclass(frozen=True)
class ManufacturerFigures:
    manufacturer: str
    orders: int
    median_apheresis_to_release: float | None
    median_vein_to_vein: float | None
    median_cryostorage: float | None
    out_of_specification: int
    out_of_specification_rate: float | None


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 1) if present else None


def by_manufacturer(orders: Iterable[OrderDates]) -> list[ManufacturerFigures]:
    groups: dict[str, list[OrderDates]] = {}
    for order in orders:
        groups.setdefault(order.manufacturer, []).append(order)
    rows = []
    for name, group in sorted(groups.items()):
        figures = [order_figures(o) for o in group]
        decided = [o for o in group if o.released is not None or o.out_of_specification]
        oos = sum(1 for o in group if o.out_of_specification)
        rows.append(
            ManufacturerFigures(
                name,
                len(group),
                _median([f.apheresis_to_release for f in figures]),
                _median([f.vein_to_vein for f in figures]),
                _median([f.cryostorage for f in figures]),
                oos,
                oos / len(decided) if decided else None,
            )
        )
    return rows
