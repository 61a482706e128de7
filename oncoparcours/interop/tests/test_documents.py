"""A validated board decision as a FHIR document bundle for the shared medical record: the
Composition first, the patient, the condition, the author and the RCP record and PPS as PDFs;
outside the care team, 404."""

from __future__ import annotations

import base64

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from oncoparcours.boards.models import Decision
from oncoparcours.boards.services import decisions, sessions
from oncoparcours.boards.tests.conftest import (  # noqa: F401 (fixtures)
    board,
    complete_case,
    diagnosis,
    patient,
    session,
    specialists,
)
from oncoparcours.boards.tests.test_services import PROPOSAL, open_with_quorum
from oncoparcours.core.models import AuditAction, AuditEvent
from oncoparcours.testing.factories import ProfessionalFactory

pytestmark = pytest.mark.django_db


def test_a_decision_is_a_document_bundle_with_its_pdfs(
    complete_case,  # noqa: F811
    session,  # noqa: F811
    clinician,
    specialists,  # noqa: F811
):
    item = sessions.agenda_add(actor=clinician.user, session=session, case=complete_case)
    open_with_quorum(session, clinician, specialists)
    decisions.decision_validate(actor=clinician.user, item=item, proposal=PROPOSAL)
    decision = Decision.objects.get(case=complete_case)
    client = Client()
    client.force_login(clinician.user)
    answer = client.get(f"/fhir/Composition/{decision.pk}/$document")
    assert answer.status_code == 200, answer.content[:400]
    bundle = answer.json()
    Bundle.model_validate(bundle)
    assert bundle["type"] == "document"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds[0] == "Composition"
    assert {"Patient", "Condition", "Practitioner"} <= set(kinds)
    assert kinds.count("Binary") == 2  # the RCP record and the PPS
    composition = bundle["entry"][0]["resource"]
    assert composition["subject"] == {"reference": f"Patient/{complete_case.patient_id}"}
    proposal = next(
        s for s in composition["section"] if s["code"]["coding"][0]["code"] == "proposal"
    )
    assert "Colectomie puis chimiothérapie adjuvante" in proposal["text"]["div"]
    pdf = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Binary")
    assert base64.b64decode(pdf["data"]).startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT,
        patient_id=complete_case.patient_id,
        details__what="FHIR RCP document",
    ).exists()

    stranger = Client()
    stranger.force_login(ProfessionalFactory().user)
    assert stranger.get(f"/fhir/Composition/{decision.pk}/$document").status_code == 404
