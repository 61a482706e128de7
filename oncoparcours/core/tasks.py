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


DISPATCH_BATCH = 500
DISPATCH_BUDGET_SECONDS = 9.0  # the job runs every 10 s: drain a backlog without piling up


@task()
def dispatch_notifications() -> dict:
    """Send the due notifications (retries and escalations included), batch after batch while
    full batches come and the time budget lasts (a backlog of reminders drains in one run)."""
    import time

    from .notifications.services import notifications_dispatch

    totals = {"sent": 0, "retried": 0, "escalated": 0, "failed": 0}
    started = time.monotonic()
    while True:
        result = notifications_dispatch(limit=DISPATCH_BATCH)
        done = result.sent + result.retried + result.escalated + result.failed
        for name in totals:
            totals[name] += getattr(result, name)
        if done < DISPATCH_BATCH or time.monotonic() - started > DISPATCH_BUDGET_SECONDS:
            return totals
