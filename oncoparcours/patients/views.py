"""Patient pages. Each view: parse with a form, call one selector or service, render."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.forms import add_application_error
from oncoparcours.core.french import contract
from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.models import AuditAction, Role

from . import permissions, record_rows, selectors, services, survival
from .consent import patient_exclusions
from .forms import (
    BiomarkerForm,
    BreakGlassForm,
    CareTeamAddForm,
    CareTeamEndForm,
    ConsentForm,
    DiagnosisForm,
    PatientFilterForm,
    PatientForm,
    PerformanceStatusForm,
    StagingForm,
)
from .models import CareTeamMember, Diagnosis, Staging
from .molecular_services import may_enter_molecular
from .record import record_sections
from .timeline import timeline_for

PAGE_SIZE = 25
BREAK_GLASS_ROLES = {Role.CLINICIAN, Role.COORDINATION_NURSE, Role.PHARMACIST, Role.EFS_STAFF}


def _querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""


@login_required
def patient_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PatientFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    prognosis = {"poor": True, "other": False}.get(filters.get("prognosis") or "")
    centre = filters.get("centre")
    patients = selectors.patient_search(
        user=request.user,
        query=filters.get("q", ""),
        icd10_prefix=filters.get("icd10", ""),
        centre_id=centre.pk if centre else None,
        poor_prognosis=prognosis,
        prognosis_to_check=filters.get("prognosis") == "to_check",
    )
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user,
        action=AuditAction.SEARCH if filters else AuditAction.LIST,
        details={
            "filters": {k: str(v) for k, v in filters.items() if v},
            "page": page.number,
            "shown": [str(p.pk) for p in page],
        },
    )
    return render(
        request,
        "patients/patient_list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_without_page": _querystring_without_page(request),
            "can_create": request.user.role in services.PATIENT_CREATING_ROLES,
            "can_break_glass": request.user.role in BREAK_GLASS_ROLES,
        },
    )


def _form_view(
    request: HttpRequest,
    form: Any,
    on_valid: Callable[[dict], Any],
    template: str,
    context: dict,
    success_url: str,
    success_message: str,
) -> HttpResponse:
    """Shared POST handling: a service refusal is shown on the form, nothing is saved."""
    if request.method == "POST" and form.is_valid():
        try:
            on_valid(form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, success_message)
            return redirect(success_url)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {**context, "form": form}, status=status)


def _identity_form_view(
    request: AuthenticatedHttpRequest,
    form: PatientForm,
    save: Callable[[dict], Any],
    context: dict,
    success_message: str,
) -> HttpResponse:
    """Create or edit an identity. Homonyms refuse the save until the user ticks "this is a
    different person": the form comes back with the homonyms the user may see (audited) and a
    mere mention of those in other care teams."""
    homonyms = None
    problem: ApplicationError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            patient = save(form.cleaned_data)
        except ApplicationError as error:
            problem = error
        else:
            messages.success(request, success_message)
            return redirect(patient.get_absolute_url())
    elif request.method == "POST":
        # The form has its own errors: report what the service would also refuse (identity
        # rules, homonyms) in the same round, checked on the fields that could be read.
        data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
        problem = services.patient_entry_problems(
            actor=request.user,
            data=data,
            patient=context.get("patient"),
            reason=data.get("correction_reason", ""),
            homonym_confirmed=data.get("homonym_confirmed", False),
        )
        if problem is not None:
            problem.errors = {k: v for k, v in problem.errors.items() if k not in form.errors}
    if isinstance(problem, services.HomonymWarning):
        homonyms = problem.homonyms
        selectors.homonyms_shown(user=request.user, homonyms=homonyms)
    if problem is not None and (problem.errors or not form.errors):
        add_application_error(form, problem)
    return render(
        request,
        "patients/patient_form.html",
        {**context, "form": form, "homonyms": homonyms},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def patient_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.role not in services.PATIENT_CREATING_ROLES:
        raise PermissionDenied
    return _identity_form_view(
        request,
        PatientForm(request.POST or None),
        lambda data: services.patient_create(
            actor=request.user,
            data=data,
            homonym_confirmed=data.get("homonym_confirmed", False),
        ),
        {"creating": True},
        _("Patient record created. You are the care team lead."),
    )


@login_required
def patient_detail(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    # The care team (with its professionals) read with the access check, which finds the
    # user's membership in it.
    access = selectors.patient_get_for_user(
        user=request.user, patient_id=patient_id, care_team=True
    )
    patient = access.patient
    # Read once, in each relation's default order: the page, its sections and the timeline
    # providers use the same rows (issue 19: each was read twice or more).
    prefetch_related_objects(
        [patient],
        Prefetch(
            "diagnoses",
            queryset=Diagnosis.objects.prefetch_related(
                Prefetch("stagings", queryset=Staging.objects.order_by("-staged_on")),
            ),
        ),
        "consents",  # who recorded them is not shown on the record
        "performance_statuses",
        "treatments",  # the treatments section and the timeline
    )
    # The molecular results in force: under each diagnosis, in the prognosis explanations
    # (``survival.facts_for`` reads ``current_molecular``) and in the molecular section.
    molecular = selectors.molecular_record(patient)
    patient.current_molecular = molecular.current  # type: ignore[attr-defined]
    # Primary first, then newest (the default order): a stable sort keeps the rest.
    diagnoses = sorted(patient.diagnoses.all(), key=lambda d: not d.is_primary)
    care_team = patient.care_team.all()  # default order: lead first, by role, by start
    consents = selectors.latest_consents(patient)
    record_permissions = permissions.record_permissions(request.user, access)
    return render(
        request,
        "patients/patient_detail.html",
        {
            "access": access,
            "patient": patient,
            "diagnoses": diagnoses,
            "diagnosis_rows": [(d, survival.explain(d)) for d in diagnoses],
            "care_team_rows": record_rows.care_team_rows(
                patient.pk, care_team, may_manage=record_permissions["may_manage_care_team"]
            ),
            "performance": patient.performance_statuses.all()[:5],
            "consents": consents,
            "export_exclusions": patient_exclusions(consents),
            "suggestions": selectors.network_suggestions(patient, diagnoses, include_to_check=True),
            "timeline_items": record_rows.timeline_items(timeline_for(patient)),
            "sections": record_sections(access, request),
            "corrections": selectors.identity_corrections(patient),
            # The patient's molecular results in force, shown under each diagnosis (they are the
            # patient's: which tumour a result belongs to is for a clinician to confirm).
            "molecular_current": molecular.current[:30],
            "may_enter_molecular": may_enter_molecular(
                request.user, in_care_team=access.membership is not None
            ),
            **record_permissions,
        },
    )


@login_required
def patient_edit(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = selectors.patient_get_for_user(user=request.user, patient_id=patient_id, what="edit")
    if not permissions.may_edit_identity(request.user, access):
        raise PermissionDenied
    form = PatientForm(
        request.POST or None, initial=PatientForm.initial_from(access.patient), editing=True
    )
    return _identity_form_view(
        request,
        form,
        lambda data: services.patient_update(
            actor=request.user,
            patient=access.patient,
            data=data,
            reason=data.get("correction_reason", ""),
            homonym_confirmed=data.get("homonym_confirmed", False),
        ),
        {"patient": access.patient, "creating": False},
        _("Identity updated."),
    )


@login_required
def diagnosis_create(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = selectors.patient_get_for_user(
        user=request.user, patient_id=patient_id, what="diagnosis form"
    )
    if not permissions.may_enter_diagnosis(request.user, access):
        raise PermissionDenied
    form = DiagnosisForm(request.POST or None)
    return _form_view(
        request,
        form,
        lambda data: services.diagnosis_add(actor=request.user, patient=access.patient, **data),
        "patients/simple_form.html",
        {"patient": access.patient, "title": _("Add a diagnosis")},
        access.patient.get_absolute_url(),
        _("Diagnosis recorded."),
    )


def _diagnosis_of(access: selectors.PatientAccess, diagnosis_id: uuid.UUID) -> Diagnosis:
    return get_object_or_404(Diagnosis, pk=diagnosis_id, patient=access.patient)


@login_required
def staging_create(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, diagnosis_id: uuid.UUID
) -> HttpResponse:
    access = selectors.patient_get_for_user(
        user=request.user, patient_id=patient_id, what="staging form"
    )
    if not permissions.may_enter_diagnosis(request.user, access):
        raise PermissionDenied
    diagnosis = _diagnosis_of(access, diagnosis_id)
    form = StagingForm(request.POST or None)
    return _form_view(
        request,
        form,
        lambda data: services.staging_add(actor=request.user, diagnosis=diagnosis, **data),
        "patients/simple_form.html",
        {
            "patient": access.patient,
            "title": _("TNM staging of %(diagnosis)s") % {"diagnosis": diagnosis},
        },
        access.patient.get_absolute_url(),
        _("Staging recorded."),
    )


@login_required
def biomarker_create(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, diagnosis_id: uuid.UUID
) -> HttpResponse:
    access = selectors.patient_get_for_user(
        user=request.user, patient_id=patient_id, what="biomarker form"
    )
    # Molecular results are entered by the physicians of the care team (the record hides the
    # link from the others): 403, as the molecular form.
    if not may_enter_molecular(request.user, in_care_team=access.membership is not None):
        raise PermissionDenied
    diagnosis = _diagnosis_of(access, diagnosis_id)
    form = BiomarkerForm(request.POST or None)
    return _form_view(
        request,
        form,
        lambda data: services.biomarker_add(actor=request.user, diagnosis=diagnosis, **data),
        "patients/simple_form.html",
        {
            "patient": access.patient,
            "title": _("Biomarker for %(diagnosis)s") % {"diagnosis": diagnosis},
        },
        access.patient.get_absolute_url(),
        _("Biomarker recorded as a molecular result."),
    )


@login_required
def performance_status_create(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID
) -> HttpResponse:
    access = selectors.patient_get_for_user(
        user=request.user, patient_id=patient_id, what="performance form"
    )
    form = PerformanceStatusForm(request.POST or None)
    return _form_view(
        request,
        form,
        lambda data: services.performance_status_add(
            actor=request.user, patient=access.patient, **data
        ),
        "patients/simple_form.html",
        {"patient": access.patient, "title": _("Performance status")},
        access.patient.get_absolute_url(),
        _("Performance status recorded."),
    )


@login_required
def care_team_add(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = selectors.patient_get_for_user(
        user=request.user, patient_id=patient_id, what="care team form"
    )
    if not permissions.may_manage_care_team(request.user, access):
        raise PermissionDenied
    form = CareTeamAddForm(request.POST or None)

    def add(data: dict) -> None:
        professional = data.pop("rpps")
        services.care_team_add(
            actor=request.user,
            patient=access.patient,
            professional=professional,
            **data,
        )

    return _form_view(
        request,
        form,
        add,
        "patients/simple_form.html",
        {"patient": access.patient, "title": _("Add a care team member")},
        access.patient.get_absolute_url(),
        _("Care team member added."),
    )


@login_required
def care_team_end(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, member_id: uuid.UUID
) -> HttpResponse:
    access = selectors.patient_get_for_user(
        user=request.user, patient_id=patient_id, what="care team end form"
    )
    if not permissions.may_manage_care_team(request.user, access):
        raise PermissionDenied
    member = get_object_or_404(
        CareTeamMember.objects.select_related("professional"), pk=member_id, patient=access.patient
    )
    form = CareTeamEndForm(request.POST or None)
    return _form_view(
        request,
        form,
        lambda data: services.care_team_end(actor=request.user, member=member, **data),
        "patients/simple_form.html",
        {
            "patient": access.patient,
            "title": contract(
                _("End the membership of %(name)s") % {"name": member.professional.full_name}
            ),
        },
        access.patient.get_absolute_url(),
        _("Membership ended."),
    )


@login_required
def consent_create(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = selectors.patient_get_for_user(
        user=request.user, patient_id=patient_id, what="consent form"
    )
    if not permissions.may_record_objection(request.user, access):
        raise PermissionDenied
    form = ConsentForm(request.POST or None)
    may_plan_care = permissions.may_plan_care(request.user, access)
    if not may_plan_care:
        form.fields["decision"].help_text = _(
            "You may record an objection; a non-objection is recorded by the care team's "
            "physicians and coordination nurses."
        )

    def record(data: dict) -> Any:
        # The service refuses a non-objection by whoever may not plan care, on "decision".
        return services.consent_record(actor=request.user, patient=access.patient, **data)

    return _form_view(
        request,
        form,
        record,
        "patients/simple_form.html",
        {"patient": access.patient, "title": _("Record the patient's decision")},
        access.patient.get_absolute_url(),
        _("Decision recorded."),
    )


@login_required
def patient_audit(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = selectors.patient_get_for_user(
        user=request.user,
        patient_id=patient_id,
        what="audit trail",
    )
    if not access.is_lead:
        raise PermissionDenied
    events = selectors.audit_events_for_patient(access=access)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "patients/patient_audit.html",
        {
            "patient": access.patient,
            "page_obj": page,
            "break_glass_events": events.filter(break_glass=True)[:20],
        },
    )


@login_required
def break_glass(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.role not in BREAK_GLASS_ROLES:
        raise PermissionDenied
    form = BreakGlassForm(request.POST or None)
    opened: dict[str, Any] = {}

    def open_access(data: dict) -> None:
        opened["access"] = services.break_glass_open(actor=request.user, **data)

    if request.method == "POST" and form.is_valid():
        try:
            open_access(form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            access = opened["access"]
            messages.warning(
                request,
                _("Emergency access opened until %(time)s. It is recorded.")
                % {"time": access.expires_at.strftime("%H:%M")},
            )
            return redirect("patients:detail", patient_id=access.patient_id)
    return render(
        request,
        "patients/break_glass.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
