"""Intensive-care bed reservations: the ICU's 21-day page (confirm, refuse, release) and, on
the CAR-T order, the team's request, cancellation and the infusion date (issue 18)."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.models import AuditAction
from oncoparcours.patients.selectors import patient_get_for_user

from .. import icu_selectors, selectors
from ..forms import BedRequestForm, InfusionDateForm, ReservationMoveForm
from ..services import icu_beds
from .orders import order_detail


def order_page_on_get(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A form endpoint of the order page: a GET (a reload, a link) shows the order page itself
    (its own access check and audit event), never a bare 405."""

    @functools.wraps(view)
    def wrapped(
        request: AuthenticatedHttpRequest, patient_id: uuid.UUID, order_id: uuid.UUID, **kwargs: Any
    ) -> HttpResponse:
        if request.method != "POST":
            return order_detail(request, patient_id, order_id)
        return view(request, patient_id, order_id, **kwargs)

    return wrapped


SECTION = "#icu-bed"


def _start(request: AuthenticatedHttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("jour", ""))
    except ValueError:
        return timezone.localdate()


def _form_errors(request: AuthenticatedHttpRequest, form: object) -> None:
    for name, errors in form.errors.items():  # type: ignore[attr-defined]
        label = form.fields[name].label if name in form.fields else ""  # type: ignore[attr-defined]
        for error in errors:
            messages.error(request, f"{label} : {error}" if label else str(error))


@login_required
def icu_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    units = list(icu_selectors.icu_units_for(request.user))
    if not units and not icu_beds.is_icu_staff(request.user):
        raise PermissionDenied
    start = _start(request)
    grid = icu_selectors.icu_grid(request.user, units, start)
    audit_record(
        actor=request.user,
        action=AuditAction.LIST,
        details={
            "what": "icu bed reservations",
            "patients": sorted(
                {str(r.reservation.patient_id) for g in grid for r in g.reservations if r.visible}
            ),
        },
    )
    return render(
        request,
        "celltherapy/icu_beds.html",
        {
            "grid": grid,
            "start": start,
            "previous": start - dt.timedelta(days=7),
            "next": start + dt.timedelta(days=7),
            "days": icu_selectors.GRID_DAYS,
        },
    )


@login_required
@require_POST
def reservation_answer(
    request: AuthenticatedHttpRequest, reservation_id: uuid.UUID
) -> HttpResponse:
    reservation = icu_selectors.reservation_for_user(request.user, reservation_id)
    if reservation is None:
        audit_record(
            actor=request.user,
            action=AuditAction.DENIED,
            details={"what": "icu bed reservation", "id": str(reservation_id)},
        )
        raise Http404
    form = ReservationMoveForm(request.POST)
    # Back to the week being viewed (the form sends it), today's week without it: never the
    # reservation's own week (a refused answer would move the user elsewhere).
    back = redirect(f"{_page_url()}?jour={_posted_week(request).isoformat()}")
    if not form.is_valid():
        _form_errors(request, form)
        return back
    try:
        reservation = icu_beds.reservation_move(
            actor=request.user,
            reservation=reservation,
            to=form.cleaned_data["to"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Reservation %(status)s.") % {"status": icu_beds.status_label(reservation.status)},
        )
    return back


def _posted_week(request: AuthenticatedHttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.POST.get("jour", ""))
    except ValueError:
        return timezone.localdate()


def _page_url() -> str:
    from django.urls import reverse

    return reverse("celltherapy:icu_beds")


def _order(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, order_id: uuid.UUID, what: str
) -> selectors.CarTOrder:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what=what)
    return selectors.order_for_patient(access, order_id)


@login_required
@order_page_on_get
def bed_request(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, order_id: uuid.UUID
) -> HttpResponse:
    order = _order(request, patient_id, order_id, "icu bed request")
    form = BedRequestForm(request.POST, units=icu_beds.units_for_order(order))
    if form.is_valid():
        try:
            icu_beds.reservation_request(
                actor=request.user,
                order=order,
                unit=form.cleaned_data["unit"],
                infusion_on=form.cleaned_data["first_day"],
            )
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Bed requested: the ICU will confirm or refuse it."))
    else:
        _form_errors(request, form)
    return redirect(order.get_absolute_url() + SECTION)


@login_required
@order_page_on_get
def bed_cancel(
    request: AuthenticatedHttpRequest,
    patient_id: uuid.UUID,
    order_id: uuid.UUID,
    reservation_id: uuid.UUID,
) -> HttpResponse:
    order = _order(request, patient_id, order_id, "icu bed cancel")
    reservation = order.bed_reservations.filter(pk=reservation_id).first()
    if reservation is None:
        raise Http404
    form = ReservationMoveForm({**request.POST.dict(), "to": "cancelled"})
    if form.is_valid():
        try:
            icu_beds.reservation_move(
                actor=request.user,
                reservation=reservation,
                to="cancelled",
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Reservation cancelled."))
    else:
        _form_errors(request, form)
    return redirect(order.get_absolute_url() + SECTION)


@login_required
@order_page_on_get
def infusion_date(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, order_id: uuid.UUID
) -> HttpResponse:
    order = _order(request, patient_id, order_id, "car-t infusion date")
    form = InfusionDateForm(request.POST)
    if form.is_valid():
        try:
            order = icu_beds.infusion_date_set(
                actor=request.user, order=order, day=form.cleaned_data["planned_infusion_on"]
            )
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Planned infusion: %(day)s.")
                % {
                    "day": order.planned_infusion_on.strftime("%d/%m/%Y")
                    if order.planned_infusion_on
                    else "—"
                },
            )
    else:
        _form_errors(request, form)
    return redirect(order.get_absolute_url() + SECTION)
