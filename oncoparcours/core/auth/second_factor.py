"""Second factor: TOTP (django-otp) with single-use recovery codes (django-otp's static device).

The session remembers a completed second factor under ``SECOND_FACTOR_SESSION_KEY`` (method name):
the guard middleware reads it without a query. Logging out or logging in again clears it."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..audit import audit_record
from ..models import AuditAction, User

SECOND_FACTOR_SESSION_KEY = "oncoparcours_second_factor"
RECOVERY_CODE_COUNT = 10


def is_required_for(user: User) -> bool:
    """Every professional account reads patient data or small-cell aggregates of it."""
    return bool(settings.SECOND_FACTOR_REQUIRED) and user.is_authenticated


def is_verified(request: HttpRequest) -> bool:
    return bool(request.session.get(SECOND_FACTOR_SESSION_KEY))


def mark_verified(request: HttpRequest, method: str) -> None:
    request.session[SECOND_FACTOR_SESSION_KEY] = method


def has_confirmed_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled (a fresh secret if none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, grouped by four for typing into an authenticator app."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code, rendered here (no third-party service)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def _clean(code: str) -> str:
    return "".join(code.split()).lower()


@transaction.atomic
def confirm_enrolment(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """First code right: the device is confirmed and new recovery codes returned (shown once)."""
    if not device.verify_token(_clean(code)):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(device.user)
    otp_login(request, device)
    mark_verified(request, "totp")
    audit_record(actor=device.user, action=AuditAction.SECOND_FACTOR, details={"event": "enrolled"})
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


@transaction.atomic
def verify_code(request: HttpRequest, user: User, code: str) -> str | None:
    """A TOTP code or an unused recovery code (consumed). Returns the method, or None."""
    token = _clean(code)
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            otp_login(request, device)
            mark_verified(request, "totp")
            return "totp"
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(token):  # deletes the used token
            otp_login(request, static)
            mark_verified(request, "recovery_code")
            audit_record(
                actor=user, action=AuditAction.SECOND_FACTOR, details={"event": "recovery_code"}
            )
            return "recovery_code"
    return None


@transaction.atomic
def reset_second_factor(user: User, *, actor: User) -> int:
    """An administrator removes a user's devices (lost phone): enrolment again at next login."""
    deleted = TOTPDevice.objects.filter(user=user).delete()[0]
    deleted += StaticDevice.objects.filter(user=user).delete()[0]
    # The lost phone may be in someone's hands: every session of the account ends with it.
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    audit_record(
        actor=actor,
        action=AuditAction.SECOND_FACTOR,
        obj=user,
        details={"event": "reset", "user": user.get_username(), "sessions_ended": True},
    )
    return deleted
