"""Chair / machine planning page (``/fauteuils/``): choose a centre and a day, see the plan as a
Gantt-like table per chair or machine, the sessions not placed and why, build and publish.
Thin: parse, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.http import AuthenticatedHttpRequest

from . import chair_selectors as selectors
from . import chair_services as services
from .forms import ChairDayForm, DayForm, form_errors
from .models import ChairCentre, ChairPlan


def _url(centre: ChairCentre, day: dt.date) -> str:
    return f"{reverse('planning:chairs')}?centre={centre.pk}&jour={day:%Y-%m-%d}"


def _uuid(text: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(text or "")
    except ValueError:
        return None


@login_required
def chair_day(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.may_plan_chairs(request.user):
        raise Http404
    centres = list(selectors.chair_centres_for(request.user))
    centre = selectors.centre_among(centres, _uuid(request.GET.get("centre")))
    if centre is None:
        # A planning role with no centre of hers (a membership to add in the directory).
        return render(request, "planning/chairs.html", {"centre": None, "centres": []})
    day = timezone.localdate()
    error = ""
    if request.GET.get("jour"):
        form = DayForm({"day": request.GET["jour"]})
        if form.is_valid():
            day = form.cleaned_data["day"]
        else:
            error = form_errors(form)
    versions = selectors.day_plans(centre, day)
    plan = versions[0] if versions else None
    view = selectors.plan_view(user=request.user, plan=plan) if plan else None
    return render(
        request,
        "planning/chairs.html",
        {
            "centre": centre,
            "centres": centres,
            "day": day,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "plan": plan,
            "view": view,
            "versions": versions,
            "error": error,
        },
    )


@login_required
@require_POST
def chair_build(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ChairDayForm(request.POST)
    centre_id = _uuid(request.POST.get("centre"))
    centre = selectors.centre_for_user(request.user, centre_id)
    if centre is None or (centre_id is not None and centre.pk != centre_id):
        raise Http404
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(_url(centre, timezone.localdate()))
    day = form.cleaned_data["day"]
    try:
        plan = services.chair_plan_build(actor=request.user, centre=centre, day=day)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(_url(centre, day))
    messages.success(
        request,
        _("Draft version %(version)s built: check it, then publish it.")
        % {"version": plan.version},
    )
    return redirect(_url(centre, day))


@login_required
@require_POST
def chair_publish(request: AuthenticatedHttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    plan = get_object_or_404(ChairPlan.objects.select_related("centre"), pk=plan_id)
    if not selectors.can_plan_chairs(request.user, plan.centre):
        raise Http404
    try:
        published = services.chair_plan_publish(actor=request.user, plan=plan)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Chair plan published."))
        for note in published.notes:
            messages.info(request, note)
    return redirect(_url(plan.centre, plan.day))
