"""Home panel: the alerts waiting for me."""

from __future__ import annotations

from django.utils.translation import gettext as _

from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.navigation import HomePanel

from .selectors import inbox, open_alert_counts


def alerts_panel(request: AuthenticatedHttpRequest) -> HomePanel | None:
    counts = open_alert_counts(request.user)
    if not counts:
        return None
    return HomePanel(
        title=_("Alerts for me"),
        template="monitoring/panels/alerts.html",
        context={
            "counts": counts,
            "severe": counts.get("emergency", 0) + counts.get("immediate", 0),
            "alerts": list(inbox(user=request.user, status="unacknowledged")[:6]),
        },
        order=1,
    )
