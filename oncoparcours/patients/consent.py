"""Oppositions that exports honour: the export purposes with their legal basis (a data file) and
the set-based query of the patients an export must leave out, per ``rules.consent``.

Exports live in higher apps (indicators); they call ``excluded_patient_ids`` at the moment they
produce a file or a page, so that an opposition recorded today is honoured today."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from .models import ConsentDecision, ConsentKind, ConsentRecord, ConsentScope
from .rules import consent as rules

PURPOSES_FILE = Path(__file__).resolve().parent / "data" / "consent_purposes.yaml"


@dataclass(frozen=True)
class Purpose:
    key: str
    legal_basis: str
    exports: str

    @property
    def label(self) -> str:
        return str(ConsentScope(self.key).label)


@cache
def purposes() -> dict[str, Purpose]:
    with PURPOSES_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    found = {
        key: Purpose(key, item["legal_basis"], item["exports"])
        for key, item in data["purposes"].items()
    }
    if set(found) != set(rules.PURPOSES):
        raise ValueError(f"{PURPOSES_FILE.name} must describe exactly {rules.PURPOSES}")
    return found


def purposes_version() -> str:
    with PURPOSES_FILE.open(encoding="utf-8") as handle:
        return str(yaml.safe_load(handle)["version"])


def excluded_patient_ids(*, purposes: Iterable[str], on: dt.date | None = None) -> QuerySet:
    """Ids of the patients with an opposition in force on ``on`` (default today) for any of
    ``purposes``: one SQL statement (the latest decision per patient and purpose by a correlated
    subquery on the ``consent_in_force`` index)."""
    wanted = list(purposes)
    unknown = set(wanted) - set(rules.PURPOSES)
    if unknown:
        raise ValueError(f"unknown export purpose(s): {sorted(unknown)}")
    day = on or timezone.localdate()
    latest = (
        ConsentRecord.objects.filter(
            patient=OuterRef("patient"),
            kind=ConsentKind.DATA_SHARING,
            scope=OuterRef("scope"),
            recorded_on__lte=day,
        )
        .order_by("-recorded_on", "-recorded_at", "-id")
        .values("id")[:1]
    )
    return (
        ConsentRecord.objects.filter(
            kind=ConsentKind.DATA_SHARING,
            scope__in=wanted,
            recorded_on__lte=day,
            decision=ConsentDecision.OPPOSITION,
            id=Subquery(latest),
        )
        .order_by()
        .values_list("patient_id", flat=True)
        .distinct()
    )


def facts(records: Iterable[ConsentRecord]) -> list[rules.ConsentFact]:
    return [
        rules.ConsentFact(
            r.kind, r.scope, r.decision, r.recorded_on, (r.recorded_at, int(r.pk or 0))
        )
        for r in records
    ]


def opposition_in_force(
    patient_id: uuid.UUID, *, purpose: str, on: dt.date | None = None
) -> ConsentRecord | None:
    """The patient's opposition to ``purpose`` in force on ``on`` (default today), read by the
    same rule as every export (``rules.decision_in_force``); None when none is in force."""
    if purpose not in rules.PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    day = on or timezone.localdate()
    records = list(
        ConsentRecord.objects.filter(
            patient_id=patient_id,
            kind=ConsentKind.DATA_SHARING,
            scope=purpose,
            recorded_on__lte=day,
        )
    )
    fact = rules.fact_in_force(facts(records), purpose=purpose, on=day)
    if fact is None or fact.decision != rules.OPPOSITION:
        return None
    return next(r for r in records if (r.recorded_at, int(r.pk or 0)) == fact.entered)


def patient_exclusions(
    records: Iterable[ConsentRecord], *, on: dt.date | None = None
) -> list[Purpose]:
    """The export purposes a patient is left out of today, from their consent records (all of
    them, or the latest per kind and scope: the rule gives the same answer)."""
    excluded = rules.excluded_for(
        facts(records),
        purposes=rules.PURPOSES,
        on=on or timezone.localdate(),
    )
    return [purposes()[key] for key in excluded]


def oppositions_recorded_since(*, purpose: str, moment: dt.datetime) -> bool:
    """Whether an opposition to ``purpose`` was recorded after ``moment`` (for any patient):
    files exported before it may hold that patient and must not be handed out any more."""
    return ConsentRecord.objects.filter(
        kind=ConsentKind.DATA_SHARING,
        scope=purpose,
        decision=ConsentDecision.OPPOSITION,
        recorded_at__gt=moment,
    ).exists()
