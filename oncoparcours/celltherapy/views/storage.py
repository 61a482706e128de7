"""Pharmacy cryostorage pages: tanks, inventory by rack, temperature log and excursions."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.forms import add_application_error
from oncoparcours.core.http import AuthenticatedHttpRequest, form_status

from .. import selectors
from ..forms import AcknowledgeForm, ReadingForm
from ..models import TankExcursion
from ..services import storage


@login_required
def tank_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    tanks = list(selectors.pharmacy_tanks(request.user))
    return render(
        request,
        "celltherapy/tanks.html",
        {"tanks": selectors.tank_summaries(tanks)},
    )


@login_required
def tank_detail(request: AuthenticatedHttpRequest, tank_id: uuid.UUID) -> HttpResponse:
    tank = selectors.tank_get(request.user, tank_id)
    form = ReadingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reading = storage.reading_record(
                tank=tank,
                temperature_c=data["temperature_c"],
                at=data.get("at"),
                source=data.get("source", "") or _("manual reading"),
                actor=request.user,
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            if reading.excursion:
                messages.error(
                    request,
                    _(
                        "Excursion: %(value)s °C is above the alarm threshold (%(threshold)s °C). "
                        "The pharmacists on duty are alerted."
                    )
                    % {"value": reading.temperature_c, "threshold": tank.alarm_above_c},
                )
            else:
                messages.success(request, _("Reading recorded."))
            return redirect("celltherapy:tank", tank_id=tank.pk)
    readings = selectors.tank_readings(tank)
    return render(
        request,
        "celltherapy/tank.html",
        {
            "tank": tank,
            "racks": selectors.tank_inventory(tank, request.user),
            "readings": readings,
            "chart": selectors.reading_chart(readings, tank.alarm_above_c),
            "excursions": selectors.tank_excursions(tank)[:20],
            "form": form,
            "acknowledge_form": AcknowledgeForm(),
        },
        status=form_status(request),
    )


@login_required
@require_POST
def excursion_acknowledge(request: AuthenticatedHttpRequest, excursion_id: int) -> HttpResponse:
    excursion = (
        TankExcursion.objects.filter(
            pk=excursion_id, tank__in=selectors.pharmacy_tanks(request.user)
        )
        .select_related("tank")
        .first()
    )
    if excursion is None:
        raise Http404
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what was done (action taken)."))
    else:
        try:
            storage.excursion_acknowledge(
                excursion=excursion,
                actor=request.user,
                action_taken=form.cleaned_data["action_taken"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Excursion acknowledged."))
    return redirect("celltherapy:tank", tank_id=excursion.tank_id)
