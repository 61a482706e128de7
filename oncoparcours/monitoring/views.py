"""Home follow-up pages: the patient's self-report (personal link, no account), the nurse and
clinician assessments, the follow-up overview, alerts (inbox, acknowledgement, resolution),
adverse events, reporting links and triage rule sets."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.forms import add_application_error
from oncoparcours.core.http import AuthenticatedHttpRequest, form_status
from oncoparcours.core.models import AuditAction, Role
from oncoparcours.patients.selectors import patient_get_for_user

from . import selectors, services
from .charts import grade_chart
from .forms import (
    AccessLinkForm,
    AcknowledgeForm,
    ActivationForm,
    AdverseEventForm,
    InboxFilterForm,
    ResolveForm,
    ValidationForm,
)
from .labels import role_label
from .models import PatientAccessLink, Report, RuleSetActivation, Treatment, TriageRuleSet
from .report_forms import ClinicianAssessmentForm, NurseVisitForm, SelfReportForm
from .services.adverse import current_adverse_events
from .services.alerts import next_escalation
from .services.reports import treatment_context
from .services.rulesets import compiled, vignette_report

GOVERNING_ROLES = (Role.CLINICIAN, Role.ADMINISTRATOR)


# --- the patient's own page (personal link) -----------------------------------------------------


def _link_or_404(token: str) -> PatientAccessLink:
    link = services.access_link_for_token(token)
    if link is None:
        raise Http404
    return link


def self_report(request: HttpRequest, token: str) -> HttpResponse:
    link = _link_or_404(token)
    context = treatment_context(link.patient)
    form = SelfReportForm(
        request.POST or None,
        initial={"submission_key": uuid.uuid4()},
        treatments=context.treatments,
    )
    if request.method == "POST" and form.is_valid():
        try:
            submitted = services.report_submit(
                patient=link.patient,
                source=form.source(),
                observations=form.observations(),
                submission_key=form.cleaned_data["submission_key"],
                access_link=link,
                comment=form.cleaned_data["comment"],
                treatments=context.treatments,
                days_since_infusion=context.days_since_infusion,
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            PatientAccessLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
            return redirect(
                "monitoring:self_report_done", token=token, report_id=submitted.report.pk
            )
    audit_record(
        actor=None,
        action=AuditAction.VIEW,
        patient_id=link.patient_id,
        details={"what": "self-report form", "link": str(link.pk)},
    )
    return render(
        request,
        "monitoring/self_report.html",
        {"form": form, "patient": link.patient},
        status=form_status(request),
    )


def self_report_done(request: HttpRequest, token: str, report_id: uuid.UUID) -> HttpResponse:
    link = _link_or_404(token)
    report = get_object_or_404(Report, pk=report_id, patient=link.patient, access_link=link)
    patient = link.patient
    service = patient.expert_centre or patient.proximity_centre
    return render(
        request,
        "monitoring/self_report_done.html",
        {"report": report, "token": token, "service": service},
    )


@csrf_exempt
@require_POST
def self_report_api(request: HttpRequest, token: str) -> JsonResponse:
    """JSON twin of the form, same rules.

    Body: {"submission_key", "source", "observations", "comment"}."""
    link = services.access_link_for_token(token)
    if link is None:
        return JsonResponse(
            {"error": {"field": "", "message": "unknown or expired link"}}, status=404
        )
    declared = request.META.get("CONTENT_LENGTH") or "0"
    limit = settings.SELF_REPORT_API_MAX_BYTES
    if not declared.isdigit() or int(declared) > limit or len(request.body) > limit:
        return JsonResponse(
            {
                "error": {
                    "field": "",
                    "message": f"body larger than {limit} bytes",
                }
            },
            status=413,
        )
    try:
        body = json.loads(request.body or b"{}")
    except json.JSONDecodeError:
        return JsonResponse({"error": {"field": "", "message": "not valid JSON"}}, status=400)
    if not isinstance(body, dict):
        return JsonResponse(
            {"error": {"field": "", "message": "must be a JSON object"}}, status=400
        )
    try:
        key = uuid.UUID(str(body.get("submission_key")))
    except ValueError:
        return JsonResponse(
            {"error": {"field": "submission_key", "message": "must be a UUID"}}, status=400
        )
    source = body.get("source", "patient")
    if source not in ("patient", "caregiver"):
        return JsonResponse(
            {"error": {"field": "source", "message": "patient or caregiver"}}, status=400
        )
    comment = str(body.get("comment", ""))
    comment_field = SelfReportForm.base_fields["comment"]
    assert isinstance(comment_field, forms.CharField)
    comment_limit = comment_field.max_length or 0
    if len(comment) > comment_limit:
        return JsonResponse(
            {"error": {"field": "comment", "message": f"at most {comment_limit} characters"}},
            status=400,
        )
    observations = body.get("observations", {})
    try:
        submitted = services.report_submit(
            patient=link.patient,
            source=source,
            observations=observations if isinstance(observations, dict) else {"": observations},
            submission_key=key,
            access_link=link,
            comment=comment,
        )
    except ApplicationError as error:
        field = next(iter(error.errors), "") if error.errors else ""
        return JsonResponse({"error": {"field": field, "message": error.message}}, status=400)
    report = submitted.report
    return JsonResponse(
        {
            "report": str(report.pk),
            "created": submitted.created,
            "level": report.level,
            "advice": report.result["alert"]["advice"],
        },
        status=201 if submitted.created else 200,
    )


# --- staff: assessments and follow-up ------------------------------------------------------------


def _assessment_view(
    request: AuthenticatedHttpRequest,
    patient_id: uuid.UUID,
    form_class: type,
    source: str,
    title: str,
) -> HttpResponse:
    access = patient_get_for_user(
        user=request.user, patient_id=patient_id, what=f"{source} assessment form"
    )
    context = treatment_context(access.patient)
    initial: dict[str, Any] = {
        "submission_key": uuid.uuid4(),
        "days_since_infusion": context.days_since_infusion,
    }
    form = form_class(request.POST or None, initial=initial, treatments=context.treatments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        days = data.get("days_since_infusion")
        try:
            submitted = services.report_submit(
                patient=access.patient,
                source=source,
                observations=form.observations(),
                submission_key=data["submission_key"],
                reporter=request.user,
                vitals=form.vitals() if hasattr(form, "vitals") else {},
                comment=data.get("comment", ""),
                treatments=context.treatments,
                days_since_infusion=days if days is not None else context.days_since_infusion,
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            report = submitted.report
            messages.success(
                request,
                _("Assessment recorded: highest grade %(grade)s, %(level)s.")
                % {"grade": report.max_grade, "level": report.get_level_display().lower()},
            )
            return redirect(report.get_absolute_url())
    return render(
        request,
        "monitoring/assessment.html",
        {
            "patient": access.patient,
            "form": form,
            "title": title,
            "context": context,
            "treatments": [Treatment(t).label for t in context.treatments],
        },
        status=form_status(request),
    )


@login_required
def nurse_visit(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    return _assessment_view(request, patient_id, NurseVisitForm, "nurse", _("Home nurse visit"))


@login_required
def clinician_assessment(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    return _assessment_view(
        request,
        patient_id,
        ClinicianAssessmentForm,
        "clinician",
        _("Clinical assessment"),
    )


@login_required
def follow_up(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="follow-up")
    reports = selectors.patient_reports(access.patient.pk)
    last = reports[0].submitted_at if reports else None
    context = treatment_context(access.patient)
    return render(
        request,
        "monitoring/follow_up.html",
        {
            "patient": access.patient,
            "reports": reports,
            "chart": grade_chart(reports[:40]),
            "alerts": selectors.patient_alerts(access.patient.pk),
            "adverse_events": list(current_adverse_events(access.patient)),
            "last_report": last,
            "days_since": (timezone.now() - last).days if last else None,
            "treatments": [Treatment(t).label for t in context.treatments],
            "treatment_sources": context.sources,
            "days_since_infusion": context.days_since_infusion,
        },
    )


@login_required
def report_detail(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, report_id: uuid.UUID
) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="report")
    report = selectors.report_for_patient(access, report_id)
    return render(
        request,
        "monitoring/report.html",
        {
            "patient": access.patient,
            "report": report,
            "alert": getattr(report, "alert", None),
        },
    )


@login_required
def adverse_event_create(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = patient_get_for_user(
        user=request.user, patient_id=patient_id, what="adverse event form"
    )
    form = AdverseEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.adverse_event_record(
                patient=access.patient, actor=request.user, **form.cleaned_data
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("Adverse event recorded."))
            return redirect("monitoring:follow_up", patient_id=patient_id)
    return render(
        request,
        "monitoring/simple_form.html",
        {
            "patient": access.patient,
            "form": form,
            "title": _("Record a confirmed adverse event"),
        },
        status=form_status(request),
    )


@login_required
def access_links(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="reporting links")
    form = AccessLinkForm(request.POST or None)
    new_link = None
    if request.method == "POST":
        revoke = request.POST.get("revoke")
        if revoke:
            link = get_object_or_404(PatientAccessLink, pk=revoke, patient=access.patient)
            services.access_link_revoke(link=link, actor=request.user)
            messages.success(request, _("Link revoked: it no longer works."))
            return redirect("monitoring:links", patient_id=patient_id)
        if form.is_valid():
            try:
                _link, token = services.access_link_create(
                    patient=access.patient, actor=request.user, **form.cleaned_data
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                new_link = request.build_absolute_uri(f"/suivi/{token}/")
    return render(
        request,
        "monitoring/links.html",
        {
            "patient": access.patient,
            "form": form,
            "new_link": new_link,
            "links": list(access.patient.access_links.order_by("-created_at")),
        },
        status=400
        if request.method == "POST" and new_link is None and not form.is_valid()
        else 200,
    )


# --- alerts -------------------------------------------------------------------------------------


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    centre = data.get("centre")
    alerts = selectors.inbox(
        user=request.user,
        status=data.get("status") or "open",
        level=data.get("level", ""),
        centre_id=centre.pk if centre else None,
        overdue=bool(data.get("overdue")),
        scope=data.get("scope") or "mine",
    )
    page = selectors.RankedAlerts(alerts).page(request.GET.get("page"), 50)
    audit_record(
        actor=request.user,
        action=AuditAction.LIST,
        details={"what": "alert inbox", "patients": sorted({str(a.patient_id) for a in page})},
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "monitoring/inbox.html",
        {
            "form": form,
            "page_obj": page,
            "now": timezone.now(),
            "querystring_without_page": params.urlencode() + "&" if params else "",
        },
    )


@login_required
def alert_detail(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, alert_id: uuid.UUID
) -> HttpResponse:
    access = patient_get_for_user(user=request.user, patient_id=patient_id, what="alert")
    alert = selectors.alert_for_patient(access, alert_id)
    acknowledge_form = AcknowledgeForm(
        request.POST if request.POST.get("do") == "acknowledge" else None, auto_id="id_ack_%s"
    )
    resolve_form = ResolveForm(request.POST if request.POST.get("do") == "resolve" else None)
    if request.method == "POST":
        form = acknowledge_form if request.POST.get("do") == "acknowledge" else resolve_form
        if form.is_valid():
            try:
                if form is acknowledge_form:
                    services.alert_acknowledge(alert=alert, actor=request.user, **form.cleaned_data)
                    messages.success(request, _("Alert acknowledged."))
                else:
                    services.alert_resolve(alert=alert, actor=request.user, **form.cleaned_data)
                    messages.success(request, _("Alert resolved."))
                return redirect(alert.get_absolute_url())
            except ApplicationError as error:
                add_application_error(form, error)
    reports = selectors.patient_reports(access.patient.pk, limit=12)
    following = None
    if not (alert.acknowledged or alert.resolved):
        following = next_escalation(alert, step=alert.step, deadline=alert.current_deadline)
    return render(
        request,
        "monitoring/alert.html",
        {
            "patient": access.patient,
            "alert": alert,
            "next_escalation": following,
            "next_escalation_roles": ", ".join(
                role_label(role) for role in (following.roles if following else ())
            ),
            "events": selectors.alert_events(alert),
            "recipients": selectors.alert_recipients(alert),
            "acknowledge_form": acknowledge_form,
            "resolve_form": resolve_form,
            "reports": reports,
            "chart": grade_chart(reports),
            "now": timezone.now(),
        },
        status=form_status(request),
    )


# --- rule sets ----------------------------------------------------------------------------------


@login_required
def rule_sets(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "monitoring/rule_sets.html",
        {
            "rule_sets": TriageRuleSet.objects.select_related("validated_by").order_by(
                "code", "-version"
            ),
            "activations": RuleSetActivation.objects.select_related(
                "rule_set", "organisation", "activated_by"
            )[:30],
        },
    )


@login_required
def rule_set_detail(request: AuthenticatedHttpRequest, rule_set_id: uuid.UUID) -> HttpResponse:
    rule_set = get_object_or_404(TriageRuleSet, pk=rule_set_id)
    validation_form = ValidationForm(request.POST if request.POST.get("do") == "validate" else None)
    activation_form = ActivationForm(request.POST if request.POST.get("do") == "activate" else None)
    if request.method == "POST":
        if request.user.role not in GOVERNING_ROLES:
            raise PermissionDenied
        form: Any = validation_form if request.POST.get("do") == "validate" else activation_form
        if form.is_valid():
            try:
                if form is validation_form:
                    services.rule_set_validate(
                        rule_set=rule_set, actor=request.user, **form.cleaned_data
                    )
                    messages.success(request, _("Rule set validated."))
                else:
                    services.rule_set_activate(
                        rule_set=rule_set, actor=request.user, **form.cleaned_data
                    )
                    messages.success(request, _("Rule set activated."))
                return redirect("monitoring:rule_set", rule_set_id=rule_set.pk)
            except ApplicationError as error:
                add_application_error(form, error)
    return render(
        request,
        "monitoring/rule_set.html",
        {
            "rule_set": rule_set,
            "compiled": compiled(rule_set),
            "vignettes": vignette_report(rule_set),
            "validation_form": validation_form,
            "activation_form": activation_form,
            "activations": rule_set.activations.select_related("organisation", "activated_by"),
            "can_govern": request.user.role in GOVERNING_ROLES,
        },
        status=form_status(request),
    )
