"""The patient's and caregiver's pages (phone first): login by one-time code, home, calendar,
documents, questionnaire, reports, information, who to call, messages, relatives. Thin: each
parses a form, calls one service or selector, renders."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oncoparcours.boards.services.documents import document_path, render_pdf
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.forms import add_application_error
from oncoparcours.core.http import form_status
from oncoparcours.core.middleware import client_ip
from oncoparcours.monitoring import prom_catalogue, prom_selectors
from oncoparcours.monitoring import services as monitoring
from oncoparcours.monitoring.models import QuestionnaireDue, Report
from oncoparcours.monitoring.report_forms import SelfReportForm
from oncoparcours.monitoring.services.reports import treatment_context

from . import attachments, config, rules, selectors, services
from .forms import (
    AddressForm,
    CodeForm,
    MessageForm,
    PatientCaregiverForm,
    PrivacyForm,
    RightsForm,
    ThreadForm,
)
from .models import AccountKind, PortalAccount
from .session import ADDRESS_KEY, current_account, portal_login, portal_logout, portal_required

CODE_FAILURES_KEY = "portal_code_failures"


def _account(request: HttpRequest) -> PortalAccount:
    return request.portal_account  # type: ignore[attr-defined]


def _base(request: HttpRequest, **context: object) -> dict[str, object]:
    account = _account(request)
    return {
        "account": account,
        "patient": account.patient,
        "service": config.service_level(),
        **context,
    }


# --- login --------------------------------------------------------------------------------------


def login(request: HttpRequest) -> HttpResponse:
    if current_account(request) is not None:
        return redirect("portal:home")
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        started = time.monotonic()
        address = form.cleaned_data["address"].strip()
        services.code_request(address=address, ip=client_ip(request))
        request.session[ADDRESS_KEY] = address
        request.session[CODE_FAILURES_KEY] = 0  # a new code: its tries start again
        # The same answer in the same time whether or not a code was sent (sending takes time).
        time.sleep(max(0.0, settings.PORTAL_LOGIN_ANSWER_SECONDS - (time.monotonic() - started)))
        return redirect("portal:code")
    return render(request, "portal/login.html", {"form": form}, status=form_status(request))


def code(request: HttpRequest) -> HttpResponse:
    address = request.session.get(ADDRESS_KEY)
    if not address:
        return redirect("portal:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = services.code_verify(address=address, code=form.cleaned_data["code"])
        if account is not None:
            request.session.pop(CODE_FAILURES_KEY, None)
            portal_login(request, account)
            return redirect("portal:home")
        # Counted in this browser's session (the same for a known or an unknown address, so it
        # says nothing about the address): past the code's tries, even the right code is
        # refused, so the page says so and offers a new code.
        failures = int(request.session.get(CODE_FAILURES_KEY, 0)) + 1
        request.session[CODE_FAILURES_KEY] = failures
        if failures >= rules.MAX_TRIES:
            form.add_error(
                "code",
                _(
                    "You have used up the %(tries)s tries for this code: it no longer works, "
                    "even typed correctly. Ask for a new code with the button below."
                )
                % {"tries": rules.MAX_TRIES},
            )
        else:
            form.add_error(
                "code",
                _(
                    "This code is not valid. Check it, or ask for a new code (a code lasts 10 "
                    "minutes and allows 5 tries)."
                ),
            )
    used_up = int(request.session.get(CODE_FAILURES_KEY, 0)) >= rules.MAX_TRIES
    return render(
        request,
        "portal/code.html",
        {"form": form, "address": address, "used_up": used_up},
        status=form_status(request),
    )


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    portal_logout(request)
    return redirect("portal:login")


# --- pages --------------------------------------------------------------------------------------


# A date without an hour is a daytime appointment: after this hour, today's are no longer "next".
DAY_ENDS = dt.time(18, 0)


def _still_ahead(entry: selectors.CalendarEntry, now: dt.datetime) -> bool:
    """Whether a calendar entry is still to come: a later day, or today and its hour (or, without
    one, the end of the working day) not passed; never a done or cancelled one."""
    if entry.cancelled or entry.done or entry.day < now.date():
        return False
    if entry.day > now.date():
        return True
    return entry.time >= now if entry.time else now.time() < DAY_ENDS


@portal_required()
def home(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    upcoming = []
    if account.may("calendar"):
        now = timezone.localtime()
        upcoming = [e for e in selectors.calendar(account) if _still_ahead(e, now)][:3]
    threads = selectors.threads_for_account(account) if account.may("messages") else []
    unread = [t for t in threads if t.unread]  # type: ignore[attr-defined]
    may_answer = account.may("questionnaires")
    due = selectors.questionnaire_due(account.patient_id) if may_answer else None
    proms = prom_selectors.proms_open(account.patient_id) if may_answer else []
    return render(
        request,
        "portal/home.html",
        _base(request, upcoming=upcoming, unread=unread, due=due, proms=_titled(proms)),
    )


def _titled(proms: list[QuestionnaireDue]) -> list[tuple[QuestionnaireDue, str]]:
    return [(p, prom_catalogue.title(p.instrument, p.instrument_version)) for p in proms]


@portal_required("calendar")
def calendar(request: HttpRequest) -> HttpResponse:
    entries = selectors.calendar(_account(request))
    today = timezone.localdate()
    return render(
        request,
        "portal/calendar.html",
        _base(
            request,
            past=[e for e in entries if e.day < today],
            coming=[e for e in entries if e.day >= today],
            today=today,
        ),
    )


@portal_required("documents")
def documents(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/documents.html",
        _base(request, documents=selectors.documents(_account(request))),
    )


@portal_required("documents")
def document_download(request: HttpRequest, document_id: uuid.UUID) -> FileResponse:
    document = selectors.document_get(_account(request), document_id)
    name = f"programme-de-soins-v{document.decision.version}.pdf"
    return FileResponse(
        document_path(document).open("rb"), content_type="application/pdf", filename=name
    )


@portal_required("documents")
def consent_form(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    records, caregivers = selectors.consents(account)
    pdf = render_pdf(
        "portal/pdf/consents.html",
        {
            "patient": account.patient,
            "records": records,
            "caregivers": caregivers,
            "generated_at": timezone.localtime(),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="mes-consentements.pdf"'
    return response


@portal_required("questionnaires")
def questionnaire(request: HttpRequest) -> HttpResponse:
    """The self-report form (the same as the personal link's), sent from the portal: a relative
    answers as a relative."""
    account = _account(request)
    patient = account.patient
    context = treatment_context(patient)
    form = SelfReportForm(
        request.POST or None,
        initial={"submission_key": uuid.uuid4()},
        treatments=context.treatments,
    )
    if request.method == "POST" and form.is_valid():
        try:
            submitted = monitoring.report_submit(
                patient=patient,
                source=form.source() if account.is_patient else AccountKind.CAREGIVER,
                observations=form.observations(),
                submission_key=form.cleaned_data["submission_key"],
                comment=form.cleaned_data["comment"],
                treatments=context.treatments,
                days_since_infusion=context.days_since_infusion,
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            selectors.audit_read(account, "portal self-report sent", submitted.report)
            return redirect("portal:questionnaire_done", report_id=submitted.report.pk)
    selectors.audit_read(account, "portal self-report form")
    return render(
        request,
        "portal/questionnaire.html",
        _base(request, form=form, proms=_titled(prom_selectors.proms_open(patient.pk))),
        status=form_status(request),
    )


@portal_required("questionnaires")
def questionnaire_done(request: HttpRequest, report_id: uuid.UUID) -> HttpResponse:
    account = _account(request)
    report = get_object_or_404(Report, pk=report_id, patient_id=account.patient_id)
    patient = account.patient
    return render(
        request,
        "portal/questionnaire_done.html",
        _base(request, report=report, centre=patient.expert_centre or patient.proximity_centre),
    )


@portal_required("questionnaires")
def reports(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/reports.html",
        _base(request, lines=selectors.report_history(_account(request))),
    )


@portal_required()
def information(request: HttpRequest) -> HttpResponse:
    version, topics = selectors.education_topics(_account(request))
    # the content's version is its date ("2026-12-03"): shown as people write it
    with contextlib.suppress(ValueError):
        version = dt.date.fromisoformat(str(version)).strftime("%d/%m/%Y")
    return render(
        request, "portal/information.html", _base(request, topics=topics, version=version)
    )


@portal_required()
def contacts(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/contacts.html", _base(request, **selectors.contacts(_account(request)))
    )


# --- messages -----------------------------------------------------------------------------------


@portal_required("messages")
def messages_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/messages.html",
        _base(
            request,
            threads=selectors.threads_for_account(_account(request)),
            kept=selectors.kept_from_relative(_account(request)),
        ),
    )


def _alarming(form: ThreadForm | MessageForm, error: services.AlarmingMessage) -> dict[str, object]:
    data = {key: form.data.get(key) for key in form.data}
    data["confirmed"] = "on"
    confirm_form = (
        ThreadForm(data, patient="private" in form.fields)
        if isinstance(form, ThreadForm)
        else MessageForm(data)
    )
    upload = form.cleaned_data.get("attachment") if hasattr(form, "cleaned_data") else None
    return {
        "alarming": error.findings,
        "confirm_form": confirm_form,
        # The browser cannot carry a chosen file over the warning: ask for it again.
        "dropped_file": upload.name if upload else "",
    }


def _sent(request: HttpRequest, urgent: bool) -> None:
    if urgent:
        messages.warning(
            request,
            _(
                "Your message was sent to your care team, marked urgent. A message is not an "
                "emergency channel: if you are not answered today, or if things get worse, fill "
                "in the questionnaire or call 15."
            ),
        )
    else:
        messages.success(request, _("Your message was sent to your care team."))


@portal_required("messages")
def thread_new(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    form = ThreadForm(request.POST or None, request.FILES or None, patient=account.is_patient)
    extra: dict[str, object] = {}
    if request.method == "POST" and form.is_valid():
        try:
            posted = services.thread_start(
                account=account,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                confirmed=form.cleaned_data["confirmed"],
                private=form.cleaned_data.get("private", False),
                upload=form.cleaned_data.get("attachment"),
            )
        except services.AlarmingMessage as error:
            extra = _alarming(form, error)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            _sent(request, bool(posted.message.alarming_words))
            return redirect("portal:thread", thread_id=posted.thread.pk)
    return render(
        request,
        "portal/thread_new.html",
        _base(request, form=form, **extra),
        status=form_status(request) if not extra else 200,
    )


@portal_required("messages")
def thread(request: HttpRequest, thread_id: uuid.UUID) -> HttpResponse:
    account = _account(request)
    conversation = selectors.thread_for_account(account, thread_id)
    form = MessageForm(request.POST or None, request.FILES or None)
    extra: dict[str, object] = {}
    if request.method == "POST" and form.is_valid():
        try:
            posted = services.message_post(
                thread=conversation,
                body=form.cleaned_data["body"],
                account=account,
                confirmed=form.cleaned_data["confirmed"],
                upload=form.cleaned_data.get("attachment"),
            )
        except services.AlarmingMessage as error:
            extra = _alarming(form, error)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            _sent(request, bool(posted.message.alarming_words))
            return redirect("portal:thread", thread_id=conversation.pk)
    services.thread_mark_seen(thread=conversation, account=account)
    return render(
        request,
        "portal/thread.html",
        _base(
            request,
            thread=conversation,
            thread_messages=selectors.thread_messages(conversation),
            form=form,
            **extra,
        ),
        status=form_status(request) if not extra else 200,
    )


@portal_required("messages")
@require_POST
def thread_privacy(request: HttpRequest, thread_id: uuid.UUID) -> HttpResponse:
    account = _account(request)
    conversation = selectors.thread_for_account(account, thread_id)
    form = PrivacyForm(request.POST)
    if form.is_valid():
        try:
            services.thread_privacy_set(
                thread=conversation, account=account, private=form.cleaned_data["private"]
            )
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            if form.cleaned_data["private"]:
                messages.success(request, _("Your relatives no longer see this conversation."))
            else:
                messages.success(request, _("Your relatives with access to messages see it again."))
    return redirect("portal:thread", thread_id=conversation.pk)


@portal_required("messages")
def attachment_download(
    request: HttpRequest, thread_id: uuid.UUID, file_id: uuid.UUID
) -> FileResponse:
    account = _account(request)
    conversation = selectors.thread_for_account(account, thread_id, audit=False)
    attachment = selectors.attachment_in_thread(conversation, file_id)
    selectors.audit_read(account, "portal message attachment", attachment)
    return attachments.file_response(attachment)


# --- relatives ----------------------------------------------------------------------------------


@portal_required()
def relatives(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    if not account.is_patient:
        return redirect("portal:home")
    form = PatientCaregiverForm(request.POST or None, prefix="invite")
    if request.method == "POST" and "invite-display_name" in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            services.caregiver_invite(
                patient=account.patient,
                display_name=data["display_name"],
                relationship=data["relationship"],
                email=data["email"] or "",
                phone=data["phone"],
                channel=data["channel"],
                rights=data["rights"],
                consent_on=None,
                account=account,
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Your relative was invited: they will receive a message."))
            return redirect("portal:relatives")
    caregivers = [a for a in selectors.patient_accounts(account.patient_id) if not a.is_patient]
    rights_forms = {
        c.pk: RightsForm(initial={"rights": c.rights}, prefix=str(c.pk)) for c in caregivers
    }
    selectors.audit_read(account, "portal relatives")
    return render(
        request,
        "portal/relatives.html",
        _base(
            request,
            form=form,
            caregivers=[(c, rights_forms[c.pk]) for c in caregivers],
        ),
        status=form_status(request),
    )


def _caregiver_of(account: PortalAccount, caregiver_id: uuid.UUID) -> PortalAccount:
    return get_object_or_404(
        PortalAccount, pk=caregiver_id, patient_id=account.patient_id, kind=AccountKind.CAREGIVER
    )


@require_POST
@portal_required()
def relative_rights(request: HttpRequest, caregiver_id: uuid.UUID) -> HttpResponse:
    account = _account(request)
    caregiver = _caregiver_of(account, caregiver_id)
    form = RightsForm(request.POST, prefix=str(caregiver.pk))
    if form.is_valid():
        try:
            services.caregiver_rights_update(
                caregiver=caregiver, rights=form.cleaned_data["rights"], account=account
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The rights were changed."))
    return redirect("portal:relatives")


@require_POST
@portal_required()
def relative_revoke(request: HttpRequest, caregiver_id: uuid.UUID) -> HttpResponse:
    account = _account(request)
    caregiver = _caregiver_of(account, caregiver_id)
    try:
        services.account_revoke(target=caregiver, account=account)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The access was withdrawn."))
    return redirect("portal:relatives")
