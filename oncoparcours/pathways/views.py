"""Pathway pages: apply a template, follow an instance (timeline, activity actions, phases),
worklist, programmes. Thin: parse with a form, call one service or selector, render."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.forms import add_application_error
from oncoparcours.core.http import AuthenticatedHttpRequest, form_status
from oncoparcours.core.medicines import inn_label
from oncoparcours.core.models import AuditAction
from oncoparcours.patients.permissions import may_plan_care
from oncoparcours.patients.selectors import patient_get_for_user

from . import selectors, services
from .forms import (
    ActivityDoneForm,
    ActivityScheduleForm,
    ActivityStatusForm,
    ApplyPathwayForm,
    AssignForm,
    EndForm,
    PauseForm,
    PhaseAdvanceForm,
    RefusalForm,
    ResumeForm,
    WorklistFilterForm,
)
from .models import ActivityStatus
from .worklist_rows import activity_rows
from .worklist_sections import worklist_sections


def _handle(
    request: HttpRequest, form: Any, action: Callable[[dict], Any], success: str, redirect_to: str
) -> HttpResponse | None:
    """Run ``action`` on a valid POST; a refusal lands on the form (nothing saved)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        action(form.cleaned_data)
    except ApplicationError as error:
        add_application_error(form, error)
        return None
    messages.success(request, success)
    return redirect(redirect_to)


def activity_actions_for(user: Any, access: Any, activity: Any) -> frozenset[str]:
    """What a user may do with an activity: any member of the care team records it done (the
    service checks the trainings it needs); its assignee and the care planners (physicians and
    coordination nurses) reschedule it or record it cancelled or missed; only the planners
    assign it. A break-glass access does none of these."""
    if access.membership is None:
        return frozenset()
    if may_plan_care(user, access):
        return frozenset({"done", "schedule", "status", "assign"})
    if activity.assigned_to_id and activity.assigned_to_id == access.membership.professional_id:
        return frozenset({"done", "schedule", "status"})
    return frozenset({"done"})


def _require_care_planner(request: AuthenticatedHttpRequest, access: Any) -> None:
    """Pathways are applied, moved on, paused, resumed and ended by the care team's physicians,
    coordination nurses and lead (``patients/permissions.py``); others answer 403."""
    if not may_plan_care(request.user, access):
        raise PermissionDenied


@login_required
def pathway_apply(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = patient_get_for_user(
        user=request.user, patient_id=patient_id, what="apply pathway form"
    )
    _require_care_planner(request, access)
    templates = list(selectors.latest_templates())
    code = request.POST.get("template") or request.GET.get("template")
    template = next((t for t in templates if t.code == code), None)
    form = ApplyPathwayForm(request.POST or None, template=template) if template else None
    created: dict[str, Any] = {}

    def apply(data: dict) -> None:
        assert form is not None and template is not None
        created["instance"] = services.pathway_apply(
            template=template,
            patient=access.patient,
            start=data["start"],
            parameters=form.parameters(),
            actor=request.user,
        )

    if form is not None and request.method == "POST" and form.is_valid():
        try:
            apply(form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            instance = created["instance"]
            messages.success(
                request,
                _("Pathway applied: %(count)s activities planned.")
                % {"count": instance.activities.count()},
            )
            return redirect(instance.get_absolute_url())
    return render(
        request,
        "pathways/apply.html",
        {
            "patient": access.patient,
            "templates": templates,
            "followed": selectors.followed_template_codes(access.patient.pk),
            "template": template,
            "form": form,
        },
        status=form_status(request) if form is not None else 200,
    )


@login_required
def instance_detail(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, instance_id: uuid.UUID
) -> HttpResponse:
    found = selectors.instance_get_for_user(
        user=request.user, patient_id=patient_id, instance_id=instance_id
    )
    instance = found.instance
    labels = selectors.parameter_labels(instance.template)
    return render(
        request,
        "pathways/instance.html",
        {
            "patient": found.access.patient,
            "instance": instance,
            "phases": selectors.instance_phases(instance),
            "criteria": services.phase_criteria(instance) if instance.status == "active" else [],
            "may_plan_care": may_plan_care(request.user, found.access),
            "my_professional_id": (
                found.access.membership.professional_id if found.access.membership else None
            ),
            "events": selectors.instance_events(instance),
            "today": timezone.localdate(),
            "parameters": [
                (_text_label(labels[k]) if k in labels else k, _display_value(v))
                for k, v in instance.parameters.items()
            ],
        },
    )


def _text_label(label: dict) -> str:
    from django.utils.translation import get_language

    return label.get("en" if (get_language() or "fr").startswith("en") else "fr") or label.get(
        "fr", ""
    )


def _display_value(value: object) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return inn_label(value)  # a chosen medicine by its French INN; other codes with spaces


WORKLIST_PAGE_SIZE = 50

ACTIVITY_FORMS = {
    "done": ActivityDoneForm,
    "schedule": ActivityScheduleForm,
    "status": ActivityStatusForm,
    "assign": AssignForm,
}


@login_required
def activity_action(
    request: AuthenticatedHttpRequest,
    patient_id: uuid.UUID,
    instance_id: uuid.UUID,
    activity_id: uuid.UUID,
    action: str,
) -> HttpResponse:
    found = selectors.instance_get_for_user(
        user=request.user, patient_id=patient_id, instance_id=instance_id, what=f"activity {action}"
    )
    activity = selectors.activity_of(found.instance, activity_id)
    form_class = ACTIVITY_FORMS.get(action)
    if form_class is None:
        from django.http import Http404

        raise Http404
    if action not in activity_actions_for(request.user, found.access, activity):
        raise PermissionDenied
    initial = {"version": activity.version}
    form = form_class(request.POST or None, initial=initial)
    user = request.user

    def act(data: dict) -> None:
        if action == "done":
            services.activity_transition(
                activity=activity,
                to=ActivityStatus.DONE,
                actor=user,
                on=data["on"],
                note=data["note"],
                result_value=data["result_value"],
                result_unit=data["result_unit"],
                expected_version=data["version"],
            )
        elif action == "schedule":
            services.activity_schedule(
                activity=activity, when=data["when"], actor=user, expected_version=data["version"]
            )
        elif action == "status":
            services.activity_transition(
                activity=activity,
                to=data["to"],
                actor=user,
                note=data["note"],
                expected_version=data["version"],
            )
        else:
            services.activity_assign(
                activity=activity,
                professional=data["professional"],
                actor=user,
                add_to_care_team=data["add_to_care_team"],
            )

    next_url = (
        request.POST.get("next") or request.GET.get("next") or found.instance.get_absolute_url()
    )
    if not next_url.startswith("/"):
        next_url = found.instance.get_absolute_url()
    response = _handle(request, form, act, _("Activity updated."), next_url)
    if response is not None:
        return response
    return render(
        request,
        "pathways/activity_action.html",
        {
            "patient": found.access.patient,
            "instance": found.instance,
            "activity": activity,
            "qualification_names": _qualification_names(list(activity.qualifications)),
            "form": form,
            "action": action,
            "next": next_url,
        },
        status=form_status(request),
    )


def _qualification_names(codes: list[str]) -> list[str]:
    """The trainings an activity requires, by their names in the directory (one query)."""
    if not codes:
        return []
    from oncoparcours.directory.models import QualificationType

    names = {q.code: str(q) for q in QualificationType.objects.filter(code__in=codes)}
    return [names.get(code, code) for code in codes]


@login_required
def phase_advance(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, instance_id: uuid.UUID
) -> HttpResponse:
    found = selectors.instance_get_for_user(
        user=request.user, patient_id=patient_id, instance_id=instance_id, what="phase transition"
    )
    _require_care_planner(request, found.access)
    instance = found.instance
    current = instance.current_phase
    form = PhaseAdvanceForm(
        request.POST or None, initial={"expected_phase": current.key if current else ""}
    )
    response = _handle(
        request,
        form,
        lambda data: services.phase_advance(
            instance=instance,
            actor=request.user,
            override_reason=data["override_reason"],
            expected_phase=data["expected_phase"],
        ),
        _("Moved to the next phase."),
        instance.get_absolute_url(),
    )
    if response is not None:
        return response
    return render(
        request,
        "pathways/phase_advance.html",
        {
            "patient": found.access.patient,
            "instance": instance,
            "form": form,
            "criteria": services.phase_criteria(instance),
        },
        status=form_status(request),
    )


def _lifecycle_view(action: str, form_class: type, run: Callable, success: str, title: str):
    @login_required
    def view(
        request: AuthenticatedHttpRequest, patient_id: uuid.UUID, instance_id: uuid.UUID
    ) -> HttpResponse:
        found = selectors.instance_get_for_user(
            user=request.user,
            patient_id=patient_id,
            instance_id=instance_id,
            what=f"pathway {action}",
        )
        _require_care_planner(request, found.access)
        form = form_class(request.POST or None)
        response = _handle(
            request,
            form,
            lambda data: run(instance=found.instance, actor=request.user, **data),
            _(success),
            found.instance.get_absolute_url(),
        )
        if response is not None:
            return response
        return render(
            request,
            "pathways/lifecycle.html",
            {
                "patient": found.access.patient,
                "instance": found.instance,
                "form": form,
                "title": _(title),
                "action": action,
            },
            status=form_status(request),
        )

    view.__name__ = f"pathway_{action}"
    return view


pathway_pause = _lifecycle_view(
    "pause",
    PauseForm,
    services.pathway_pause,
    gettext_noop("Pathway paused."),
    gettext_noop("Pause the pathway"),
)
pathway_resume = _lifecycle_view(
    "resume",
    ResumeForm,
    services.pathway_resume,
    gettext_noop("Pathway resumed: future activities were moved by the pause."),
    gettext_noop("Resume the pathway"),
)
pathway_end = _lifecycle_view(
    "end",
    EndForm,
    services.pathway_end,
    gettext_noop("Pathway ended: open activities were cancelled."),
    gettext_noop("End the pathway"),
)


@login_required
def refusal_create(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = patient_get_for_user(
        user=request.user, patient_id=patient_id, what="programme refusal form"
    )
    _require_care_planner(request, access)
    form = RefusalForm(request.POST or None, templates=list(selectors.latest_templates()))
    response = _handle(
        request,
        form,
        lambda data: services.pathway_refusal_record(
            patient=access.patient, actor=request.user, **data
        ),
        _("Refusal recorded."),
        access.patient.get_absolute_url(),
    )
    if response is not None:
        return response
    return render(
        request,
        "pathways/refusal.html",
        {"patient": access.patient, "form": form},
        status=form_status(request),
    )


@login_required
def worklist(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = WorklistFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    start, end = form.period_bounds()
    page = selectors.worklist_page(
        number=request.GET.get("page"),
        per_page=WORKLIST_PAGE_SIZE,
        user=request.user,
        scope=data.get("scope") or "mine",
        start=start,
        end=end,
        kind=data.get("kind", ""),
        place=data.get("place", ""),
    )
    rows = activity_rows(selectors.activities_in_order(list(page.object_list)))
    audit_record(
        actor=request.user,
        action=AuditAction.LIST,
        details={"what": "worklist", "patients": sorted({str(row.patient_id) for row in rows})},
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "pathways/worklist.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "start": start,
            "end": end,
            "today": timezone.localdate(),
            "querystring_without_page": params.urlencode() + "&" if params else "",
            "next": request.get_full_path(),
            "sections": worklist_sections(request),
        },
    )


@login_required
def programmes(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "pathways/programmes.html",
        {
            "templates": selectors.latest_templates(),
        },
    )


@login_required
def programme(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    figures = selectors.programme_figures(code)
    instances = selectors.programme_instances(user=request.user, code=code)
    page = Paginator(instances, 50).get_page(request.GET.get("page"))
    refusals = list(selectors.programme_refusals(user=request.user, code=code)[:50])
    audit_record(
        actor=request.user,
        action=AuditAction.LIST,
        details={
            "what": f"programme {code}",
            "patients": sorted({str(i.patient_id) for i in page}),
        },
    )
    return render(
        request,
        "pathways/programme.html",
        {
            **figures,
            "page_obj": page,
            "refusal_rows": refusals,
            "querystring_without_page": "",
            "chart": _inclusion_chart(figures["weeks"], figures["weekly_range"]),
        },
    )


def _inclusion_chart(weeks: list, weekly_range: list | None) -> dict:
    """Geometry of a small SVG bar chart (the page also gives the data as a table)."""
    height, bar, gap = 120, 14, 4
    top = max([w.count for w in weeks] + [weekly_range[1] if weekly_range else 1, 1])
    scale = (height - 10) / top
    bars = [
        {
            "x": i * (bar + gap),
            "width": bar,
            "height": round(w.count * scale, 1),
            "y": round(height - w.count * scale, 1),
            "label": f"{w.week:%d/%m/%Y} : {w.count}",
        }
        for i, w in enumerate(weeks)
    ]
    target_y = round(height - weekly_range[0] * scale, 1) if weekly_range else None
    return {
        "width": max(len(weeks) * (bar + gap), 1),
        "height": height,
        "bars": bars,
        "target_y": target_y,
    }
