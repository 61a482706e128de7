"""Date arithmetic with month offsets (a month later than 31 January is 28/29 February)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oncoparcours.directory.rules.dates import add_months

__all__ = ["Offset", "add_months"]


@dataclass(frozen=True)
class Offset:
    months: int = 0
    days: int = 0

    def apply(self, day: dt.date) -> dt.date:
        return add_months(day, self.months) + dt.timedelta(days=self.days)

    @classmethod
    def from_spec(cls, spec: dict) -> Offset:
        """``{"months": 6}``, ``{"weeks": 3}``, ``{"days": -5}`` or a combination."""
        return cls(
            months=int(spec.get("months", 0)),
            days=int(spec.get("days", 0)) + 7 * int(spec.get("weeks", 0)),
        )

    def __add__(self, other: Offset) -> Offset:
        return Offset(self.months + other.months, self.days + other.days)
