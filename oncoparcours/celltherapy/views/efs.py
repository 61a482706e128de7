"""EFS care-centre pages: the day view (machines × hours) with pending requests to schedule, a
booking's page (schedule, done, decline, cancel), a procedure request from a patient record,
and the beds of the monitoring units."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.forms import add_application_error
from oncoparcours.core.french import contract
from oncoparcours.core.http import AuthenticatedHttpRequest, form_status
from oncoparcours.core.models import AuditAction
from oncoparcours.patients.selectors import patient_get_for_user

from .. import efs_selectors
from ..forms import BookingCloseForm, BookingRequestForm, ScheduleForm
from ..services import efs


def _day(request: AuthenticatedHttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("jour", ""))
    except ValueError:
        return timezone.localdate()


@login_required
def centre_day(
    request: AuthenticatedHttpRequest, centre_id: uuid.UUID | None = None
) -> HttpResponse:
    centres = list(efs_selectors.centres_for(request.user))
    if not centres:
        raise Http404
    centre = next((c for c in centres if c.pk == centre_id), None) if centre_id else centres[0]
    if centre is None:
        raise Http404
    if request.method == "POST" and "import_programmes" in request.POST:
        try:
            imported = efs.programme_requests(centre=centre, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s programme session added to the requests.",
                    "%(n)s programme sessions added to the requests.",
                    imported.created,
                )
                % {"n": imported.created},
            )
            if imported.waiting_for_haemoglobin:
                messages.warning(
                    request,
                    _(
                        "%(n)s phlebotomy session(s) wait for a recent haemoglobin above the "
                        "gate: request them from the patient's record with the value."
                    )
                    % {"n": imported.waiting_for_haemoglobin},
                )
        return redirect("celltherapy:efs_centre_day", centre_id=centre.pk)
    day = _day(request)
    grid = efs_selectors.day_grid(centre, day, request.user)
    pending = efs_selectors.pending_requests(centre, request.user)
    audit_record(
        actor=request.user,
        action=AuditAction.LIST,
        details={
            "what": "efs day",
            "centre": str(centre.pk),
            "patients": sorted(
                {str(b.patient_id) for b in grid.bookings} | {str(b.patient_id) for b in pending}
            ),
        },
    )
    return render(
        request,
        "celltherapy/efs_day.html",
        {
            "centre": centre,
            "centres": centres,
            "day": day,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "grid": grid,
            "pending": pending,
            "week": efs_selectors.week_load(centre, day),
        },
    )


@login_required
def booking_detail(request: AuthenticatedHttpRequest, booking_id: uuid.UUID) -> HttpResponse:
    booking = efs_selectors.booking_get(request.user, booking_id)
    schedule_form = ScheduleForm(
        request.POST if request.POST.get("action") == "schedule" else None,
        centre=booking.centre,
        initial={"version": booking.version},
    )
    close_form = BookingCloseForm(
        request.POST if request.POST.get("action") == "close" else None,
        initial={"version": booking.version},
    )
    if request.method == "POST":
        form = schedule_form if request.POST.get("action") == "schedule" else close_form
        if form.is_valid():
            data = form.cleaned_data
            try:
                haemoglobin = efs.Haemoglobin(
                    data.get("haemoglobin_g_dl"), data.get("haemoglobin_on")
                )
                if form is schedule_form:
                    efs.booking_schedule(
                        booking=booking,
                        actor=request.user,
                        machine=data["machine"],
                        starts_at=data["starts_at"],
                        expected_version=data.get("version"),
                        haemoglobin=haemoglobin,
                    )
                else:
                    efs.booking_close(
                        booking=booking,
                        actor=request.user,
                        to=data["status"],
                        reason=data.get("reason", ""),
                        expected_version=data.get("version"),
                        haemoglobin=haemoglobin,
                    )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("Booking updated."))
                return redirect("celltherapy:booking", booking_id=booking.pk)
    audit_record(
        actor=request.user, action=AuditAction.VIEW, patient_id=booking.patient_id, obj=booking
    )
    return render(
        request,
        "celltherapy/booking.html",
        {
            "booking": booking,
            "procedure": efs_selectors.procedure_of(booking),
            **efs_selectors.procedure_needs(booking),
            "schedule_form": schedule_form,
            "close_form": close_form,
            "free_slots": efs_selectors.free_slots(booking),
        },
        status=form_status(request),
    )


@login_required
def booking_request(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="efs request form")
    patient = access.patient
    form = BookingRequestForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = efs.booking_request(
                actor=request.user,
                data=efs.BookingRequest(
                    patient=patient,
                    centre=data["centre"],
                    procedure=data["procedure"],
                    wanted_from=data["wanted_from"],
                    wanted_until=data["wanted_until"],
                    note=data.get("note", ""),
                    requesting_organisation=patient.expert_centre or patient.proximity_centre,
                    mobile_site=data.get("mobile_site"),
                    order=data.get("order"),
                    haemoglobin_g_dl=data.get("haemoglobin_g_dl"),
                    haemoglobin_on=data.get("haemoglobin_on"),
                ),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request, contract(_("Request sent to %(centre)s.") % {"centre": booking.centre})
            )
            return redirect(patient.get_absolute_url())
    return render(
        request,
        "celltherapy/booking_request.html",
        {"patient": patient, "form": form},
        status=form_status(request),
    )


@login_required
def beds(request: AuthenticatedHttpRequest) -> HttpResponse:
    units = efs_selectors.bed_units_for(request.user)
    start = _day(request)
    return render(
        request,
        "celltherapy/beds.html",
        {"units": efs_selectors.occupancy(units, start, days=28), "start": start},
    )
