"""Home panel: my activities this week."""

from __future__ import annotations

from django.utils.translation import gettext as _

from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.navigation import HomePanel

from .selectors import week_activities
from .worklist_rows import activity_rows


def week_panel(request: AuthenticatedHttpRequest) -> HomePanel | None:
    count, late, activities = week_activities(request.user)
    if not count:
        return None
    rows = activity_rows(activities)
    return HomePanel(
        title=_("My activities this week"),
        template="pathways/panels/week.html",
        context={"count": count, "late": late, "activities": rows},
        order=15,
        patient_ids=tuple(row.patient_id for row in rows),
    )
