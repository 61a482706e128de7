"""Registry pages: the list (search, status, stale flag) and a trial with its arms' trees."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.models import AuditAction
from oncoparcours.directory.models import Network

from . import selectors
from .describe import tree_lines
from .models import OPEN_STATUSES, Trial, TrialStatus


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
    return render(request, "trials/trial_list.html", {"form": form, "page_obj": page, "rows": rows})


@login_required
def trial_detail(request: AuthenticatedHttpRequest, trial_id: uuid.UUID) -> HttpResponse:
    trial = selectors.trial_get(trial_id=trial_id)
    arms = [(arm, tree_lines(arm.tree["tree"]) if arm.tree else []) for arm in trial.arms.all()]
    return render(
        request,
        "trials/trial_detail.html",
        {"trial": trial, "arms": arms, "sites": trial.sites.all(), "stale": trial.is_stale()},
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
