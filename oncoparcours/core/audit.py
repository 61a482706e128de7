"""Writing the audit trail. Called by services and selectors inside their transaction."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models

from . import request_context
from .models import AuditAction, AuditEvent, User

ACTIONS = frozenset(AuditAction.values)


def _object_ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label, str(obj.pk)


def audit_record(
    *,
    actor: User | None,
    action: str,
    patient_id: uuid.UUID | str | None = None,
    obj: models.Model | None = None,
    reason: str = "",
    break_glass: bool = False,
    details: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one audit event (see ``_build``)."""
    event = _build(
        actor=actor,
        action=action,
        patient_id=patient_id,
        obj=obj,
        reason=reason,
        break_glass=break_glass,
        details=details,
        actor_label=actor_label,
    )
    event.save()
    return event


def _build(
    *,
    actor: User | None,
    action: str,
    patient_id: uuid.UUID | str | None = None,
    obj: models.Model | None = None,
    reason: str = "",
    break_glass: bool = False,
    details: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """One audit event, not saved yet. Request id, IP and path come from the request context.
    ``actor_label`` names an actor without a staff account (a patient or a caregiver in the
    portal); a staff actor is always named by their username."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    context = request_context.current()
    object_type, object_id = _object_ref(obj)
    actor_obj = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent(
        actor=actor_obj,
        actor_label=actor_obj.username if actor_obj else actor_label[:200],
        action=action,
        patient_id=patient_id,
        object_type=object_type,
        object_id=object_id,
        reason=reason,
        break_glass=break_glass,
        request_id=context.request_id,
        ip=context.ip,
        path=context.path[:500],
        details=details or {},
    )


def audit_record_many(events: list[dict[str, Any]]) -> None:
    """Append many audit events in one insert (each signed like a single one); each dict holds
    the keyword arguments of ``audit_record``."""
    from .audit_chain import sign_row
    from .ledger_keys import ledger_keys

    keys = ledger_keys()  # read once for the batch (a file-based key is stat'ed per read)
    built = []
    for arguments in events:
        event = _build(**arguments)
        sign_row(event, keys)
        built.append(event)
    AuditEvent.objects.bulk_create(built, batch_size=500)
