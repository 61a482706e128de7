"""Login with lockout after repeated failures, audited."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import request_context
from .audit import audit_record
from .models import AuditAction, LoginAttempt


def recent_failures(username: str, *, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    window_start = now - dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    last_success = (
        LoginAttempt.objects.filter(username=username, succeeded=True, at__gte=window_start)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    failures = LoginAttempt.objects.filter(
        username=username, succeeded=False, at__gte=last_success or window_start
    )
    return failures.count()


def is_locked(username: str) -> bool:
    return recent_failures(username) >= settings.LOGIN_LOCKOUT_THRESHOLD


class LockoutAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Incorrect username or password."),
        "locked": _(
            "Too many failed attempts: this account is locked for %(minutes)s minutes. "
            "Contact your administrator if you need access sooner."
        ),
    }

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    def clean(self) -> dict:
        username = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password")
        if not username or not password:
            return self.cleaned_data
        ip = request_context.current().ip
        if is_locked(username):
            LoginAttempt.objects.create(username=username, succeeded=False, ip=ip)
            audit_record(
                actor=None,
                action=AuditAction.LOGIN_FAILED,
                details={"username": username, "locked": True},
            )
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.LOGIN_LOCKOUT_MINUTES},
            )
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            LoginAttempt.objects.create(username=username, succeeded=False, ip=ip)
            audit_record(
                actor=None, action=AuditAction.LOGIN_FAILED, details={"username": username}
            )
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        LoginAttempt.objects.create(username=username, succeeded=True, ip=ip)
        audit_record(actor=self.user_cache, action=AuditAction.LOGIN)
        return self.cleaned_data
