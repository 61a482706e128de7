"""Month arithmetic shared by validities, accreditation cycles and pathway offsets (a month after
31 January is 28 or 29 February; months may be negative)."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
