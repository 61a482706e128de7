"""Test helper: a patient's case decided by a standard board, with documents and a GP outbox
message (used by the access checks that walk every patient URL)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from oncoparcours.boards.models import Board, BoardMember, Case, Decision, Session
from oncoparcours.boards.services import attachments, cases, decisions, sessions
from oncoparcours.boards.services.decisions import Proposal
from oncoparcours.directory.models import Organisation, Professional
from oncoparcours.patients.models import Diagnosis, Patient, PerformanceStatus, Staging

from .factories import DiagnosisFactory, ProfessionalFactory


def decided_case(patient: Patient) -> Case:
    existing = Case.objects.filter(patient=patient, status="decided").first()
    if existing is not None:
        return existing
    chair = patient.care_team.get(is_lead=True).professional
    board = Board.objects.create(
        name="RCP test", kind="standard", start_time=dt.time(8), icd10_ranges=[["C00", "C97"]]
    )
    BoardMember.objects.create(
        board=board, professional=chair, specialties=["medical_oncology"], is_chair=True
    )
    others = [ProfessionalFactory(specialty=s) for s in ("digestive_surgery", "radiotherapy")]
    for professional in others:
        BoardMember.objects.create(
            board=board, professional=professional, specialties=[professional.specialty]
        )
    patient.gp = ProfessionalFactory(specialty="general_practice")
    patient.save()
    diagnosis = DiagnosisFactory(patient=patient, icd10="C18.7", icdo3_morphology="8140/3")
    Staging.objects.create(
        diagnosis=diagnosis, kind="clinical", t="T3", n="N0", m="M0", staged_on=timezone.localdate()
    )
    PerformanceStatus.objects.create(patient=patient, value=0, recorded_on=timezone.localdate())
    case = cases.case_submit(
        actor=chair.user,
        patient=patient,
        board=board,
        diagnosis=diagnosis,
        question="Quelle prise en charge ?",
        context="new_diagnosis",
        informed_today=True,
    )
    attachments.attachment_add(
        actor=chair.user,
        case=case,
        kind="pathology",
        upload=SimpleUploadedFile("cr.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
    )
    session = Session.objects.create(board=board, starts_at=timezone.now(), chair=chair)
    item = sessions.agenda_add(actor=chair.user, session=session, case=case)
    for professional in [chair, *others]:
        sessions.attendance_record(
            actor=chair.user,
            session=session,
            professional=professional,
            specialties=[professional.specialty if professional != chair else "medical_oncology"],
            mode="in_person",
        )
    sessions.session_open(actor=chair.user, session=session)
    decisions.decision_validate(
        actor=chair.user,
        item=item,
        proposal=Proposal(
            modalities=["surgery"],
            proposal="Colectomie",
            guideline="TNCD 2024",
            place_of_care="proximity",
        ),
    )
    return Case.objects.get(pk=case.pk)


def past_session(board: Board, chair: Professional, starts_at: dt.datetime) -> Session:
    return Session.objects.create(
        board=board, starts_at=starts_at, duration_minutes=120, capacity=10, chair=chair
    )


def stored_decision(
    *,
    session: Session,
    patient: Patient,
    diagnosis: Diagnosis,
    place: str,
    organisation: Organisation | None = None,
    at: dt.datetime | None = None,
) -> Decision:
    """A decided case stored directly (no quorum, no documents): for the statistics and
    indicator tests, which read decisions and do not exercise the session workflow."""
    chair = session.chair
    assert chair is not None and chair.user is not None
    at = at or session.starts_at
    case = Case.objects.create(
        patient=patient,
        board=session.board,
        diagnosis=diagnosis,
        question="Quelle prise en charge ?",
        context="new_diagnosis",
        submitted_by=chair.user,
        submitted_at=at - dt.timedelta(days=7),
        decided_at=at,
        status="decided",
    )
    return Decision.objects.create(
        case=case,
        session=session,
        proposal="Proposition",
        place_of_care=place,
        care_organisation=organisation,
        validated_by=chair.user,
        validated_at=at,
    )
