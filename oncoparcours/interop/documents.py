"""``GET /fhir/Composition/<decision id>/$document``: a validated board decision as a FHIR
document bundle for the shared medical record — a Composition (the decision in sections: question,
proposal, modalities, place of care, trial, justification), the Patient, the cancer Condition, the
validating practitioner and the RCP record and PPS PDFs as Binary resources. The latest version of
a decision is the one to send; an amended version says which one it replaces (``relatesTo``)."""

from __future__ import annotations

import base64
from typing import Any

from django.utils import timezone

from oncoparcours.boards.models import Decision, Modality, PlaceOfCare
from oncoparcours.boards.services.documents import document_path
from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction
from oncoparcours.directory.models import Professional

from . import builders, systems
from .directory_resources import practitioner_resource
from .readers import Reader

DOCUMENT_TYPE = systems.OWN + "CodeSystem/document-type"
SECTION = systems.OWN + "CodeSystem/rcp-section"


def _section(code: str, title: str, text: str) -> dict[str, Any]:
    return {
        "title": title,
        "code": {"coding": [{"system": SECTION, "code": code}]},
        "text": {"status": "generated", "div": _div(text)},
    }


def _div(text: str) -> str:
    from django.template.defaultfilters import linebreaksbr
    from django.utils.html import escape

    return f'<div xmlns="http://www.w3.org/1999/xhtml">{linebreaksbr(escape(text))}</div>'


def decision_for(*, reader: Reader, decision_id: str) -> Decision | None:
    import uuid

    try:
        key = uuid.UUID(decision_id)
    except ValueError:
        return None
    return (
        Decision.objects.filter(reader.patient_filter("case__patient_id"), pk=key)
        .select_related("case__patient__gp", "case__diagnosis", "validated_by", "amends")
        .prefetch_related("documents")
        .first()
    )


def decision_document(*, reader: Reader, decision: Decision, base: str) -> dict[str, Any]:
    case = decision.case
    patient = case.patient
    sections = [
        _section("question", "Question posée", case.question),
        _section("proposal", "Proposition de la RCP", decision.proposal),
        _section(
            "modalities",
            "Modalités de traitement",
            ", ".join(str(Modality(m).label) for m in decision.modalities) or "—",
        ),
        _section(
            "place",
            "Lieu de prise en charge",
            str(PlaceOfCare(decision.place_of_care).label)
            + (f" — {decision.place_reason}" if decision.place_reason else ""),
        ),
    ]
    if decision.trial or decision.trial_identifier:
        sections.append(
            _section(
                "trial", "Essai clinique proposé", f"{decision.trial} {decision.trial_identifier}"
            )
        )
    if decision.outside_guideline or decision.justification:
        sections.append(_section("justification", "Justification", decision.justification))
    resources: list[dict[str, Any]] = [builders.patient_resource(patient)]
    if case.diagnosis is not None:
        resources.append(builders.condition_resource(case.diagnosis))
    author = Professional.objects.filter(user=decision.validated_by).first()
    if author is not None:
        resources.append(practitioner_resource(author))
    binaries = [
        {
            "resourceType": "Binary",
            "id": str(document.pk),
            "contentType": "application/pdf",
            "data": base64.b64encode(document_path(document).read_bytes()).decode(),
        }
        for document in decision.documents.all()
        if document_path(document).exists()
    ]
    if binaries:
        sections.append(
            {
                "title": "Documents",
                "code": {"coding": [{"system": SECTION, "code": "documents"}]},
                "text": {"status": "generated", "div": _div("Fiche RCP et PPS (PDF)")},
                "entry": [{"reference": f"Binary/{b['id']}"} for b in binaries],
            }
        )
    composition: dict[str, Any] = {
        "resourceType": "Composition",
        "id": str(decision.pk),
        "identifier": builders.own_identifier(decision.pk),
        "status": "final" if not hasattr(decision, "amended_by") else "amended",
        "type": {
            "coding": [{"system": DOCUMENT_TYPE, "code": "rcp-decision"}],
            "text": "Fiche de décision de réunion de concertation pluridisciplinaire (RCP)",
        },
        "subject": {"reference": f"Patient/{patient.pk}"},
        "date": decision.validated_at.isoformat(),
        "author": [
            {"reference": f"Practitioner/{author.pk}"}
            if author is not None
            else {"display": str(decision.validated_by)}
        ],
        "title": f"Décision de RCP — {case.board} (version {decision.version})",
        "section": sections,
    }
    if decision.amends_id:
        composition["relatesTo"] = [
            {
                "code": "replaces",
                "targetReference": {"reference": f"Composition/{decision.amends_id}"},
            }
        ]
    builders.validated(composition)
    everything = [composition, *resources, *binaries]
    audit_record(
        **reader.audit(),
        action=AuditAction.EXPORT,
        patient_id=patient.pk,
        obj=decision,
        details={"what": "FHIR RCP document", "documents": len(binaries)},
    )
    return builders.validated(
        {
            "resourceType": "Bundle",
            "identifier": {"system": systems.RFC3986, "value": f"urn:uuid:{decision.pk}"},
            "type": "document",
            "timestamp": timezone.now().isoformat(),
            "entry": [
                {"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r}
                for r in everything
            ],
        }
    )
