"""Home panel of liberal nurses: today's published tour (times and number of visits, no patient
named), with the way to it."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.navigation import HomePanel

from .models import PlanStatus, Tour
from .selectors import day_plans, nurse_of


def my_tour_panel(request: AuthenticatedHttpRequest) -> HomePanel | None:
    nurse = nurse_of(request.user)
    if nurse is None:
        return None
    plan = day_plans(timezone.localdate()).filter(status=PlanStatus.PUBLISHED).first()
    tour = Tour.objects.filter(plan=plan, nurse=nurse).first() if plan else None
    return HomePanel(
        title=_("My tour today"),
        template="planning/panels/my_tour.html",
        context={"tour": tour, "visits": tour.visits.count() if tour else 0},
        order=1,
    )
