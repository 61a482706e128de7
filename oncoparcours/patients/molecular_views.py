"""Tumour molecular results on the patient record: the section, the form and the CSV import."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _

from oncoparcours.core.http import AuthenticatedHttpRequest

from . import molecular_services, selectors
from .forms import MolecularFindingForm, MolecularImportForm
from .record import RecordSection
from .views import _form_view


def molecular_section(access: Any, request: Any) -> RecordSection:
    findings = list(access.patient.molecular.order_by("-sampled_on", "kind", "gene")[:50])
    return RecordSection(
        title=_("Molecular results"),
        template="patients/record/molecular.html",
        context={
            "findings": findings,
            "patient": access.patient,
            "may_enter": molecular_services.may_enter_molecular(
                request.user, in_care_team=access.membership is not None
            ),
        },
        order=3,
    )


def _refuse_unless_entering(request: AuthenticatedHttpRequest, access: Any) -> None:
    """403 for the roles that do not enter molecular results (the menu never links there)."""
    if not molecular_services.may_enter_molecular(
        request.user, in_care_team=access.membership is not None
    ):
        raise PermissionDenied


@login_required
def molecular_add(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = selectors.patient_get_for_user(
        user=request.user, patient_id=patient_id, what="molecular result form"
    )
    _refuse_unless_entering(request, access)
    form = MolecularFindingForm(request.POST or None)
    return _form_view(
        request,
        form,
        lambda data: molecular_services.molecular_finding_add(
            actor=request.user, patient=access.patient, raw=data
        ),
        "patients/simple_form.html",
        {"patient": access.patient, "title": _("Record a molecular result")},
        access.patient.get_absolute_url(),
        _("Molecular result recorded."),
    )


@login_required
def molecular_import(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = selectors.patient_get_for_user(
        user=request.user, patient_id=patient_id, what="molecular import form"
    )
    _refuse_unless_entering(request, access)
    form = MolecularImportForm(request.POST or None, request.FILES or None)
    return _form_view(
        request,
        form,
        lambda data: molecular_services.molecular_import_csv(
            actor=request.user, patient=access.patient, content=data["file"].read()
        ),
        "patients/upload_form.html",
        {"patient": access.patient, "title": _("Import molecular results (CSV)")},
        access.patient.get_absolute_url(),
        _("Molecular results imported."),
    )
