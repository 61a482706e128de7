"""The right-of-access export, for the patient's care team: all the data as JSON and a
readable summary in French (HTML), both audited and never cached."""

from __future__ import annotations

import json
import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation

from oncoparcours.core.audit import audit_record
from oncoparcours.core.http import AuthenticatedHttpRequest
from oncoparcours.core.models import AuditAction
from oncoparcours.patients.models import Patient
from oncoparcours.patients.selectors import PatientAccess, patient_access_for_user

from .readable import ACTION_LABELS
from .selectors import access_export, display


def _care_team_access(
    request: AuthenticatedHttpRequest, patient_id: uuid.UUID, fmt: str
) -> PatientAccess:
    """The care team only (break-the-glass reads, it does not export); 404 otherwise."""
    access = patient_access_for_user(user=request.user, patient_id=patient_id)
    if access is None or access.membership is None:
        audit_record(
            actor=request.user,
            action=AuditAction.DENIED,
            patient_id=patient_id,
            details={"what": "access-right export", "format": fmt},
        )
        raise Http404
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        patient_id=access.patient.pk,
        obj=access.patient,
        details={"what": "access-right export", "format": fmt},
    )
    return access


def _download(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _file_name(extension: str) -> str:
    return f"droit-acces-{timezone.localdate():%Y%m%d}.{extension}"


@login_required
def access_json(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = _care_team_access(request, patient_id, "json")
    with translation.override("fr"):
        data = access_export(access.patient).as_json()
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    return _download(body, "application/json; charset=utf-8", _file_name("json"))


@login_required
def access_summary(request: AuthenticatedHttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = _care_team_access(request, patient_id, "html")
    with translation.override("fr"):
        export = access_export(access.patient)
        html = render_to_string(
            "privacy/access_summary.html",
            {
                "export": export,
                "identity": [
                    (Patient.field_label(name), display(value))
                    for name, value in export.identity.items()
                    if name not in {"id", "created_at", "updated_at"} and value not in (None, "")
                ],
                "sections": [
                    {"title": section.title, "records": records}
                    for section in export.sections
                    if (records := [r for r in section.records() if r])
                ],
                "accesses": [
                    {
                        **row,
                        "break_glass_used": row["break_glass"],
                        "action": ACTION_LABELS.get(row["action_code"], row["action"]),
                        "break_glass": display(row["break_glass"]),
                    }
                    for row in export.accesses
                ],
            },
        )
    return _download(html.encode("utf-8"), "text/html; charset=utf-8", _file_name("html"))
