"""The care team's side of the portal: the patients' messages inbox (waiting, overdue, all), a
thread with its answer form, and the patient's portal accesses (open the patient's, invite a
relative with the recorded consent, withdraw)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.forms import add_application_error
from oncoparcours.core.http import AuthenticatedHttpRequest, form_status
from oncoparcours.core.models import AuditAction
from oncoparcours.patients.selectors import patient_get_for_user

from . import attachments, config, selectors, services
from .forms import PatientAccountForm, ReplyForm, StaffCaregiverForm
from .models import PortalAccount

SHOWS = {"waiting", "overdue", "all"}


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    show = request.GET.get("voir", "waiting")
    if show not in SHOWS:
        show = "waiting"
    threads = selectors.staff_threads(request.user, show=show)
    page = Paginator(threads, 30).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user,
        action=AuditAction.LIST,
        details={"what": "portal messages inbox", "show": show, "count": len(page.object_list)},
    )
    return render(
        request,
        "portal/staff/inbox.html",
        {
            "page": page,
            "show": show,
            "now": timezone.now(),
            "working_days": config.service_level().working_days,
        },
    )


@login_required
def thread(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, thread_id: uuid.UUID
) -> HttpResponse:
    conversation = selectors.staff_thread(request.user, patient_id, thread_id)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_post(
                thread=conversation,
                body=form.cleaned_data["body"],
                user=request.user,
                upload=form.cleaned_data.get("attachment"),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request, _("Answer sent; the patient is told by a message without medical content.")
            )
            return redirect("portal:staff_thread", patient_id=patient_id, thread_id=thread_id)
    return render(
        request,
        "portal/staff/thread.html",
        {
            "patient": conversation.patient,
            "thread": conversation,
            "thread_messages": selectors.thread_messages(conversation),
            "form": form,
            "now": timezone.now(),
        },
        status=form_status(request),
    )


@login_required
def attachment_download(
    request: AuthenticatedHttpRequest,
    patient_id: uuid.UUID,
    thread_id: uuid.UUID,
    file_id: uuid.UUID,
) -> FileResponse:
    conversation = selectors.staff_thread(request.user, patient_id, thread_id, audit=False)
    attachment = selectors.attachment_in_thread(conversation, file_id)
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        patient_id=patient_id,
        obj=attachment,
        details={"what": "portal message attachment"},
    )
    return attachments.file_response(attachment)


@login_required
def accesses(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="portal accesses")
    patient = access.patient
    open_form = PatientAccountForm(
        request.POST if "open-channel" in request.POST else None,
        prefix="open",
        initial={"phone": patient.phone, "channel": "sms" if patient.phone else "email"},
    )
    invite_form = StaffCaregiverForm(
        request.POST if "invite-display_name" in request.POST else None, prefix="invite"
    )
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                try:
                    target_id = uuid.UUID(request.POST["revoke"])
                except ValueError:
                    raise Http404 from None
                target = get_object_or_404(PortalAccount, pk=target_id, patient=patient)
                services.account_revoke(target=target, user=request.user)
                messages.success(request, _("The access was withdrawn."))
                return redirect("portal:staff_accesses", patient_id=patient_id)
            if open_form.is_bound and open_form.is_valid():
                data = open_form.cleaned_data
                services.patient_account_open(
                    patient=patient,
                    email=data["email"] or "",
                    phone=data["phone"],
                    channel=data["channel"],
                    user=request.user,
                )
                messages.success(
                    request, _("The patient's access is open: they log in with a code.")
                )
                return redirect("portal:staff_accesses", patient_id=patient_id)
            if invite_form.is_bound and invite_form.is_valid():
                data = invite_form.cleaned_data
                services.caregiver_invite(
                    patient=patient,
                    display_name=data["display_name"],
                    relationship=data["relationship"],
                    email=data["email"] or "",
                    phone=data["phone"],
                    channel=data["channel"],
                    rights=data["rights"],
                    consent_on=data["consent_on"],
                    consent_note=data["consent_note"],
                    user=request.user,
                )
                messages.success(request, _("The relative was invited."))
                return redirect("portal:staff_accesses", patient_id=patient_id)
        except ApplicationError as error:
            add_application_error(invite_form if invite_form.is_bound else open_form, error)
    accounts = selectors.patient_accounts(patient.pk)
    return render(
        request,
        "portal/staff/accesses.html",
        {
            "patient": patient,
            "accounts": accounts,
            "has_patient_access": any(a.is_patient and a.is_active for a in accounts),
            "open_form": open_form,
            "invite_form": invite_form,
        },
        status=form_status(request),
    )
