"""Indicator pages: overview by theme, one indicator with filters, chart, table and downloads,
the Article 51 dashboard, the catalogue, the pseudonymised extract; aggregates only."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oncoparcours.core.audit import audit_record
from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.models import AuditAction
from oncoparcours.monitoring.prom_selectors import prom_completion

from . import exports, selectors
from .catalogue import (
    BY_ID,
    CATALOGUE,
    FILTER_LABELS,
    INDICATORS_PURPOSE,
    STRATA,
    THEMES,
    Indicator,
    article51_costs,
    parameters,
)
from .exclusions import EXTRACT_PURPOSES, exclusion_for
from .forms import FilterForm
from .services import extract_directory, extract_ready, extract_refresh

REFRESHERS = {"administrator", "ars_evaluator", "network_coordinator", "centre_manager"}
EXTRACT_ROLES = {"administrator", "ars_evaluator"}
FORMATS = ("csv", "parquet")
ARTICLE51 = ("a51_inclusions", "a51_refusals", "a51_sequences", "a51_cost", "day_hospital_places")


def _indicator(indicator_id: str) -> Indicator:
    indicator = BY_ID.get(indicator_id)
    if indicator is None:
        raise Http404
    return indicator


@login_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    can_extract = request.user.role in EXTRACT_ROLES
    summary = selectors.overview()
    return render(
        request,
        "indicators/overview.html",
        {
            "themes": summary.themes,
            "exclusion_note": summary.exclusion_note,
            "ready": extract_ready(),
            "computed_at": selectors.extract_age(),
            "can_refresh": request.user.role in REFRESHERS,
            "can_extract": can_extract,
            "extract_purposes": selectors.extract_purposes() if can_extract else [],
        },
    )


def _panel(indicator: Indicator, form: FilterForm) -> dict:
    result = selectors.compute(indicator, form.filters()) if not form.errors else None
    return {
        "indicator": indicator,
        "result": result,
        "chart": result.series if result else {},
        "chart_id": f"data-{indicator.id}",
        "strata": [str(STRATA[s]) for s in indicator.stratifications],
        "filters_applied": [str(FILTER_LABELS[f]) for f in indicator.filters],
    }


@login_required
def detail(request: AuthenticatedHttpRequest, indicator_id: str) -> HttpResponse:
    indicator = _indicator(indicator_id)
    form = FilterForm(request.GET or None, applicable=indicator.filters)
    return render(
        request,
        "indicators/detail.html",
        {
            "indicator": indicator,
            "strata": [str(STRATA[s]) for s in indicator.stratifications],
            "panel_data": _panel(indicator, form),
            "form": form,
            "query": request.GET.urlencode(),
            "ready": extract_ready(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def article51(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None, applicable=("period", "organisation"))
    panels = [_panel(BY_ID[key], form) for key in ARTICLE51] if extract_ready() else []
    filters = form.filters()
    proms = prom_completion(
        since=filters.start,
        until=filters.end,
        organisation_id=uuid.UUID(filters.organisation) if filters.organisation else None,
    )
    return render(
        request,
        "indicators/article51.html",
        {
            "form": form,
            "panels": panels,
            "proms": proms,
            "query": request.GET.urlencode(),
            "ready": extract_ready(),
            "parameters": parameters()["article51"],
        },
        status=400 if form.errors else 200,
    )


@login_required
def download(request: AuthenticatedHttpRequest, indicator_id: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    indicator = _indicator(indicator_id)
    form = FilterForm(request.GET or None, applicable=indicator.filters)
    if form.errors or not extract_ready():
        raise Http404
    result = selectors.compute(indicator, form.filters())
    assert result is not None
    body = (
        exports.result_csv(result, title=str(indicator.title))
        if fmt == "csv"
        else exports.result_parquet(result)
    )
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        details={
            "what": "indicator",
            "indicator": indicator.id,
            "format": fmt,
            "filters": form.filters().as_query(),
            "purpose": indicator.purpose,
            "excluded_patients": result.excluded,
        },
    )
    response = HttpResponse(
        body,
        content_type="text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.apache.parquet",
    )
    response["Content-Disposition"] = f'attachment; filename="{indicator.id}.{fmt}"'
    if fmt == "csv":
        for name, value in exports.provenance_headers(
            title=str(indicator.title), exclusion=result.exclusion, excluded=result.excluded
        ).items():
            response[name] = value
    return response


@login_required
def extract_download(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS or request.user.role not in EXTRACT_ROLES or not extract_ready():
        raise Http404
    purpose = request.GET.get("finalite", INDICATORS_PURPOSE)
    if purpose not in EXTRACT_PURPOSES:
        raise Http404
    shift = request.GET.get("decalage") == "1"
    exclusion = exclusion_for(purpose, every_purpose=True)
    body, excluded = exports.extract_file(
        extract_directory(), shift_dates=shift, fmt=fmt, exclusion=exclusion
    )
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        details={
            "what": "pseudonymised extract",
            "format": fmt,
            "date_shift": shift,
            "purpose": purpose,
            "excluded_patients": excluded,
        },
    )
    response = HttpResponse(
        body,
        content_type="text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.apache.parquet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="evenements-pseudonymises-{purpose}.{fmt}"'
    )
    if fmt == "csv":
        title = _("Pseudonymised event-level extract")
        for name, value in exports.provenance_headers(
            title=title, exclusion=exclusion, excluded=excluded
        ).items():
            response[name] = value
    return response


@login_required
def catalogue(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "indicators/catalogue.html",
        {
            "themes": [
                (str(THEMES[key]), [i for i in CATALOGUE if i.theme == key]) for key in THEMES
            ],
            "strata": STRATA,
            "filter_labels": FILTER_LABELS,
            "parameters": parameters(),
            "costs": article51_costs(),
        },
    )


@login_required
@require_POST
def refresh(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.role not in REFRESHERS:
        raise Http404
    run = extract_refresh(actor=request.user)
    messages.success(
        request,
        _("Indicators recomputed: %(events)s events in %(seconds)s s.")
        % {"events": run.events, "seconds": f"{run.seconds:.1f}"},
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("indicators:overview")
    return redirect(target or reverse("indicators:overview"))
