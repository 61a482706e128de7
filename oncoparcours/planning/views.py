"""Nurse tour pages: the day's plan, one tour (ordered visits, times, map), its printable sheet.
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

from . import selectors, services
from .forms import AbsentNurseForm, CancelVisitForm, DayForm, form_errors
from .models import PlanStatus, Tour, TourPlan
from .rules.svgmap import project


def _day_of(request: AuthenticatedHttpRequest) -> dt.date:
    form = DayForm({"day": request.GET.get("jour") or request.POST.get("day") or ""})
    if form.is_valid():
        day: dt.date = form.cleaned_data["day"]
        return day
    return timezone.localdate()


def _day_url(day: dt.date) -> str:
    return f"{reverse('planning:day')}?jour={day:%Y-%m-%d}"


@login_required
def day_plan(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.can_read(request.user):
        raise Http404
    day = _day_of(request)
    plan = selectors.plan_shown(request.user, day)
    planner = selectors.can_plan(request.user)
    tours = selectors.plan_tours(user=request.user, plan=plan) if plan else []
    unassigned = selectors.plan_unassigned(user=request.user, plan=plan) if plan else []
    replannable = planner and plan is not None and plan.status == PlanStatus.PUBLISHED
    return render(
        request,
        "planning/day.html",
        {
            "day": day,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "plan": plan,
            "versions": list(selectors.day_plans(day)) if planner else [],
            "tours": tours,
            "unassigned": unassigned,
            "planner": planner,
            "day_form": DayForm(initial={"day": day}),
            "replannable": replannable,
            "absent_form": AbsentNurseForm(plan=plan) if replannable else None,
            "absent_nurses": list(plan.absent_nurses.select_related("professional"))
            if plan
            else [],
        },
    )


@login_required
@require_POST
def plan_build(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.can_plan(request.user):
        raise Http404
    form = DayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid day."))
        return redirect("planning:day")
    plan = services.plan_build(actor=request.user, day=form.cleaned_data["day"])
    messages.success(
        request,
        _("Draft version %(version)s built: check it, then publish it.")
        % {"version": plan.version},
    )
    return redirect(_day_url(plan.day))


@login_required
@require_POST
def plan_publish(request: AuthenticatedHttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    if not selectors.can_plan(request.user):
        raise Http404
    plan = get_object_or_404(TourPlan, pk=plan_id)
    try:
        services.plan_publish(actor=request.user, plan=plan)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Tours published: the nurses see them."))
    return redirect(_day_url(plan.day))


@login_required
@require_POST
def visit_cancel(
    request: AuthenticatedHttpRequest, plan_id: uuid.UUID, activity_id: uuid.UUID
) -> HttpResponse:
    if not selectors.can_plan(request.user):
        raise Http404
    plan = get_object_or_404(TourPlan, pk=plan_id)
    form = CancelVisitForm(request.POST)
    back = request.POST.get("tour", "")
    if not form.is_valid():
        messages.error(
            request,
            _("Reason for cancelling: %(error)s")
            % {"error": " ".join(str(e) for e in form.errors.get("reason", []))},
        )
        return (
            redirect("planning:tour", int(back)) if back.isdigit() else redirect(_day_url(plan.day))
        )
    try:
        new = services.visit_cancel(
            actor=request.user,
            plan=plan,
            activity_id=activity_id,
            reason=form.cleaned_data["reason"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(_day_url(plan.day))
    messages.success(
        request,
        _("Visit cancelled: version %(version)s published, only this nurse's tour re-planned.")
        % {"version": new.version},
    )
    return redirect(_day_url(new.day))


@login_required
@require_POST
def nurse_absent(request: AuthenticatedHttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    if not selectors.can_plan(request.user):
        raise Http404
    plan = get_object_or_404(TourPlan, pk=plan_id)
    form = AbsentNurseForm(request.POST, plan=plan)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(_day_url(plan.day))
    nurse = form.cleaned_data["nurse"]
    try:
        new = services.nurse_absent(
            actor=request.user, plan=plan, nurse=nurse, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(_day_url(plan.day))
    messages.success(
        request,
        _(
            "%(nurse)s absent: version %(version)s published, only her visits were given to "
            "the other nurses."
        )
        % {"nurse": nurse, "version": new.version},
    )
    return redirect(_day_url(new.day))


@login_required
@require_POST
def visits_add(request: AuthenticatedHttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    if not selectors.can_plan(request.user):
        raise Http404
    plan = get_object_or_404(TourPlan, pk=plan_id)
    try:
        new = services.visits_add(actor=request.user, plan=plan)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(_day_url(plan.day))
    messages.success(
        request,
        _("Version %(version)s published: the added visits were inserted in the tours.")
        % {"version": new.version},
    )
    return redirect(_day_url(new.day))


def _tour_context(request: AuthenticatedHttpRequest, tour_id: int) -> dict[str, object]:
    tour: Tour = selectors.tour_for_user(user=request.user, tour_id=tour_id)
    visits = list(tour.visits.all())
    nurse = tour.nurse
    home, points = project(
        (nurse.home_latitude, nurse.home_longitude), [(v.latitude, v.longitude) for v in visits]
    )
    latest = selectors.day_plans(tour.plan.day).first()
    return {
        "tour": tour,
        "plan": tour.plan,
        "visits": visits,
        "map_home": home,
        "map_points": points,
        "map_path": " ".join(f"{p.x},{p.y}" for p in [home, *points, home]),
        "can_cancel": selectors.can_plan(request.user)
        and tour.plan.status == PlanStatus.PUBLISHED
        and latest is not None
        and latest.pk == tour.plan.pk,
        "cancel_form": CancelVisitForm(),
    }


@login_required
def tour_detail(request: AuthenticatedHttpRequest, tour_id: int) -> HttpResponse:
    return render(request, "planning/tour.html", _tour_context(request, tour_id))


@login_required
def tour_sheet(request: AuthenticatedHttpRequest, tour_id: int) -> HttpResponse:
    return render(request, "planning/sheet.html", _tour_context(request, tour_id))
