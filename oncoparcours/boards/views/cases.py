"""Patient-scoped pages: submit and edit a case, its page (dataset, what is missing,
attachments, decisions and documents), downloads (audited), corrections."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.forms import add_application_error
from oncoparcours.core.http import AuthenticatedHttpRequest, form_status
from oncoparcours.core.uploads import display_name
from oncoparcours.patients.selectors import patient_get_for_user

from .. import selectors
from ..forms import AmendForm, ArmChoices, AttachmentForm, CaseForm, DecisionForm, ReasonForm
from ..labels import MISSING_LABELS, suggested_templates
from ..models import Attachment, Decision, Document, OutboxMessage
from ..services import attachments, cases, decisions, documents, letters
from ..services.sessions import board_member


@login_required
def case_create(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="case form")
    # Cases are submitted by a physician of the care team (the service refuses the others): the
    # others get 403 and the record shows them no link.
    if not cases.may_submit_case(request.user, access.patient, access):
        raise PermissionDenied
    form = CaseForm(request.POST or None, patient=access.patient)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = cases.case_submit(
                actor=request.user,
                patient=access.patient,
                board=data["board"],
                diagnosis=data["diagnosis"],
                question=data["question"],
                context=data["context"],
                comorbidities=data["comorbidities"],
                prior_treatments=data["prior_treatments"],
                informed_today=data["informed_today"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            if case.missing:
                messages.warning(
                    request,
                    _("Case saved, but it cannot go on an agenda yet: complete what is listed."),
                )
            else:
                messages.success(request, _("Case submitted: it is ready for an agenda."))
            return redirect(case.get_absolute_url())
    return render(
        request,
        "boards/case_form.html",
        {
            "patient": access.patient,
            "form": form,
            "title": _("Submit a case to a tumour board"),
            "opposition": cases.review_opposition(access.patient),
        },
        status=form_status(request),
    )


@login_required
def case_edit(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, case_id: uuid.UUID
) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="case edit")
    case = selectors.case_for_patient(access, case_id)
    initial = {
        "board": case.board_id,
        "diagnosis": case.diagnosis_id,
        "context": case.context,
        "question": case.question,
        "comorbidities": case.comorbidities,
        "prior_treatments": case.prior_treatments,
        "version": case.version,
    }
    form = CaseForm(request.POST or None, patient=access.patient, initial=initial)
    form.fields["board"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = cases.case_update(
                actor=request.user,
                case=case,
                expected_version=data.get("version") or 0,
                question=data["question"],
                context=data["context"],
                comorbidities=data["comorbidities"],
                prior_treatments=data["prior_treatments"],
                diagnosis=data["diagnosis"],
                informed_today=data["informed_today"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Case updated."))
            return redirect(case.get_absolute_url())
    return render(
        request,
        "boards/case_form.html",
        {
            "patient": access.patient,
            "form": form,
            "case": case,
            "title": _("Edit the case"),
            "opposition": cases.review_opposition(access.patient),
        },
        status=form_status(request),
    )


@login_required
def case_detail(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, case_id: uuid.UUID
) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="board case")
    case = selectors.case_for_patient(access, case_id)
    upload = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if request.POST.get("do") == "refresh":
            try:
                cases.case_update(
                    actor=request.user,
                    case=case,
                    expected_version=case.version,
                    question=case.question,
                    context=case.context,
                    comorbidities=case.comorbidities,
                    prior_treatments=case.prior_treatments,
                    diagnosis=case.diagnosis,
                )
                messages.success(request, _("Dataset re-read from the record."))
            except ApplicationError as error:
                messages.error(request, error.message)
            return redirect(case.get_absolute_url())
        if upload.is_valid():
            try:
                attachments.attachment_add(
                    actor=request.user,
                    case=case,
                    upload=upload.cleaned_data["file"],
                    kind=upload.cleaned_data["kind"],
                )
            except ApplicationError as error:
                add_application_error(upload, error)
            else:
                messages.success(request, _("Document attached."))
                return redirect(case.get_absolute_url())
    history = list(
        case.agenda_items.select_related("session", "carried_over_from").order_by(
            "session__starts_at"
        )
    )
    found_decisions = selectors.latest_decisions(case)
    return render(
        request,
        "boards/case.html",
        {
            "patient": access.patient,
            "case": case,
            # Before the session: the arms the board may propose, with every criterion's reason.
            "trials": selectors.case_trials(user=request.user, patient=access.patient),
            "upload": upload,
            "missing": [MISSING_LABELS.get(code, code) for code in case.missing],
            "attachments": list(case.attachments.select_related("uploaded_by")),
            "history": history,
            "decisions": found_decisions,
            "documents": selectors.documents(case),
            "outbox": [
                (message, letters.delivery_state(message))
                for message in OutboxMessage.objects.filter(document__case=case).select_related(
                    "document__decision", "notification", "recipient"
                )
            ],
            "templates": suggested_templates(found_decisions[0]) if found_decisions else [],
            "since_submission": selectors.results_since_submission(case),
        },
        status=form_status(request),
    )


@login_required
def case_withdraw(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, case_id: uuid.UUID
) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="case withdraw")
    case = selectors.case_for_patient(access, case_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cases.case_withdraw(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Case withdrawn."))
            return redirect(case.get_absolute_url())
    return render(
        request,
        "boards/confirm.html",
        {
            "patient": access.patient,
            "case": case,
            "form": form,
            "title": _("Withdraw the case"),
            "button": _("Withdraw"),
        },
        status=form_status(request),
    )


@login_required
def attachment_download(
    request: AuthenticatedHttpRequest,
    patient_id: uuid.UUID,
    case_id: uuid.UUID,
    attachment_id: uuid.UUID,
) -> FileResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="case attachment")
    case = selectors.case_for_patient(access, case_id)
    attachment = get_object_or_404(Attachment, pk=attachment_id, case=case)
    return FileResponse(
        attachments.attachment_path(attachment).open("rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=display_name(attachment.file_name, attachment.content_type),
    )


@login_required
def document_download(
    request: AuthenticatedHttpRequest,
    patient_id: uuid.UUID,
    case_id: uuid.UUID,
    document_id: uuid.UUID,
) -> FileResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="board document")
    case = selectors.case_for_patient(access, case_id)
    document = get_object_or_404(
        Document.objects.select_related("decision"), pk=document_id, case=case
    )
    name = f"{document.kind}-v{document.decision.version}-{timezone.localdate():%Y%m%d}.pdf"
    return FileResponse(
        documents.document_path(document).open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=name,
    )


@login_required
def decision_amend(
    request: AuthenticatedHttpRequest,
    patient_id: uuid.UUID,
    case_id: uuid.UUID,
    decision_id: uuid.UUID,
) -> HttpResponse:
    access = patient_get_for_user(
        user=request.user, patient_id=patient_id, what="decision correction"
    )
    case = selectors.case_for_patient(access, case_id)
    decision = get_object_or_404(
        Decision.objects.select_related("trial_arm"), pk=decision_id, case=case
    )
    found = selectors.case_trials(
        user=request.user, patient=access.patient, keep_arm=decision.trial_arm
    )
    form = AmendForm(
        request.POST or None,
        initial=DecisionForm.initial_from(decision),
        arm_choices=ArmChoices(found.matching, found.others, found.invitation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            decisions.decision_amend(
                actor=request.user,
                decision=decision,
                proposal=form.proposal_data(),
                reason=form.cleaned_data["correction_reason"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Correction validated as a new version."))
            return redirect(case.get_absolute_url())
    return render(
        request,
        "boards/amend.html",
        {
            "patient": access.patient,
            "case": case,
            "decision": decision,
            "form": form,
            "is_chair": board_member(request.user, case.board) is not None,
        },
        status=form_status(request),
    )


@login_required
def letter_resend(
    request: AuthenticatedHttpRequest,
    patient_id: uuid.UUID,
    case_id: uuid.UUID,
    message_id: uuid.UUID,
) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="outbox")
    case = selectors.case_for_patient(access, case_id)
    message = get_object_or_404(OutboxMessage, pk=message_id, document__case=case)
    if request.method == "POST":
        try:
            letters.letter_resend(actor=request.user, message=message)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The letter is sent again to the GP's secure mailbox."))
        return redirect(case.get_absolute_url())
    return render(
        request,
        "boards/confirm.html",
        {
            "patient": access.patient,
            "case": case,
            "form": None,
            "title": _("Send the board's documents to the GP again"),
            "button": _("Send again"),
            "detail": message.recipient_label,
        },
    )


def letter_acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    """The GP's receipt confirmation, from the link in the secure mail (no account). A GET shows
    the button, a POST confirms: mail scanners that open links confirm nothing."""
    confirmed = None
    error = ""
    if request.method == "POST":
        try:
            confirmed = letters.letter_acknowledge(token=token)
        except ApplicationError as refusal:
            error = refusal.message
    return render(
        request,
        "boards/letter_acknowledge.html",
        {"confirmed": confirmed, "error": error},
        status=400 if error else 200,
    )
