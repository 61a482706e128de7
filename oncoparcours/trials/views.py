"""Registry pages: the list (search, status, stale flag) and a trial with its arms' trees."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oncoparcours.core.http import AuthenticatedHttpRequest

from . import selectors
from .describe import tree_lines
from .models import TrialStatus


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
