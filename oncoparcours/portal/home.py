"""Patients' messages waiting for the care team: a home panel."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.navigation import HomePanel

from .selectors import staff_threads


def messages_panel(request: AuthenticatedHttpRequest) -> HomePanel | None:
    waiting = staff_threads(request.user, show="waiting")
    now = timezone.now()
    counts = waiting.aggregate(
        count=Count("pk"),
        overdue=Count("pk", filter=Q(answer_due__lt=now)),
        urgent=Count("pk", filter=Q(urgent_since__isnull=False)),
    )
    if not counts["count"]:
        return None
    return HomePanel(
        title=_("Patient messages waiting"),
        template="portal/panels/messages.html",
        context={
            **counts,
            "threads": list(waiting[:5]),
            "now": now,
        },
        order=2,
    )
