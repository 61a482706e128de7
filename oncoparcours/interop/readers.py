"""Who is reading through the API: a professional with a session, or a registered system with
a bearer token. Both answer the same two questions: which patients may I see, and how am I
named in the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from oncoparcours.core.models import User
from oncoparcours.patients.models import CareTeamMember
from oncoparcours.patients.selectors import visible_patient_filter

from .models import ApiClient


@dataclass(frozen=True)
class Reader:
    user: User | None = None
    client: ApiClient | None = None
    scopes: tuple[str, ...] = ()

    def patient_filter(self, field: str = "patient_id") -> Q:
        if self.user is not None:
            return visible_patient_filter(self.user, field)
        assert self.client is not None
        return Q(**{f"{field}__in": _client_care_teams(self.client)})

    def audit(self) -> dict[str, Any]:
        """The ``actor`` / ``actor_label`` keywords of ``audit_record``."""
        if self.user is not None:
            return {"actor": self.user}
        assert self.client is not None
        return {"actor": None, "actor_label": self.client.actor_label}


def _client_care_teams(client: ApiClient) -> Any:
    """Patient ids whose current care team holds a current member of the client's
    organisations (one subquery; the database drives from the memberships)."""
    today = timezone.localdate()
    current = (Q(end__isnull=True) | Q(end__gte=today)) & Q(start__lte=today)
    staff = Q(
        professional__memberships__organisation__in=client.organisations.all(),
        professional__memberships__start__lte=today,
    ) & (
        Q(professional__memberships__end__isnull=True)
        | Q(professional__memberships__end__gte=today)
    )
    return CareTeamMember.objects.filter(current, staff).order_by().values("patient_id")
