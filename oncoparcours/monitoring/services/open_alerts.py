"""The open alerts' index (``OpenAlert``): checked against the event log, and repaired.

Two database triggers keep the index (``monitoring.open_alert_index``). This is the last net: an
unresolved alert missing from the index would be missing from every inbox, home panel and
worklist (its escalations too, since they are read there), so the worker compares the index with
the events every 5 minutes, puts back what is missing with set-based SQL, logs an error (a
missing row is a bug, not routine) and audits the repair. ``oncoparcours open_alerts verify``
reports any difference."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction

from ..models import Alert, AlertEvent, AlertEventKind, OpenAlert

logger = logging.getLogger(__name__)
LISTED = 50  # ids named in the audit event and the log; the counts are always complete

_PUT_BACK = """
    INSERT INTO monitoring_openalert (alert_id, patient_id)
    SELECT a.id, a.patient_id FROM monitoring_alert a
    WHERE NOT EXISTS (
        SELECT 1 FROM monitoring_alertevent e WHERE e.alert_id = a.id AND e.kind = 'resolved'
    )
    AND NOT EXISTS (SELECT 1 FROM monitoring_openalert o WHERE o.alert_id = a.id)
"""
_DROP_RESOLVED = """
    DELETE FROM monitoring_openalert
    WHERE EXISTS (
        SELECT 1 FROM monitoring_alertevent e
        WHERE e.alert_id = monitoring_openalert.alert_id AND e.kind = 'resolved'
    )
"""


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
    it (set-based); audited (system actor) and logged as an error when anything was wrong."""
    difference = open_alert_index_difference()
    if difference.clean:
        return difference
    with connection.cursor() as cursor:
        cursor.execute(_PUT_BACK)
        cursor.execute(_DROP_RESOLVED)
    missing = [str(pk) for pk in difference.missing[:LISTED]]
    details = {
        "what": "open alerts index repaired",
        "missing_count": len(difference.missing),
        "stale_count": len(difference.stale),
        "missing": missing,
        "stale": [str(pk) for pk in difference.stale[:LISTED]],
    }
    audit_record(actor=None, action=AuditAction.UPDATE, details=details)
    if difference.missing:
        logger.error(
            "open alerts index: %d unresolved alert(s) were missing from the inboxes and were "
            "put back: %s",
            len(difference.missing),
            ", ".join(missing),
        )
    return difference
