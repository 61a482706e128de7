"""django-oauth-toolkit glue: the scopes a client may obtain are those its ApiClient row grants
(an inactive client gets none), and a token's bearer is resolved to that client."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from oauth2_provider.scopes import BaseScopes

from .capability import RESOURCES
from .rules import scopes as smart

# Composition is served only as the `$document` of a board decision (no search).
SERVED = [*RESOURCES, "Composition"]


class SmartScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, str]:
        return {scope: scope for scope in smart.offered(SERVED)}

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        client = getattr(application, "api_client", None) if application else None
        if client is None or not client.active:
            return []
        return [scope for scope in self.get_all_scopes() if smart.covered(scope, client.scopes)]

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return []  # a client asks for what it needs


def bearer_client(request: HttpRequest) -> tuple[Any, list[str]] | None:
    """The ApiClient and granted scopes of a valid bearer token, or None (missing, expired,
    revoked, or the client deactivated since)."""
    from oauth2_provider.oauth2_backends import get_oauthlib_core

    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    if not valid:
        return None
    token = oauth_request.access_token
    client = getattr(token.application, "api_client", None)
    if client is None or not client.active:
        return None
    return client, token.scope.split()


def audit_token_issued(sender: Any, request: Any, token: Any, **kwargs: Any) -> None:
    """Every token issued is in the audit trail, named by its client and scopes."""
    from oncoparcours.core.audit import audit_record
    from oncoparcours.core.models import AuditAction

    client = getattr(token.application, "api_client", None)
    audit_record(
        actor=None,
        actor_label=client.actor_label if client else token.application.name,
        action=AuditAction.LOGIN,
        details={"what": "FHIR access token", "scopes": token.scope.split()},
    )
