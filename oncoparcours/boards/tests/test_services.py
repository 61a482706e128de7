"""Cases, agendas, quorum, decisions, documents, carry-over and referrals through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from oncoparcours.boards.models import (
    AgendaItem,
    CaseStatus,
    Decision,
    Document,
    OutboxMessage,
    Referral,
    Session,
)
from oncoparcours.boards.selectors import board_statistics
from oncoparcours.boards.services import attachments, cases, decisions, referrals, sessions
from oncoparcours.boards.services.decisions import Proposal
from oncoparcours.boards.services.documents import document_path
from oncoparcours.core.errors import ApplicationError
from oncoparcours.patients.models import CareTeamMember
from oncoparcours.testing.factories import ProfessionalFactory

from .conftest import patient_of

pytestmark = pytest.mark.django_db

PROPOSAL = Proposal(
    modalities=["surgery", "chemotherapy"],
    proposal="Colectomie puis chimiothérapie adjuvante (FOLFOX, 6 mois).",
    guideline="Thésaurus national de cancérologie digestive 2024",
    place_of_care="proximity",
)


def attend(session, professional, specialties=None):
    return sessions.attendance_record(
        actor=session.chair.user,
        session=session,
        professional=professional,
        specialties=specialties or [professional.specialty],
        mode="remote",
    )


def open_with_quorum(session, clinician, specialists, *, surgeon=True):
    attend(session, clinician, ["medical_oncology"])
    attend(session, specialists["radiotherapist"])
    attend(session, specialists["radiologist"])
    if surgeon:
        attend(session, specialists["surgeon"])
    return sessions.session_open(actor=clinician.user, session=session)


def test_a_case_without_the_minimal_dataset_is_incomplete_and_cannot_be_scheduled(
    patient, board, clinician, session
):
    from oncoparcours.testing.factories import DiagnosisFactory

    diagnosis = DiagnosisFactory(patient=patient, icd10="C18.7", icdo3_morphology="")
    case = cases.case_submit(
        actor=clinician.user,
        patient=patient,
        board=board,
        diagnosis=diagnosis,
        question="Quelle prise en charge ?",
        context="new_diagnosis",
    )
    assert case.status == CaseStatus.INCOMPLETE
    assert case.missing == ["histology", "stage", "performance_status", "patient_informed"]
    with pytest.raises(ApplicationError) as caught:
        sessions.agenda_add(actor=clinician.user, session=session, case=case)
    assert "histology" in caught.value.message
    assert not AgendaItem.objects.exists()


def test_only_a_physician_of_the_care_team_submits(patient, diagnosis, board, outsider):
    with pytest.raises(ApplicationError):
        cases.case_submit(
            actor=outsider.user,
            patient=patient,
            board=board,
            diagnosis=diagnosis,
            question="?",
            context="new_diagnosis",
        )


def test_scheduling_grants_board_members_time_limited_access(
    complete_case, session, clinician, specialists
):
    assert complete_case.status == CaseStatus.READY
    item = sessions.agenda_add(actor=clinician.user, session=session, case=complete_case)
    assert (item.position, item.minutes, item.late_addition) == (1, 10, False)
    member = CareTeamMember.objects.get(
        patient=complete_case.patient, professional=specialists["surgeon"]
    )
    assert member.role == "tumour_board"
    assert member.end == session.starts_at.date() + dt.timedelta(days=30)
    complete_case.refresh_from_db()
    assert complete_case.status == CaseStatus.SCHEDULED


def test_capacity_and_late_additions(board, clinician, session, patient, diagnosis):
    made = []
    for index in range(4):
        made.append(
            cases.case_submit(
                actor=clinician.user,
                patient=patient,
                board=board,
                diagnosis=diagnosis,
                question=f"Question {index}",
                context="new_diagnosis",
                informed_today=True,
            )
        )
    for case in made[:3]:
        sessions.agenda_add(actor=clinician.user, session=session, case=case)
    with pytest.raises(ApplicationError) as caught:
        sessions.agenda_add(actor=clinician.user, session=session, case=made[3])
    assert caught.value.errors == {"session": [caught.value.message]}
    soon = Session.objects.create(
        board=board,
        starts_at=timezone.now() + dt.timedelta(hours=20),
        capacity=5,
        duration_minutes=60,
    )
    assert sessions.agenda_add(actor=clinician.user, session=soon, case=made[3]).late_addition


def test_a_decision_is_refused_without_a_surgeon_on_a_standard_board(
    complete_case, session, clinician, specialists
):
    item = sessions.agenda_add(actor=clinician.user, session=session, case=complete_case)
    session = open_with_quorum(session, clinician, specialists, surgeon=False)
    shortfall = sessions.session_quorum(session).shortfalls[0]
    assert (shortfall.code, shortfall.role) == ("missing_role", "surgeon")
    with pytest.raises(ApplicationError):
        decisions.decision_validate(actor=clinician.user, item=item, proposal=PROPOSAL)
    assert not Decision.objects.exists()


def test_the_chair_validates_with_quorum_and_the_documents_are_generated(
    complete_case, session, clinician, specialists, organisation
):
    gp = ProfessionalFactory(specialty="general_practice", last_name="Généraliste")
    complete_case.patient.gp = gp
    complete_case.patient.save()
    item = sessions.agenda_add(actor=clinician.user, session=session, case=complete_case)
    session = open_with_quorum(session, clinician, specialists)
    with pytest.raises(ApplicationError):  # not the chair
        decisions.decision_validate(actor=specialists["surgeon"].user, item=item, proposal=PROPOSAL)
    decision = decisions.decision_validate(actor=clinician.user, item=item, proposal=PROPOSAL)
    assert decision.version == 1 and decision.validated_by == clinician.user
    assert set(decision.quorum["specialties"]) == {
        "medical_oncology",
        "digestive_surgery",
        "radiotherapy",
        "radiology",
    }
    complete_case.refresh_from_db()
    assert complete_case.status == CaseStatus.DECIDED
    documents = list(Document.objects.filter(decision=decision))
    assert {d.kind for d in documents} == {"rcp_record", "pps"}
    for document in documents:
        assert document_path(document).read_bytes()[:5] == b"%PDF-"
    assert OutboxMessage.objects.get().recipient == gp
    with pytest.raises(ApplicationError) as caught:  # a second validation
        decisions.decision_validate(actor=clinician.user, item=item, proposal=PROPOSAL)
    assert clinician.user.display_name in caught.value.message


def test_a_decision_outside_guidelines_needs_a_justification_and_a_transfer_a_place(
    complete_case, session, clinician, specialists
):
    item = sessions.agenda_add(actor=clinician.user, session=session, case=complete_case)
    open_with_quorum(session, clinician, specialists)
    bad = Proposal(
        modalities=["surgery"],
        proposal="Chirurgie",
        place_of_care="transfer",
        outside_guideline=True,
    )
    with pytest.raises(ApplicationError) as caught:
        decisions.decision_validate(actor=clinician.user, item=item, proposal=bad)
    assert {"justification", "place_reason", "care_organisation"} <= set(caught.value.errors)


def test_a_validated_decision_is_never_edited_and_a_correction_is_a_new_version(
    complete_case, session, clinician, specialists
):
    item = sessions.agenda_add(actor=clinician.user, session=session, case=complete_case)
    open_with_quorum(session, clinician, specialists)
    first = decisions.decision_validate(actor=clinician.user, item=item, proposal=PROPOSAL)
    with pytest.raises(PermissionError):
        Decision.objects.filter(pk=first.pk).update(proposal="changed")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE boards_decision SET proposal = 'changed'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM boards_decision WHERE id = %s", [first.pk.hex])
    assert Decision.objects.filter(pk=first.pk).exists()
    corrected = decisions.decision_amend(
        actor=clinician.user,
        decision=first,
        reason="Erreur de protocole",
        proposal=Proposal(**{**PROPOSAL.__dict__, "proposal": "Colectomie puis CAPOX 3 mois."}),
    )
    assert (corrected.version, corrected.amends_id) == (2, first.pk)
    assert Decision.objects.get(pk=first.pk).proposal == PROPOSAL.proposal
    assert Document.objects.filter(decision=corrected).count() == 2
    with pytest.raises(ApplicationError):  # only the latest version is corrected
        decisions.decision_amend(
            actor=clinician.user, decision=first, reason="encore", proposal=PROPOSAL
        )


def test_closing_carries_undecided_cases_over_with_the_reason(
    complete_case, session, clinician, specialists
):
    sessions.agenda_add(actor=clinician.user, session=session, case=complete_case)
    open_with_quorum(session, clinician, specialists, surgeon=False)
    closed, carried = sessions.session_close(actor=clinician.user, session=session)
    assert closed.status == "closed"
    [moved] = carried
    assert moved.session.starts_at > session.starts_at
    assert moved.carried_over_from == session
    assert "Quorum" in moved.carry_reason or "quorum" in moved.carry_reason
    old = AgendaItem.objects.get(session=session)
    assert (old.outcome, old.carry_reason) == ("carried_over", moved.carry_reason)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_attachments_are_checked_on_their_bytes(complete_case, clinician, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ok = attachments.attachment_add(
        actor=clinician.user,
        case=complete_case,
        kind="pathology",
        upload=SimpleUploadedFile("cr-anapath.pdf", PDF, content_type="application/pdf"),
    )
    assert ok.content_type == "application/pdf" and ok.size == len(PDF)
    assert attachments.attachment_path(ok).read_bytes() == PDF
    for name, content in [("virus.pdf", b"MZ\x90\x00 not a pdf"), ("vide.pdf", b"")]:
        with pytest.raises(ApplicationError) as caught:
            attachments.attachment_add(
                actor=clinician.user,
                case=complete_case,
                kind="other",
                upload=SimpleUploadedFile(name, content, content_type="application/pdf"),
            )
        assert "file" in caught.value.errors
    big = SimpleUploadedFile(
        "gros.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), content_type="application/pdf"
    )
    with pytest.raises(ApplicationError):
        attachments.attachment_add(
            actor=clinician.user, case=complete_case, kind="other", upload=big
        )
    assert complete_case.attachments.count() == 1


def test_near_home_share_comes_from_decisions(
    board, clinician, specialists, session, patient, diagnosis, organisation
):
    """Counted in patients, each once by the latest decision of the board: four patients,
    three near home, one transferred; the first patient's earlier decision does not count."""
    places = ["transfer", "proximity", "proximity", "proximity", "transfer"]
    others = [patient_of(clinician, organisation) for _ in range(3)]
    who = [(patient, diagnosis), (patient, diagnosis), *others]  # the first one twice
    made = [
        cases.case_submit(
            actor=clinician.user,
            patient=person,
            board=board,
            diagnosis=cancer,
            question=f"Q{i}",
            context="new_diagnosis",
            informed_today=True,
        )
        for i, (person, cancer) in enumerate(who)
    ]
    session.capacity, session.duration_minutes = 10, 120
    session.save()
    items = [sessions.agenda_add(actor=clinician.user, session=session, case=c) for c in made]
    open_with_quorum(session, clinician, specialists)
    from oncoparcours.testing.factories import OrganisationFactory

    mainland = OrganisationFactory(name="Gustave Roussy", kind="clcc")
    for item, place in zip(items, places, strict=True):
        decisions.decision_validate(
            actor=clinician.user,
            item=item,
            proposal=Proposal(
                **{
                    **PROPOSAL.__dict__,
                    "place_of_care": place,
                    "place_reason": "" if place == "proximity" else "Chirurgie de recours",
                    "care_organisation": mainland if place == "transfer" else None,
                }
            ),
        )
    figures = board_statistics(board)
    assert (figures.decided, figures.patients) == (5, 4)
    assert (figures.near_home, figures.transfers) == (3, 1)
    assert figures.near_home_share == 0.75


def test_network_referral_workflow(patient, diagnosis, clinician, poor_prognosis_network):
    network = poor_prognosis_network
    centre = network.memberships.get().organisation
    referral = referrals.referral_request(
        actor=clinician.user,
        patient=patient,
        diagnosis=diagnosis,
        network=network,
        expert_centre=centre,
        note="Avis chirurgical",
    )
    with pytest.raises(ApplicationError):
        referrals.referral_request(
            actor=clinician.user,
            patient=patient,
            diagnosis=diagnosis,
            network=network,
            expert_centre=centre,
        )
    with pytest.raises(ApplicationError):  # not from the expert centre
        referrals.referral_answer(actor=clinician.user, referral=referral, accept=True)
    expert = ProfessionalFactory(organisation=centre)
    with pytest.raises(ApplicationError) as caught:
        referrals.referral_answer(actor=expert.user, referral=referral, accept=False, reason="")
    assert "reason" in caught.value.errors
    answered = referrals.referral_answer(actor=expert.user, referral=referral, accept=True)
    assert answered.status == "accepted" and answered.delay_days == 0
    assert CareTeamMember.objects.filter(
        patient=patient, professional=expert, role="expert_centre"
    ).exists()
    assert Referral.objects.count() == 1


@pytest.mark.parametrize(
    ("poor", "missing", "accepted"),
    [(True, [], True), (None, ["metastasis"], True), (None, [], True), (False, [], False)],
)
def test_a_referral_follows_the_network_proposal_rule(
    patient, diagnosis, clinician, poor, missing, accepted
):
    """Poor prognosis, or not yet determined ("to check"), may be referred; a cancer known not to
    be poor prognosis is refused, naming the diagnosis."""
    from oncoparcours.directory.models import Network, NetworkMembership
    from oncoparcours.testing.factories import OrganisationFactory

    diagnosis.poor_prognosis, diagnosis.prognosis_missing = poor, missing
    diagnosis.save(update_fields=["poor_prognosis", "prognosis_missing"])
    network = Network.objects.create(
        code="TEST-NET", name="Réseau test", kind="inca_excellence", icd10_ranges=[["C15", "C26"]]
    )
    centre = OrganisationFactory(name="Centre expert", kind="chu")
    NetworkMembership.objects.create(network=network, organisation=centre, role="expert")

    def request():
        return referrals.referral_request(
            actor=clinician.user,
            patient=patient,
            diagnosis=diagnosis,
            network=network,
            expert_centre=centre,
        )

    if accepted:
        assert request().status == "requested"
    else:
        with pytest.raises(ApplicationError) as refused:
            request()
        assert "diagnosis" in refused.value.errors
        assert Referral.objects.count() == 0
