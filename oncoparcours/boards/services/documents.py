"""The RCP record (for professionals) and the PPS (for the patient, in plain French), rendered
from HTML templates to PDF with WeasyPrint, stored outside the web root, one pair per decision
version; both are sent to the GP by secure health mail (``letters``)."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone, translation

from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction, User

from ..models import Document, DocumentKind, OutboxMessage
from .attachments import storage_dir
from .letters import letter_send

if TYPE_CHECKING:
    from ..models import Decision

TEMPLATES = {
    DocumentKind.RCP_RECORD: "boards/pdf/rcp_record.html",
    DocumentKind.PPS: "boards/pdf/pps.html",
}


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # imported lazily: it loads Pango

    with translation.override("fr"):
        html = render_to_string(template, context)
    return HTML(string=html, base_url=str(Path(__file__).parent)).write_pdf()


def _context(decision: Decision) -> dict:
    case = decision.case
    session = decision.session
    return {
        "decision": decision,
        "case": case,
        "patient": case.patient,
        "session": session,
        "board": session.board,
        "dataset": case.dataset,
        "history": list(case.decisions.order_by("version")),
        "generated_at": timezone.localtime(),
    }


def documents_generate(*, decision: Decision, actor: User) -> list[Document]:
    context = _context(decision)
    created = []
    for kind, template in TEMPLATES.items():
        pdf = render_pdf(template, context)
        storage_name = f"{uuid.uuid4().hex}.pdf"
        (storage_dir() / storage_name).write_bytes(pdf)
        document = Document.objects.create(
            case=decision.case,
            decision=decision,
            kind=kind,
            storage_name=storage_name,
            size=len(pdf),
            sha256=hashlib.sha256(pdf).hexdigest(),
            created_by=actor,
        )
        created.append(document)
    patient = decision.case.patient
    record = next(d for d in created if d.kind == DocumentKind.RCP_RECORD)
    if patient.gp_id is not None:
        message = OutboxMessage.objects.create(
            document=record, recipient=patient.gp, recipient_label=str(patient.gp)
        )
        letter_send(message=message, actor=actor)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        obj=decision,
        details={"documents": [str(d.pk) for d in created]},
    )
    return created


def document_path(document: Document) -> Path:
    return storage_dir() / document.storage_name
