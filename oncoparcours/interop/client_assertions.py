"""``private_key_jwt`` client authentication for the token endpoint (RFC 7523, SMART Backend
Services): a system registered with public keys signs a short-lived assertion instead of sending
a secret. Every refusal is audited with its reasons; a ``jti`` is accepted once."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from jwcrypto import jwk, jws
from jwcrypto.common import JWException
from oauth2_provider.models import get_application_model
from oauth2_provider.oauth2_validators import OAuth2Validator

from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction

from .models import ApiClient, UsedClientAssertion
from .rules import client_assertion as rules


def token_endpoint() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("interop:token")


def _segment(token: str, index: int) -> dict[str, Any]:
    part = token.split(".")[index]
    decoded = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    if not isinstance(decoded, dict):
        raise ValueError("not a JSON object")
    return decoded


def _refused(label: str, problems: list[str]) -> bool:
    audit_record(
        actor=None,
        actor_label=label,
        action=AuditAction.DENIED,
        details={"what": "FHIR client assertion", "problems": problems},
    )
    return False


def _signature_valid(token: str, client: ApiClient, kid: str | None) -> bool:
    keys = jwk.JWKSet.from_json(json.dumps(client.jwks))
    candidates = [key for key in keys if kid is None or key.get("kid") == kid]
    for key in candidates:
        signed = jws.JWS()
        signed.allowed_algs = list(rules.ALGORITHMS)
        try:
            signed.deserialize(token)
            signed.verify(key)
        except (JWException, ValueError):
            continue
        return True
    return False


def assertion_authenticates(request: Any) -> bool:
    """Authenticate the oauthlib ``request`` by its client assertion; sets ``request.client``."""
    if getattr(request, "client_assertion_type", None) != rules.ASSERTION_TYPE:
        return _refused("FHIR client", ["client_assertion_type: " + rules.ASSERTION_TYPE])
    token = str(getattr(request, "client_assertion", "") or "")
    try:
        header, claims = _segment(token, 0), _segment(token, 1)
    except (ValueError, IndexError):
        return _refused("FHIR client", ["client_assertion: not a signed JWT"])
    client_id = str(claims.get("iss", ""))
    application = get_application_model().objects.filter(client_id=client_id).first()
    client = getattr(application, "api_client", None) if application else None
    if client is None or not client.active or not client.jwks:
        return _refused("FHIR client", ["iss: no active client registered with public keys"])
    problems = rules.header_problems(header) + rules.claims_problems(
        claims, client_id=client_id, audience=token_endpoint(), now=time.time()
    )
    if not problems and not _signature_valid(token, client, header.get("kid")):
        problems = ["signature: not made by a key the client registered"]
    if problems:
        return _refused(client.actor_label, problems)
    expires = dt.datetime.fromtimestamp(claims["exp"], tz=dt.UTC)
    try:
        with transaction.atomic():
            UsedClientAssertion.objects.create(client=client, jti=claims["jti"], expires_at=expires)
    except IntegrityError:
        return _refused(client.actor_label, ["jti: this assertion was already used"])
    request.client = application
    request.client_id = client_id
    return True


class SmartOAuth2Validator(OAuth2Validator):
    """django-oauth-toolkit's validator, plus client assertions; a client registered with
    public keys may not fall back to its secret."""

    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        if getattr(request, "client_assertion", None) or getattr(
            request, "client_assertion_type", None
        ):
            return assertion_authenticates(request)
        authenticated = bool(super().authenticate_client(request, *args, **kwargs))
        client = getattr(request.client, "api_client", None) if authenticated else None
        if client is not None and client.jwks:
            request.client = None
            return _refused(client.actor_label, ["client_secret: this client signs assertions"])
        return authenticated
