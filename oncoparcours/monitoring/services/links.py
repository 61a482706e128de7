"""Patients' personal reporting links (magic links): random token shown once, stored hashed,
with an expiry; revocable."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.patients.models import Patient

from ..models import PatientAccessLink

MAX_DAYS = 180


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def access_link_create(
    *, patient: Patient, actor: User, days: int = 30, label: str = ""
) -> tuple[PatientAccessLink, str]:
    if not 1 <= days <= MAX_DAYS:
        raise ApplicationError(
            _("A link lasts from 1 to %(max)s days.") % {"max": MAX_DAYS}, field="days"
        )
    token = secrets.token_urlsafe(32)
    link = PatientAccessLink.objects.create(
        patient=patient,
        token_hash=_hash(token),
        label=label,
        created_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        obj=link,
        details={"days": days},
    )
    return link, token


@transaction.atomic
def access_link_revoke(*, link: PatientAccessLink, actor: User) -> PatientAccessLink:
    link = PatientAccessLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at, link.revoked_by = timezone.now(), actor
        link.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            patient_id=link.patient_id,
            obj=link,
            details={"revoked": True},
        )
    return link


def access_link_for_token(token: str) -> PatientAccessLink | None:
    """The usable link for a token, or None (unknown, expired or revoked look the same)."""
    if not token or len(token) > 100:
        return None
    link = (
        PatientAccessLink.objects.select_related("patient").filter(token_hash=_hash(token)).first()
    )
    if link is None or not link.is_usable():
        return None
    return link
