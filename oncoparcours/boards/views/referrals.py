"""Network referral of poor-prognosis cancers: suggestions and requests (patient page), answers
(the expert centre's list)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.forms import add_application_error
from oncoparcours.core.french import contract
from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.models import AuditAction
from oncoparcours.directory.models import Network, Organisation
from oncoparcours.patients.selectors import (
    network_suggestions,
    patient_get_for_user,
    professional_for,
)

from ..forms import ReferralAnswerForm
from ..models import Referral, ReferralStatus
from ..services import referrals


@login_required
def referral_page(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="referral")
    patient = access.patient
    diagnoses = list(patient.diagnoses.all())
    if request.method == "POST":
        diagnosis = get_object_or_404(patient.diagnoses, pk=request.POST.get("diagnosis"))
        network = get_object_or_404(Network, pk=request.POST.get("network"))
        centre = get_object_or_404(Organisation, pk=request.POST.get("centre"))
        try:
            referrals.referral_request(
                actor=request.user,
                patient=patient,
                diagnosis=diagnosis,
                network=network,
                expert_centre=centre,
                note=request.POST.get("note", ""),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, contract(_("Referral requested from %(centre)s.") % {"centre": centre})
            )
        return redirect("boards:referral", patient_id=patient.pk)
    suggestions = [
        (suggestion, referrals.recours_board(suggestion.network, suggestion.diagnosis))
        for suggestion in network_suggestions(patient, diagnoses, include_to_check=True)
    ]
    return render(
        request,
        "boards/referral.html",
        {
            "patient": patient,
            "suggestions": suggestions,
            # An opposition to sharing with a network in force: no referral can be requested.
            "opposition": referrals.network_opposition(patient),
            "referrals": Referral.objects.filter(patient=patient).select_related(
                "network", "expert_centre", "board", "requested_by", "answered_by"
            ),
        },
    )


@login_required
def referral_inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    professional = professional_for(request.user)
    pending = list(
        Referral.objects.filter(expert_centre__staff__professional=professional)
        .select_related("patient", "diagnosis", "network", "expert_centre", "requested_by", "board")
        .order_by("status", "-requested_at")[:100]
    )
    audit_record(
        actor=request.user,
        action=AuditAction.LIST,
        details={
            "what": "referrals to my centres",
            "patients": sorted({str(r.patient_id) for r in pending}),
        },
    )
    return render(
        request,
        "boards/referral_inbox.html",
        {
            "referrals": pending,
            "form": ReferralAnswerForm(),
            "waiting": sum(1 for r in pending if r.status == ReferralStatus.REQUESTED),
        },
    )


@login_required
def referral_answer(request: AuthenticatedHttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    referral = get_object_or_404(
        Referral.objects.select_related("patient", "network", "expert_centre", "diagnosis"),
        pk=referral_id,
    )
    if not referrals.can_answer(request.user, referral):
        raise Http404  # same answer as an unknown referral
    form = ReferralAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referrals.referral_answer(
                actor=request.user,
                referral=referral,
                accept=form.cleaned_data["answer"] == "accept",
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Answer recorded."))
            return redirect("boards:referral_inbox")
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        patient_id=referral.patient_id,
        obj=referral,
        details={"what": "referral to answer"},
    )
    return render(
        request,
        "boards/referral_answer.html",
        {"referral": referral, "form": form},
        status=400 if request.method == "POST" else 200,
    )
