"""Registry pages: the list (search, status, stale flag) and a trial with its arms' trees."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.forms import add_application_error
from oncoparcours.core.http import AuthenticatedHttpRequest, form_status
from oncoparcours.core.models import AuditAction
from oncoparcours.directory.models import Network
from oncoparcours.patients.selectors import professional_for

from . import matching_services, selectors
from .curation_forms import PROBLEMS, CriterionForm
from .describe import describe, tree_lines
from .models import OPEN_STATUSES, Arm, Trial, TrialStatus
from .rules.tree import tree_problems
from .rules.tree_edit import criteria_at, tree_with, tree_without


class TrialFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *TrialStatus.choices], required=False
    )
    stale = forms.BooleanField(label=_("Stale records only"), required=False)


@login_required
def trial_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TrialFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    trials = selectors.trials_search(
        query=filters.get("q", ""),
        status=filters.get("status", ""),
        stale_only=bool(filters.get("stale")),
    )
    page = Paginator(trials, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(trial, trial.is_stale(now)) for trial in page]
    return render(
        request,
        "trials/trial_list.html",
        {"form": form, "page_obj": page, "rows": rows, "can_curate": may_curate(request.user)},
    )


@login_required
def trial_detail(request: AuthenticatedHttpRequest, trial_id: uuid.UUID) -> HttpResponse:
    trial = selectors.trial_get(trial_id=trial_id)
    arms = [(arm, tree_lines(arm.tree["tree"]) if arm.tree else []) for arm in trial.arms.all()]
    return render(
        request,
        "trials/trial_detail.html",
        {
            "trial": trial,
            "arms": arms,
            "sites": trial.sites.all(),
            "stale": trial.is_stale(),
            "can_curate": may_curate(request.user),
        },
    )


class WorklistFilterForm(forms.Form):
    trial = forms.ModelChoiceField(
        label=_("Trial"),
        queryset=Trial.objects.filter(overall_status__in=OPEN_STATUSES).order_by("title"),
        required=False,
        empty_label=_("All"),
    )
    result = forms.ChoiceField(
        label=_("Result"),
        required=False,
        choices=[("", _("Met or to verify")), ("met", _("Met only")),
                 ("to_verify", _("To verify only"))],
    )  # fmt: skip


@login_required
def network_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "trials/networks.html", {"networks": selectors.networks_for_worklist()})


@login_required
def network_worklist(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    network = get_object_or_404(Network, code=code)
    form = WorklistFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    trial = filters.get("trial")
    patients = selectors.network_worklist(
        user=request.user,
        network=network,
        trial_id=trial.pk if trial else None,
        result=filters.get("result", ""),
    )
    page = Paginator(patients, 50).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user,
        action=AuditAction.LIST,
        details={"what": "trials worklist", "network": network.code,
                 "patients": [str(p.pk) for p in page]},
    )  # fmt: skip
    return render(
        request,
        "trials/worklist.html",
        {"network": network, "form": form, "page_obj": page, "query": request.GET.urlencode()},
    )


def may_curate(user: Any) -> bool:
    """Curators only: a professional holding the curator flag (granted in the administration)."""
    professional = professional_for(user)
    return bool(professional and professional.is_trial_curator)


class CurationForm(forms.Form):
    tree = forms.CharField(
        label=_("Eligibility tree (JSON)"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "code"}),
        max_length=60_000,
        help_text=_(
            'Nodes: {"and": [...]}, {"or": [...]}, {"not": {...}} or a criterion '
            '{"criterion": ..., "text": verbatim source text}. Criteria added or changed are '
            "marked curated, with your name and today's date."
        ),
    )
    note = forms.CharField(label=_("What changes and why"), max_length=300, required=False)

    def clean_tree(self) -> dict[str, Any]:
        try:
            tree = json.loads(self.cleaned_data["tree"])
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("Not valid JSON (line %(line)s, column %(column)s).")
                % {"line": error.lineno, "column": error.colno}
            ) from error
        problems = tree_problems(tree)
        if problems:
            raise forms.ValidationError(
                _("The eligibility tree is not valid: %(problems)s")
                % {"problems": "; ".join(f"{p}: {PROBLEMS.get(c, c)}" for p, c in problems[:20])}
            )
        return tree


@login_required
def arm_curate(
    request: AuthenticatedHttpRequest, trial_id: uuid.UUID, arm_id: uuid.UUID
) -> HttpResponse:
    """Curation of an arm: criterion by criterion (remove, add one with its source text) or the
    whole tree as JSON; both preview the patients the edit adds or removes, then save."""
    if not may_curate(request.user):
        reason = _(
            "Only the clinical-trial curators edit eligibility criteria: ask the clinical "
            "research unit of your centre to be named curator."
        )
        return render(request, "403.html", {"reason": reason}, status=403)
    arm = get_object_or_404(Arm.objects.select_related("trial"), pk=arm_id, trial_id=trial_id)
    current = arm.tree.get("tree", {}) if arm.tree else {}
    editing = request.method == "POST" and request.POST.get("do") == "criteria"
    criterion_form = CriterionForm(request.POST if editing else None, prefix="c")
    form = CurationForm(
        None if editing else request.POST or None,
        initial={"tree": json.dumps(current, indent=2, ensure_ascii=False)},
    )
    preview, tree, errors = None, None, False
    if editing:
        tree, errors = _criteria_edit(request, criterion_form, current)
        if tree is not None:
            form = CurationForm(initial={"tree": json.dumps(tree, indent=2, ensure_ascii=False)})
    elif request.method == "POST" and form.is_valid():
        tree = form.cleaned_data["tree"]
        if request.POST.get("do") == "save":
            try:
                matching_services.arm_tree_curate(
                    actor=request.user, arm=arm, tree=tree, note=form.cleaned_data["note"]
                )
            except ApplicationError as error:
                add_application_error(form, error)
                tree = None
            else:
                messages.success(request, _("New version saved; patients matched again."))
                return redirect(reverse("trials:curate", args=[trial_id, arm_id]))
    if tree is not None:
        preview = selectors.tree_edit_preview(user=request.user, arm=arm, tree=tree)
    criteria = criteria_at(current) if current else []
    status = 400 if errors else 200 if preview is not None else form_status(request)
    return render(
        request,
        "trials/curate.html",
        {"arm": arm, "form": form, "criterion_form": criterion_form, "preview": preview,
         "edited_lines": tree_lines(tree) if editing and tree is not None else None,
         "criteria": [(c, describe(c.criterion)) for c in criteria],
         "removed": set(request.POST.getlist("remove")) if editing else set(),
         "versions": selectors.arm_versions(arm),
         "lines": tree_lines(current) if current else []},
        status=status,
    )  # fmt: skip


def _criteria_edit(
    request: AuthenticatedHttpRequest, criterion_form: CriterionForm, current: dict[str, Any]
) -> tuple[dict[str, Any] | None, bool]:
    """The tree after the criterion-by-criterion edit, or ``None`` with errors on the form."""
    known = {c.path for c in criteria_at(current)} if current else set()
    removed = set(request.POST.getlist("remove"))
    if not criterion_form.is_valid():
        return None, True
    if removed - known:
        criterion_form.add_error(None, _("A criterion to remove is no longer in this version."))
        return None, True
    tree = tree_without(current, removed) if current else None
    added = criterion_form.cleaned_data.get("criterion")
    if added:
        added = {**added, "text": criterion_form.cleaned_data["text"].strip()}
        tree = tree_with(tree, added, negated=criterion_form.cleaned_data["exclusion"])
    if not removed and not added:
        criterion_form.add_error(None, _("Choose criteria to remove or a criterion to add."))
        return None, True
    if tree is None:
        criterion_form.add_error(None, _("An arm needs at least one criterion."))
        return None, True
    return tree, False


class ImportForm(forms.Form):
    FORMATS = (
        ("ctgov", _("ClinicalTrials.gov record (JSON, API v2)")),
        ("ctml", _("CTML file (YAML)")),
    )
    source = forms.ChoiceField(label=_("Format"), choices=FORMATS)
    file = forms.FileField(label=_("File"))

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                _("The file is not text in UTF-8: a JSON or YAML export is expected.")
            ) from error


@login_required
def trial_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Import trials from a ClinicalTrials.gov JSON record or a CTML file (curators): all or
    nothing, every error named by record and path; lists what was created or updated."""
    from . import services

    if not may_curate(request.user):
        reason = _(
            "Only the clinical-trial curators import trials: ask the clinical research unit of "
            "your centre to be named curator."
        )
        return render(request, "403.html", {"reason": reason}, status=403)
    form = ImportForm(request.POST or None, request.FILES or None)
    done: list[dict[str, Any]] = []
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        existing = set(Trial.objects.values_list("pk", flat=True))
        run = (
            services.trials_import_ctgov
            if form.cleaned_data["source"] == "ctgov"
            else services.trials_import_ctml
        )
        try:
            trials = run(actor=request.user, content=form.cleaned_data["file"])
        except ApplicationError as error:
            head, _sep, rest = error.message.partition(". ")
            errors = [head + "."] + [e for e in rest.split(" | ") if e] if rest else [error.message]
        else:
            done = [{"trial": t, "created": t.pk not in existing} for t in trials]
    status = 400 if errors or form.errors else 200
    return render(
        request, "trials/import.html", {"form": form, "done": done, "errors": errors}, status=status
    )
