"""Tumour molecular results on the patient record: the section, the form and the CSV import."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from oncoparcours.core.http import AuthenticatedHttpRequest

from . import molecular_services, selectors
from .forms import (
    MolecularCorrectionForm,
    MolecularFindingForm,
    MolecularImportForm,
    MolecularWithdrawForm,
)
from .models import MolecularFinding
from .record import RecordSection
from .views import _form_view


def molecular_section(access: Any, request: Any) -> RecordSection:
    molecular = selectors.molecular_record(access.patient)  # read once with the page
    findings = molecular.current[:50]
    history = molecular.history[:50]
    return RecordSection(
        title=_("Molecular results"),
        template="patients/record/molecular.html",
        context={
            "findings": findings,
            "history": history,
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


def _current_finding(access: Any, finding_id: uuid.UUID) -> MolecularFinding:
    finding = access.patient.molecular.current().filter(pk=finding_id).first()
    if finding is None:  # another patient's, or no longer current
        raise Http404
    return finding


def _initial(finding: MolecularFinding) -> dict[str, Any]:
    values = {name: getattr(finding, name) for name in molecular_services.VALUE_FIELDS}
    return {k: ("" if v is None else v) for k, v in values.items()}


@login_required
def molecular_correct(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, finding_id: uuid.UUID
) -> HttpResponse:
    """A correction: a new version superseding the result (the old one stays in the history)."""
    access = selectors.patient_get_for_user(
        user=request.user, patient_id=patient_id, what="molecular correction form"
    )
    _refuse_unless_entering(request, access)
    finding = _current_finding(access, finding_id)
    form = MolecularCorrectionForm(request.POST or None, initial=_initial(finding))
    return _form_view(
        request,
        form,
        lambda data: molecular_services.molecular_finding_correct(
            actor=request.user,
            finding=finding,
            raw={k: v for k, v in data.items() if k != "reason"},
            reason=data["reason"],
        ),
        "patients/simple_form.html",
        {"patient": access.patient, "title": _("Correct a molecular result: %(result)s")
         % {"result": finding}},
        access.patient.get_absolute_url(),
        _("Molecular result corrected; the previous version stays in the history."),
    )  # fmt: skip


@login_required
def molecular_withdraw(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, finding_id: uuid.UUID
) -> HttpResponse:
    """Withdraw a result entered in error (kept in the history, no longer used)."""
    access = selectors.patient_get_for_user(
        user=request.user, patient_id=patient_id, what="molecular withdrawal form"
    )
    _refuse_unless_entering(request, access)
    finding = _current_finding(access, finding_id)
    form = MolecularWithdrawForm(request.POST or None)
    return _form_view(
        request,
        form,
        lambda data: molecular_services.molecular_finding_withdraw(
            actor=request.user, finding=finding, reason=data["reason"]
        ),
        "patients/simple_form.html",
        {"patient": access.patient, "title": _("Withdraw a molecular result: %(result)s")
         % {"result": finding}},
        access.patient.get_absolute_url(),
        _("Molecular result withdrawn; it stays in the history."),
    )  # fmt: skip
