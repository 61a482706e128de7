"""Background tasks of the core app."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from .models import LoginAttempt

LOGIN_ATTEMPT_RETENTION_DAYS = 90
logger = logging.getLogger(__name__)


@task()
def prune_login_attempts() -> int:
    """Data minimisation: login attempts are kept 90 days (the audit trail keeps the logins)."""
    cutoff = timezone.now() - dt.timedelta(days=LOGIN_ATTEMPT_RETENTION_DAYS)
    deleted, _ = LoginAttempt.objects.filter(at__lt=cutoff).delete()
    return deleted


@task()
def ledger_checkpoint() -> dict:
    """Seal the settled audit rows, then anchor the heads of every ledger (table + file). An
    anchor is refused when a ledger went backwards since the last one (logged as an error;
    ``audit verify`` / ``custody verify`` report the details)."""
    from .anchors import AnchorRefused, anchor_write
    from .audit_chain import audit_seal

    sealed = audit_seal()
    try:
        anchor = anchor_write()
    except AnchorRefused as refusal:
        logger.error("ledger anchor refused: %s", refusal)
        return {"sealed_rows": sealed.sealed_rows, "anchor": None, "refused": str(refusal)}
    return {"sealed_rows": sealed.sealed_rows, "anchor": anchor.sequence if anchor else None}


@task()
def dispatch_notifications() -> dict:
    """Send the due notifications (retries and escalations included)."""
    from .notifications.services import notifications_dispatch

    result = notifications_dispatch()
    return {
        "sent": result.sent,
        "retried": result.retried,
        "escalated": result.escalated,
        "failed": result.failed,
    }
