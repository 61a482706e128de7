"""Home-page panels about the user's patients."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.navigation import HomePanel

from .models import BreakGlassAccess, CareTeamMember
from .selectors import patients_for_user, professional_for


def my_patients_panel(request: AuthenticatedHttpRequest) -> HomePanel | None:
    professional = professional_for(request.user)
    if professional is None:
        return None
    today = timezone.localdate()
    recent = list(
        CareTeamMember.objects.filter(
            professional=professional, start__lte=today, start__gte=today - dt.timedelta(days=14)
        )
        .exclude(end__lt=today)
        .select_related("patient", "professional")
        .order_by("-start")[:8]
    )
    return HomePanel(
        title=_("My patients"),
        template="patients/panels/my_patients.html",
        context={
            "count": patients_for_user(request.user).count(),
            "recent": recent,
        },
        order=10,
        patient_ids=tuple(member.patient_id for member in recent),
    )


def break_glass_panel(request: AuthenticatedHttpRequest) -> HomePanel | None:
    now = timezone.now()
    active = list(
        BreakGlassAccess.objects.filter(user=request.user, expires_at__gt=now)
        .select_related("patient")
        .order_by("expires_at")
    )
    if not active:
        return None
    return HomePanel(
        title=_("Your emergency accesses in progress"),
        template="patients/panels/break_glass.html",
        context={"accesses": active},
        order=5,
    )
