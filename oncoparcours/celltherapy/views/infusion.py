"""Pages around the infusion: the pharmacy's tocilizumab reservation, the benefit–risk decision
for an out-of-specification product (physician's signature, pharmacist's countersignature), the
tocilizumab and corticosteroid administrations of the CRS/ICANS episode."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.forms import add_application_error
from oncoparcours.core.http import AuthenticatedHttpRequest, form_status
from oncoparcours.patients.selectors import patient_get_for_user

from .. import selectors
from ..forms import (
    BenefitRiskForm,
    CountersignForm,
    EnteredInErrorForm,
    TocilizumabForm,
    TreatmentForm,
)
from ..models import EpisodeTreatment
from ..services import gates, infusion


@login_required
def tocilizumab(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, order_id: uuid.UUID
) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="tocilizumab")
    order = selectors.order_for_patient(access, order_id)
    form = TocilizumabForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            infusion.tocilizumab_confirm(
                order=order,
                actor=request.user,
                doses_reserved=data["doses_reserved"],
                further_dose_access=data["further_dose_access"],
                note=data.get("note", ""),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Tocilizumab reservation recorded."))
            return redirect(order.get_absolute_url() + "#safety")
    return render(
        request,
        "celltherapy/tocilizumab.html",
        {
            "order": order,
            "patient": order.patient,
            "form": form,
            "tocilizumab": gates.tocilizumab_status(order),
            "history": selectors.tocilizumab_history(order),
        },
        status=form_status(request),
    )


@login_required
def benefit_risk(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, order_id: uuid.UUID
) -> HttpResponse:
    """The physician records the decision; a pharmacist then countersigns it on the same page."""
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="benefit-risk")
    order = selectors.order_for_patient(access, order_id)
    pending = selectors.pending_benefit_risk(order)
    action = request.POST.get("action")
    form = BenefitRiskForm(request.POST if action == "record" else None)
    countersign_form = CountersignForm(request.POST if action == "countersign" else None)
    if request.method == "POST":
        try:
            if action == "countersign" and pending is not None and countersign_form.is_valid():
                infusion.benefit_risk_countersign(decision=pending, actor=request.user)
                messages.success(request, _("Decision countersigned: the product may be infused."))
                return redirect(order.get_absolute_url() + "#benefit-risk")
            if action == "record" and form.is_valid():
                data = form.cleaned_data
                infusion.benefit_risk_record(
                    order=order,
                    actor=request.user,
                    data=infusion.BenefitRiskInput(
                        deviation=data["deviation"],
                        rationale=data["rationale"],
                        patient_informed=data["patient_informed"],
                        patient_informed_on=data["patient_informed_on"],
                    ),
                )
                messages.success(
                    request, _("Decision signed: a pharmacist must now countersign it.")
                )
                return redirect(order.get_absolute_url() + "#benefit-risk")
        except ApplicationError as error:
            add_application_error(countersign_form if action == "countersign" else form, error)
    return render(
        request,
        "celltherapy/benefit_risk.html",
        {
            "order": order,
            "patient": order.patient,
            "form": form,
            "countersign_form": countersign_form,
            "pending": pending,
            "decisions": selectors.benefit_risk_decisions(order),
        },
        status=form_status(request),
    )


@login_required
def treatments(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, order_id: uuid.UUID
) -> HttpResponse:
    """Record an administration of the CRS/ICANS episode, or mark one entered in error."""
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="episode")
    order = selectors.order_for_patient(access, order_id)
    action = request.POST.get("action")
    form = TreatmentForm(request.POST if action == "record" else None)
    error_form = EnteredInErrorForm(request.POST if action == "error" else None)
    if request.method == "POST":
        try:
            if action == "error" and error_form.is_valid():
                treatment = EpisodeTreatment.objects.filter(
                    order=order, pk=error_form.cleaned_data["treatment"]
                ).first()
                if treatment is None:
                    raise ApplicationError(_("Unknown entry."), field="treatment")
                infusion.treatment_entered_in_error(
                    treatment=treatment,
                    actor=request.user,
                    reason=error_form.cleaned_data["reason"],
                )
                messages.success(request, _("Entry marked as entered in error."))
                return redirect(order.get_absolute_url() + "#episode")
            if action == "record" and form.is_valid():
                data = form.cleaned_data
                infusion.treatment_record(
                    order=order,
                    actor=request.user,
                    data=infusion.TreatmentInput(
                        drug=data["drug"],
                        dose=data["dose"],
                        unit=data["unit"],
                        route=data["route"],
                        given_at=data["given_at"],
                        indication=data["indication"],
                        grade=data["grade"],
                        note=data.get("note", ""),
                    ),
                )
                messages.success(request, _("Administration recorded."))
                return redirect(order.get_absolute_url() + "#episode")
        except ApplicationError as error:
            add_application_error(error_form if action == "error" else form, error)
    return render(
        request,
        "celltherapy/treatments.html",
        {
            "order": order,
            "patient": order.patient,
            "form": form,
            "error_form": error_form,
            "treatments": selectors.episode_treatments(order),
        },
        status=form_status(request),
    )
