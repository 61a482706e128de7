"""Registering and deactivating the systems that call the FHIR API (audited)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.directory.models import Organisation
from oncoparcours.patients.rules import consent as consent_rules

from .models import ApiClient
from .oauth import SmartScopes
from .rules.client_assertion import public_jwks_problems


@dataclass(frozen=True)
class NewClient:
    client: ApiClient
    client_id: str
    client_secret: str  # shown once; only its hash is stored


def api_client_create(
    *,
    actor: User | None,
    name: str,
    organisations: list[Organisation],
    scopes: list[str],
    jwks: dict[str, Any] | None = None,
    export_purposes: list[str] | None = None,
) -> NewClient:
    """``jwks``: the client's public keys when it authenticates with signed assertions
    (private_key_jwt); it then has no usable secret. ``export_purposes``: the purposes it may
    bulk export for (none: no bulk export)."""
    purposes = list(export_purposes or [])
    unknown_purposes = [purpose for purpose in purposes if purpose not in consent_rules.PURPOSES]
    if unknown_purposes:
        raise ApplicationError(
            _("Unknown export purpose: %(purposes)s. Known: %(known)s.")
            % {"purposes": ", ".join(unknown_purposes), "known": ", ".join(consent_rules.PURPOSES)},
            field="export_purposes",
        )
    offered = SmartScopes().get_all_scopes()
    if jwks is not None and (problems := public_jwks_problems(jwks)):
        raise ApplicationError(problems[0], field="jwks")
    unknown = [scope for scope in scopes if scope not in offered]
    if not name.strip():
        raise ApplicationError(_("A name is required."), field="name")
    if unknown:
        raise ApplicationError(
            _("Unknown scope: %(scopes)s. Offered: %(offered)s.")
            % {"scopes": ", ".join(unknown), "offered": ", ".join(offered)},
            field="scopes",
        )
    if not scopes:
        raise ApplicationError(_("At least one scope is required."), field="scopes")
    if not organisations:
        raise ApplicationError(_("At least one organisation is required."), field="organisations")
    secret = generate_client_secret()
    with transaction.atomic():
        application = get_application_model().objects.create(
            name=name.strip(),
            client_type="confidential",
            authorization_grant_type="client-credentials",
            client_secret=secret,
        )
        client = ApiClient.objects.create(
            application=application,
            name=name.strip(),
            scopes=scopes,
            jwks=jwks or {},
            export_purposes=purposes,
            created_by=actor,
        )
        client.organisations.set(organisations)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=client,
            details={
                "scopes": scopes,
                "export_purposes": purposes,
                "organisations": [str(o.pk) for o in organisations],
                "authentication": "private_key_jwt" if jwks else "client_secret",
            },
        )
    return NewClient(
        client=client, client_id=application.client_id, client_secret="" if jwks else secret
    )


def api_client_deactivate(*, actor: User | None, client: ApiClient, reason: str) -> None:
    """Its tokens stop working at once (checked on every call) and no new one is issued."""
    with transaction.atomic():
        ApiClient.objects.filter(pk=client.pk).update(active=False)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=client,
            reason=reason,
            details={"active": False},
        )
