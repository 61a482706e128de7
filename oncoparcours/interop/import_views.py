"""The page where a professional of the care team imports an mCODE patient bundle."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.patients.services import PATIENT_CREATING_ROLES

from .forms import BundleImportForm
from .importing import ImportRefused, bundle_import

SEVERITY_ORDER = {"error": 0, "warning": 1, "information": 2}


def _issues(outcome: dict[str, Any]) -> list[dict[str, str]]:
    rows = [
        {
            "severity": issue["severity"],
            "where": (issue.get("expression") or [""])[0],
            "message": issue.get("diagnostics", ""),
        }
        for issue in outcome.get("issue", [])
    ]
    return sorted(rows, key=lambda row: SEVERITY_ORDER.get(row["severity"], 3))


def bundle_import_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.role not in PATIENT_CREATING_ROLES:
        raise PermissionDenied
    context: dict[str, Any] = {}
    form = BundleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = bundle_import(
                actor=request.user,
                bundle=form.cleaned_data["file"],
                source=form.cleaned_data["source"],
                homonym_confirmed=form.cleaned_data["homonym_confirmed"],
            )
        except ImportRefused as refused:
            context.update(refused=True, issues=_issues(refused.outcome))
        else:
            from oncoparcours.patients.models import Patient

            context.update(
                imported=Patient.objects.filter(pk__in=result.patient_ids),
                counts=dict(result.counts),
                issues=_issues(result.outcome),
            )
    context["form"] = form
    status = 422 if context.get("refused") else 200
    return render(request, "interop/bundle_import.html", context, status=status)
