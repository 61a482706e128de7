"""CAR-T order pages: the list across manufacturers, ordering, the order page (chain of identity,
lifecycle, custody ledger with its verification, bedside check), steps, custody events, label."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.forms import add_application_error
from oncoparcours.core.http import AuthenticatedHttpRequest, form_status
from oncoparcours.core.models import AuditAction
from oncoparcours.directory.models import Organisation
from oncoparcours.patients.selectors import patient_get_for_user

from .. import catalogue, efs_selectors, icu_selectors, selectors
from ..forms import (
    BedRequestForm,
    BedsideForm,
    CustodyEventForm,
    InfusionDateForm,
    OrderFilterForm,
    OrderForm,
    TransitionForm,
)
from ..labels import order_label_pdf
from ..models import BedReservation
from ..rules import lifecycle
from ..services import bedside, custody, gates, icu_beds, orders

PAGE_SIZE = 50


@login_required
def order_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrderFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.orders_for_user(
        request.user,
        state=data.get("state", ""),
        manufacturer=data.get("manufacturer", ""),
        query=data.get("q", ""),
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user,
        action=AuditAction.LIST,
        details={
            "what": "car-t orders",
            "patients": sorted({str(o.patient_id) for o in page.object_list}),
        },
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "celltherapy/orders.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_without_page": (params.urlencode() + "&") if params else "",
            "figures": selectors.manufacturer_figures(request.user),
            # Only the pages this user can open (a pharmacist works with no EFS centre).
            "sees_efs": efs_selectors.centres_for(request.user).exists(),
        },
    )


@login_required
def order_create(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="car-t order form")
    patient = access.patient
    initial = {"treating_centre": patient.expert_centre_id}
    form = OrderForm(request.POST or None, patient=patient, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = orders.order_create(
                actor=request.user,
                data=orders.OrderInput(
                    patient=patient,
                    product=data["product"],
                    indication=data["indication"],
                    eligibility=dict.fromkeys(data["eligibility"], True),
                    manufacturer_reference=data["manufacturer_reference"],
                    treating_centre=data["treating_centre"],
                    pharmacy=data["pharmacy"],
                    efs_centre=data["efs_centre"],
                    coi=data["coi"],
                    din=data["din"],
                    decision=data["decision"],
                ),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request, _("Order placed: chain of identity %(coi)s.") % {"coi": order.coi}
            )
            return redirect(order.get_absolute_url())
    return render(
        request,
        "celltherapy/order_form.html",
        {"patient": patient, "form": form, "sources": catalogue.sources_for_users()},
        status=form_status(request),
    )


def _order_context(request: AuthenticatedHttpRequest, order: object) -> dict:
    """The order page: each relation of the order read once (custody events, benefit–risk
    decisions, bed reservations, bedside checks, the sites' qualifications, tocilizumab), and
    every panel and gate derived from those rows. Every safety check still runs on each view:
    the custody chain is verified (HMAC of each event, against its anchored head), the gates
    the infusion would meet are evaluated as the service would."""
    assert isinstance(order, selectors.CarTOrder)
    now = timezone.now()
    events = selectors.custody_events(order)
    benefit_risk = selectors.benefit_risk_decisions(order)
    reservations = icu_selectors.order_reservations(order)
    tocilizumab = gates.tocilizumab_status(order, now)
    qualifications = selectors.order_qualifications(order, timezone.localdate(now))
    bedside_view = (
        selectors.bedside(order)
        if order.state in bedside.CHECK_STATES or order.state == "infused"
        else None
    )
    options = lifecycle.allowed_next(order.state)
    forward = lifecycle.FORWARD.get(order.state)
    can_forward = forward is not None and request.user.role in forward.roles
    blockers: list[str] = []
    if forward is not None and forward.to == "infused":
        # Offer only what the service would accept now: a passed check and every gate open.
        refused = orders.infusion_blockers(
            order,
            now,
            reads=orders.OrderReads(
                tocilizumab=tocilizumab,
                qualifications=qualifications,
                custody_events=events,
                benefit_risk=benefit_risk,
                reservations=reservations,
            ),
        )
        blockers = [message for messages_ in refused.values() for message in messages_]
        if blockers or not _check_passed(order, bedside_view):
            can_forward = False
            options = [o for o in options if o != "infused"]
    safety = selectors.order_safety(
        order,
        now=now,
        events=events,
        decisions_read=benefit_risk,
        qualifications=qualifications,
        tocilizumab=tocilizumab,
    )
    return {
        "order": order,
        "patient": order.patient,
        "product": catalogue.product(order.product),
        "states": lifecycle.STATES[:12],
        "eligibility": [
            (label, order.eligibility.get(key, False))
            for key, label in catalogue.eligibility_items()
        ],
        "state_index": lifecycle.STATES.index(order.state),
        "options": options,
        "forward": forward,
        "can_forward": can_forward,
        "infusion_blockers": blockers,
        "chain": selectors.custody_chain(order, events),
        "transitions": selectors.transitions(order),
        "storage": selectors.current_storage(order),
        "bookings": selectors.order_bookings(order),
        "bedside": bedside_view,
        "bed_warnings": efs_selectors.infusion_bed_warning(
            order.treating_centre_id,
            order.planned_infusion_on,
            days=safety.label.monitoring_days + 1 if safety.label else 11,
        )
        if order.planned_infusion_on and order.state not in lifecycle.TERMINAL
        else [],
        "safety": safety,
        "benefit_risk": benefit_risk,
        "treatments": selectors.episode_treatments(order) if order.state == "infused" else [],
        "role": request.user.role,
        "icu": _icu_context(request, order, reservations),
    }


def _icu_context(
    request: AuthenticatedHttpRequest,
    order: selectors.CarTOrder,
    reservations: list[BedReservation],
) -> dict:
    units = icu_beds.units_for_order(order)
    return {
        "reservations": reservations,
        "active": any(r.status in icu_beds.ACTIVE for r in reservations),
        "units": units,
        "days_held": icu_beds.days_held(order),
        "can_request": request.user.role in icu_beds.TEAM_ROLES
        and order.state not in icu_beds.CLOSED,
        "request_form": BedRequestForm(
            units=units, initial={"first_day": order.planned_infusion_on}
        ),
        "date_form": InfusionDateForm(initial={"planned_infusion_on": order.planned_infusion_on}),
    }


def _check_passed(
    order: selectors.CarTOrder, bedside_view: selectors.BedsideView | None = None
) -> bool:
    """The last bedside check passed (from the page's bedside view when it has one)."""
    if bedside_view is not None:
        check = bedside_view.checks[0] if bedside_view.checks else None
    else:
        check = bedside.latest_check(order)
    return check is not None and check.passed


@login_required
def order_detail(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, order_id: uuid.UUID
) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="car-t order")
    order = selectors.order_for_patient(access, order_id, with_amended=True)
    return render(request, "celltherapy/order.html", _order_context(request, order))


@login_required
def order_step(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, order_id: uuid.UUID
) -> HttpResponse:
    """GET: the step form on its own page; POST: record the step (forward, cancel, OOS)."""
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="car-t step")
    order = selectors.order_for_patient(access, order_id)
    form = TransitionForm(
        request.POST or None,
        pharmacy_id=order.pharmacy_id,
        initial={"to": request.GET.get("to", ""), "version": order.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = orders.order_transition(
                order=order,
                actor=request.user,
                data=orders.TransitionInput(
                    to=data["to"],
                    expected_version=data.get("version"),
                    reason=data.get("reason", ""),
                    custody=form.custody_details(),
                    tank=data.get("tank"),
                    position=data.get("position", ""),
                ),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request, _("Recorded: %(state)s.") % {"state": order.get_state_display()}
            )
            return redirect(order.get_absolute_url())
    return render(
        request,
        "celltherapy/step.html",
        {**_order_context(request, order), "form": form, "target": form["to"].value()},
        status=form_status(request),
    )


@login_required
def custody_event(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, order_id: uuid.UUID
) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="custody event")
    order = selectors.order_for_patient(access, order_id)
    organisations = Organisation.objects.filter(
        pk__in=selectors.user_organisation_ids(request.user)
    )
    form = CustodyEventForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            custody.custody_record(
                order=order,
                kind=data["kind"],
                actor=request.user,
                organisation=data.get("organisation"),
                holder=data.get("holder", ""),
                details=form.custody_details(),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Custody event recorded."))
            return redirect(order.get_absolute_url() + "#custody")
    return render(
        request,
        "celltherapy/custody_form.html",
        {
            "order": order,
            "patient": order.patient,
            "form": form,
            "chain": selectors.custody_chain(order),
        },
        status=form_status(request),
    )


@login_required
def bedside_check(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, order_id: uuid.UUID
) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="bedside check")
    order = selectors.order_for_patient(access, order_id)
    form = BedsideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = bedside.bedside_confirm(
                order=order,
                actor=request.user,
                identity_confirmed=form.cleaned_data["identity_confirmed"],
                scanned_coi=form.cleaned_data["scanned_coi"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            if isinstance(outcome, bedside.BedsideCheck):
                if outcome.passed:
                    messages.success(
                        request, _("Bedside check passed: the infusion can be recorded.")
                    )
                else:
                    messages.error(
                        request,
                        _("Bedside check FAILED: infusion blocked, alert sent. %(problems)s.")
                        % {
                            "problems": "; ".join(
                                str(bedside.PROBLEM_LABELS[p]) for p in outcome.problems
                            )
                        },
                    )
            elif problems := bedside.confirmation_problems(order, outcome):
                messages.error(
                    request,
                    _(
                        "Do not infuse: %(problems)s. Check the patient and the bag; a second "
                        "professional's confirmation closes this check as failed (alert sent), "
                        "then repeat it with two professionals."
                    )
                    % {"problems": "; ".join(str(bedside.PROBLEM_LABELS[p]) for p in problems)},
                )
            else:
                messages.info(
                    request,
                    _("First confirmation recorded: a second professional must now confirm."),
                )
            return redirect(order.get_absolute_url() + "#bedside")
    return render(
        request,
        "celltherapy/bedside.html",
        {
            "order": order,
            "patient": order.patient,
            "form": form,
            "bedside": selectors.bedside(order),
        },
        status=form_status(request),
    )


@login_required
def order_label(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, order_id: uuid.UUID
) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="car-t label")
    order = selectors.order_for_patient(access, order_id)
    response = HttpResponse(order_label_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order.coi}.pdf"'
    return response
