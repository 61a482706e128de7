"""Accreditation cycles (pure): which milestone of a cycle needs attention on a given day.

A cycle (from ``data/accreditation_cycles.yaml``) lasts ``cycle_months`` from the accreditation
date; an interim audit is due ``interim_audit_months`` after it. Alerts, most urgent first:
``expired``; ``interim_audit_overdue`` (due date passed, no audit recorded); ``renewal_due``
(within the renewal warning window before expiry); ``interim_audit_due`` (within its warning
window)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .dates import add_months


@dataclass(frozen=True)
class Cycle:
    capability: str
    cycle_months: int
    interim_audit_months: int | None
    interim_audit_warning_days: int
    renewal_warning_days: int
    source: str
    reading: str = ""


@dataclass(frozen=True)
class CycleAlert:
    code: str  # expired | interim_audit_overdue | renewal_due | interim_audit_due
    due_on: dt.date
    urgent: bool


def parse(data: dict[str, Any]) -> dict[str, Cycle]:
    cycles = {}
    for row in data["cycles"]:
        cycle = Cycle(
            capability=row["capability"],
            cycle_months=int(row["cycle_months"]),
            interim_audit_months=row.get("interim_audit_months"),
            interim_audit_warning_days=int(row.get("interim_audit_warning_days", 0)),
            renewal_warning_days=int(row["renewal_warning_days"]),
            source=" ".join(str(row["source"]).split()),
            reading=" ".join(str(row.get("reading", "")).split()),
        )
        if cycle.interim_audit_months is not None and not (
            0 < cycle.interim_audit_months < cycle.cycle_months
        ):
            raise ValueError(f"{cycle.capability}: the interim audit falls outside the cycle")
        cycles[cycle.capability] = cycle
    return cycles


def interim_audit_due_on(cycle: Cycle, valid_from: dt.date) -> dt.date | None:
    if cycle.interim_audit_months is None:
        return None
    return add_months(valid_from, cycle.interim_audit_months)


def alerts(
    cycle: Cycle,
    *,
    valid_from: dt.date,
    valid_until: dt.date | None,
    interim_audit_on: dt.date | None,
    today: dt.date,
) -> list[CycleAlert]:
    expiry = valid_until or add_months(valid_from, cycle.cycle_months)
    if expiry < today:
        return [CycleAlert("expired", expiry, urgent=True)]
    found = []
    interim = interim_audit_due_on(cycle, valid_from)
    if interim is not None and interim_audit_on is None and interim < expiry:
        if interim < today:
            found.append(CycleAlert("interim_audit_overdue", interim, urgent=True))
        elif interim <= today + dt.timedelta(days=cycle.interim_audit_warning_days):
            found.append(CycleAlert("interim_audit_due", interim, urgent=False))
    if expiry <= today + dt.timedelta(days=cycle.renewal_warning_days):
        found.append(CycleAlert("renewal_due", expiry, urgent=expiry <= today + dt.timedelta(90)))
    return sorted(found, key=lambda alert: (not alert.urgent, alert.due_on))
