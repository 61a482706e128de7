"""Lockout after repeated failures: per account and per source address.

* Account: ``LOGIN_LOCKOUT_THRESHOLD`` failures in a row (no success in between) within
  ``LOGIN_LOCKOUT_MINUTES`` lock the username. A locked account's open sessions end too.
* Address: ``LOGIN_LOCKOUT_IP_THRESHOLD`` failures from one IP, whatever the usernames, within the
  same window block logins from that address (password guessing spread across accounts).

Failed second-factor codes count as failures of the account (``LoginAttempt`` rows too).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.conf import settings
from django.utils import timezone

from ..audit import audit_record
from ..models import AuditAction, LoginAttempt, User


class FailureReason(StrEnum):
    BAD_CREDENTIALS = "bad_credentials"
    ACCOUNT_LOCKED = "account_locked"
    ADDRESS_LOCKED = "address_locked"
    BAD_SECOND_FACTOR = "bad_second_factor"
    UNKNOWN_OIDC_IDENTITY = "unknown_oidc_identity"
    OIDC_ERROR = "oidc_error"


def _window_start(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def recent_failures(username: str, *, now: dt.datetime | None = None) -> int:
    """Failures in a row for this username within the window (a success resets the count).

    One query reading at most ``threshold`` rows: cheap enough to run on every request."""
    threshold = settings.LOGIN_LOCKOUT_THRESHOLD
    latest = LoginAttempt.objects.filter(username=username, at__gte=_window_start(now)).order_by(
        "-at", "-id"
    )
    outcomes = list(latest.values_list("succeeded", flat=True)[:threshold])
    return next((index for index, ok in enumerate(outcomes) if ok), len(outcomes))


def is_locked(username: str) -> bool:
    return recent_failures(username) >= settings.LOGIN_LOCKOUT_THRESHOLD


def address_failures(ip: str | None, *, now: dt.datetime | None = None) -> int:
    if not ip:
        return 0
    return LoginAttempt.objects.filter(ip=ip, succeeded=False, at__gte=_window_start(now)).count()


def is_address_locked(ip: str | None) -> bool:
    return address_failures(ip) >= settings.LOGIN_LOCKOUT_IP_THRESHOLD


def record_failure(
    username: str, ip: str | None, reason: FailureReason, *, user: User | None = None
) -> None:
    """A ``LoginAttempt`` row (counted by the lockout) and an audit event naming the reason."""
    LoginAttempt.objects.create(username=username[:150], succeeded=False, ip=ip)
    audit_record(
        actor=user,
        action=AuditAction.LOGIN_FAILED,
        details={"username": username[:150], "reason": str(reason)},
    )


def record_success(user: User, ip: str | None, *, method: str) -> None:
    LoginAttempt.objects.create(username=user.get_username(), succeeded=True, ip=ip)
    audit_record(actor=user, action=AuditAction.LOGIN, details={"method": method})
