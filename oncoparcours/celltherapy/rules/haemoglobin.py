"""The haemoglobin gate of an EFS procedure (pure): no phlebotomy when the haemoglobin is at or
below the programme's threshold (HAS 2005: 11 g/dL), with a value recent enough."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

# Values outside this range are typing errors (g/dL), not haemoglobins.
PLAUSIBLE_G_DL = (Decimal("2.0"), Decimal("25.0"))


def haemoglobin_problem(
    *,
    value: Decimal | None,
    measured_on: dt.date | None,
    on: dt.date,
    refuse_at_or_below: Decimal,
    max_age_days: int,
) -> str | None:
    """Why the procedure cannot go ahead on day ``on``, or None.

    ``missing`` | ``missing_date`` | ``implausible`` | ``future`` | ``too_old`` | ``too_low``."""
    if value is None:
        return "missing"
    if measured_on is None:
        return "missing_date"
    low, high = PLAUSIBLE_G_DL
    if not low <= value <= high:
        return "implausible"
    if measured_on > on:
        return "future"
    if (on - measured_on).days > max_age_days:
        return "too_old"
    if value <= refuse_at_or_below:
        return "too_low"
    return None
