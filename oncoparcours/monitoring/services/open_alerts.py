"""The open alerts' index (``OpenAlert``): checked against the event log, and repaired.

The index is written with each alert and removed in the transaction that resolves it. It only
narrows what the inbox reads; if a row were ever missing, the alert would still escalate (the
worker reads the events), but it would drop out of the inboxes. So the worker compares the
index with the events every few minutes and puts back what is missing, and
``oncoparcours open_alerts verify`` reports any difference."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef

from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction

from ..models import Alert, AlertEvent, AlertEventKind, OpenAlert


@dataclass(frozen=True)
class IndexDifference:
    missing: list[uuid.UUID] = field(default_factory=list)  # unresolved, not in the index
    stale: list[uuid.UUID] = field(default_factory=list)  # in the index, resolved

    @property
    def clean(self) -> bool:
        return not self.missing and not self.stale


def open_alert_index_difference() -> IndexDifference:
    resolved = AlertEvent.objects.filter(alert=OuterRef("pk"), kind=AlertEventKind.RESOLVED)
    indexed = OpenAlert.objects.filter(alert=OuterRef("pk"))
    missing = Alert.objects.filter(~Exists(resolved), ~Exists(indexed)).order_by("created_at")
    stale = Alert.objects.filter(Exists(resolved), Exists(indexed)).order_by("created_at")
    return IndexDifference(
        missing=list(missing.values_list("pk", flat=True)),
        stale=list(stale.values_list("pk", flat=True)),
    )


@transaction.atomic
def open_alert_index_repair() -> IndexDifference:
    """Put back the unresolved alerts missing from the index and drop the resolved ones left in
    it; audited (system actor) when anything changed."""
    difference = open_alert_index_difference()
    if difference.missing:
        OpenAlert.objects.bulk_create(
            [
                OpenAlert(alert_id=pk, patient_id=patient_id)
                for pk, patient_id in Alert.objects.filter(pk__in=difference.missing).values_list(
                    "pk", "patient_id"
                )
            ],
            ignore_conflicts=True,
        )
    if difference.stale:
        OpenAlert.objects.filter(alert_id__in=difference.stale).delete()
    if not difference.clean:
        audit_record(
            actor=None,
            action=AuditAction.UPDATE,
            details={
                "what": "open alerts index repaired",
                "missing": [str(pk) for pk in difference.missing],
                "stale": [str(pk) for pk in difference.stale],
            },
        )
    return difference
