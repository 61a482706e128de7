"""Background tasks of the core app."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from .models import LoginAttempt

LOGIN_ATTEMPT_RETENTION_DAYS = 90


@task()
def prune_login_attempts() -> int:
    """Data minimisation: login attempts are kept 90 days (the audit trail keeps the logins)."""
    cutoff = timezone.now() - dt.timedelta(days=LOGIN_ATTEMPT_RETENTION_DAYS)
    deleted, _ = LoginAttempt.objects.filter(at__lt=cutoff).delete()
    return deleted
