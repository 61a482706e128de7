"""OpenID Connect login (Pro Santé Connect) on mozilla-django-oidc.

Endpoints come from the provider's discovery document (``OIDC_DISCOVERY_URL``), read once.
The identity is matched to a professional of the directory by RPPS number (``OIDC_RPPS_CLAIM``)
and logs in that professional's user account. An unknown identity is refused (audited): no
account is ever created from a provider login. Lockout applies as for passwords.
"""

from __future__ import annotations

import functools
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from oncoparcours.core import request_context
from oncoparcours.core.auth import second_factor
from oncoparcours.core.auth.lockout import (
    FailureReason,
    is_address_locked,
    is_locked,
    record_failure,
    record_success,
)
from oncoparcours.core.models import User

ENDPOINT_KEYS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


@functools.cache
def discovery(url: str) -> dict[str, Any]:
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    return response.json()


def oidc_setting(attr: str, *default: Any) -> Any:
    if attr in ENDPOINT_KEYS:
        return discovery(settings.OIDC_DISCOVERY_URL)[ENDPOINT_KEYS[attr]]
    return getattr(settings, attr, *default)


def rpps_from_claims(claims: dict[str, Any]) -> str:
    """The RPPS number in the claims; a national identifier "8" + RPPS gives the RPPS."""
    value: Any = claims
    for part in settings.OIDC_RPPS_CLAIM.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    text = str(value or "").strip()
    if len(text) == 12 and text.startswith("8"):
        text = text[1:]
    return text


class ProSanteConnectBackend(OIDCAuthenticationBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Endpoints are read lazily (see properties): a password login never calls the provider.
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    get_settings = staticmethod(oidc_setting)

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:
        return oidc_setting("OIDC_OP_TOKEN_ENDPOINT")

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:
        return oidc_setting("OIDC_OP_USER_ENDPOINT")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:
        return oidc_setting("OIDC_OP_JWKS_ENDPOINT")

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return True  # an identity without RPPS is refused in filter_users_by_claims

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        rpps = rpps_from_claims(claims)
        return User.objects.filter(
            professional__rpps=rpps, professional__is_active=True, is_active=True
        ).exclude(professional__rpps__isnull=True)[:2]

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict) -> Any:
        self.request.oidc_acr = payload.get("acr", "")
        user_info = self.get_userinfo(access_token, id_token, payload)
        rpps = rpps_from_claims(user_info) or rpps_from_claims(payload)
        users = list(self.filter_users_by_claims({**payload, **user_info}))
        ip = request_context.current().ip
        if len(users) != 1:
            record_failure(
                f"oidc:{rpps or payload.get('sub', '')}", ip, FailureReason.UNKNOWN_OIDC_IDENTITY
            )
            self.request.oidc_refusal = _(
                "This Pro Santé Connect identity matches no OncoParcours account. "
                "Ask your administrator to link your RPPS number to your account."
            )
            return None
        user = users[0]
        if is_locked(user.get_username()) or is_address_locked(ip):
            record_failure(user.get_username(), ip, FailureReason.ACCOUNT_LOCKED, user=user)
            self.request.oidc_refusal = _(
                "Too many failed attempts: logging in is blocked for a while. "
                "Contact your administrator if you need access sooner."
            )
            return None
        return user


class ProSanteConnectRequestView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)


class ProSanteConnectCallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    def login_failure(self) -> HttpResponse:
        message = getattr(self.request, "oidc_refusal", "")
        if not message:
            record_failure("oidc:", request_context.current().ip, FailureReason.OIDC_ERROR)
            message = _("The login with Pro Santé Connect did not succeed. Try again.")
        messages.error(self.request, message)
        return HttpResponseRedirect(reverse("core:login"))

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        user: User = self.user
        acr = getattr(self.request, "oidc_acr", "")
        record_success(user, request_context.current().ip, method=f"oidc(acr={acr})")
        if acr and acr in settings.OIDC_SECOND_FACTOR_ACR_VALUES:
            second_factor.mark_verified(self.request, "oidc")
        return response
