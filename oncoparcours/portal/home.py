"""Patients' messages waiting for the care team: a home panel."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.navigation import HomePanel

from .selectors import staff_threads


def messages_panel(request: AuthenticatedHttpRequest) -> HomePanel | None:
    waiting = staff_threads(request.user, show="waiting")
    count = waiting.count()
    if not count:
        return None
    now = timezone.now()
    return HomePanel(
        title=_("Patient messages waiting"),
        template="portal/panels/messages.html",
        context={
            "count": count,
            "overdue": waiting.filter(answer_due__lt=now).count(),
            "threads": list(waiting[:5]),
            "now": now,
        },
        order=2,
    )
