"""Login form: lockout per account and per address, every failure audited.

The messages never tell whether an account exists: an unknown username, a wrong password and an
inactive account all get the same answer, and the lockout message is the same for both locks."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .. import request_context
from .lockout import FailureReason, is_address_locked, is_locked, record_failure


class LockoutAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Incorrect username or password."),
        "inactive": _("Incorrect username or password."),
        "locked": _(
            "Too many failed attempts: logging in is blocked for %(minutes)s minutes. "
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
        lock = self._lock_reason(username, ip)
        if lock is not None:
            record_failure(username, ip, lock)
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.LOGIN_LOCKOUT_MINUTES},
            )
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            record_failure(username, ip, FailureReason.BAD_CREDENTIALS)
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    @staticmethod
    def _lock_reason(username: str, ip: str | None) -> FailureReason | None:
        if is_locked(username):
            return FailureReason.ACCOUNT_LOCKED
        if is_address_locked(ip):
            return FailureReason.ADDRESS_LOCKED
        return None
