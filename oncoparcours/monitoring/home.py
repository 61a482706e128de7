"""The alerts waiting for me: a home panel and the top of my worklist."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.navigation import HomePanel
from oncoparcours.pathways.worklist_sections import WorklistSection

from .selectors import RankedAlerts, inbox, open_alerts_glance

WORKLIST_ALERTS = 10


def alerts_panel(request: AuthenticatedHttpRequest) -> HomePanel | None:
    counts, alerts = open_alerts_glance(request.user, limit=6)
    if not counts:
        return None
    return HomePanel(
        title=_("Alerts for me"),
        template="monitoring/panels/alerts.html",
        context={
            "counts": counts,
            "severe": counts.get("emergency", 0) + counts.get("immediate", 0),
            "alerts": alerts,
        },
        order=1,
    )


def worklist_alerts(request: AuthenticatedHttpRequest) -> WorklistSection | None:
    """The alerts sent to me that nobody has acknowledged yet, at the top of my worklist."""
    alerts = RankedAlerts(inbox(user=request.user, status="unacknowledged"))[:WORKLIST_ALERTS]
    if not alerts:
        return None
    return WorklistSection(
        title=_("Alerts waiting for me"),
        template="monitoring/panels/worklist_alerts.html",
        context={"alerts": alerts, "now": timezone.now()},
    )
