"""What the clinical-safety review of tumour boards found, as users meet it: the haematology
composition read from the board's ICD-10 scope (never a typed flag), each case checked against
the composition its own diagnosis needs, cases outside the board's scope refused, the patient's
oppositions (to the review, to sharing with a network) honoured and never overwritten, the
biotherapy referent pharmacist of the organisers' hospital pharmacy, surgeons of every
oncological surgical specialty."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from oncoparcours.boards.admin import BoardAdminForm
from oncoparcours.boards.models import Board, Case, Decision, ItemOutcome, Referral, Session
from oncoparcours.boards.services import boards, cases, decisions, referrals, sessions
from oncoparcours.core.errors import ApplicationError
from oncoparcours.directory.models import OrganisationMembership
from oncoparcours.pathways.roles import roles_of
from oncoparcours.patients.models import CareTeamMember, ConsentRecord
from oncoparcours.patients.services import consent_record
from oncoparcours.testing.factories import OrganisationFactory, ProfessionalFactory

from .conftest import client_for, complete_diagnosis, network_with_expert_centre, patient_of
from .test_services import PROPOSAL

pytestmark = pytest.mark.django_db


def decide(patient, actor, *, kind, scope, decision, days_ago=0):
    return consent_record(
        actor=actor,
        patient=patient,
        kind=kind,
        scope=scope,
        decision=decision,
        recorded_on=timezone.localdate() - dt.timedelta(days=days_ago),
    )


def new_board(organisation, chair, *, scope, kind="standard", chair_specialty=None, **fields):
    board = boards.board_create(
        actor=None,
        organisers=[organisation],
        name=fields.pop("name", "RCP de test"),
        kind=kind,
        icd10_ranges=scope,
        start_time=dt.time(8),
        **fields,
    )
    boards.board_member_add(
        actor=None,
        board=board,
        professional=chair,
        specialties=[chair_specialty or chair.specialty],
        is_chair=True,
    )
    return board


def member(board, organisation, specialty, **fields):
    professional = ProfessionalFactory(organisation=organisation, specialty=specialty, **fields)
    boards.board_member_add(
        actor=None, board=board, professional=professional, specialties=[specialty]
    )
    return professional


def attend(session, professional, specialty=None):
    return sessions.attendance_record(
        actor=session.chair.user,
        session=session,
        professional=professional,
        specialties=[specialty or professional.specialty],
        mode="in_person",
    )


def submit(clinician, patient, diagnosis, board, **fields):
    return cases.case_submit(
        actor=clinician.user,
        patient=patient,
        board=board,
        diagnosis=diagnosis,
        question=fields.pop("question", "Quelle prise en charge ?"),
        context="new_diagnosis",
        informed_today=fields.pop("informed_today", True),
        **fields,
    )


# --- 1. haematology from the scope; each case its own composition ------------------------------


@pytest.mark.parametrize(
    ("scope", "kind", "haematology"),
    [
        ([["C50", "C50"]], "solid", False),
        ([["C81", "C96"], ["D45", "D47"]], "haematology", True),
        ([["C00", "C97"]], "mixed", False),
        ([], "mixed", False),
    ],
)
def test_a_board_is_a_haematology_board_by_its_scope_only(
    organisation, clinician, scope, kind, haematology
):
    board = new_board(organisation, clinician, scope=scope)
    assert (board.scope_kind, board.haematology) == (kind, haematology)
    # Nobody can type the flag any more: not a field of the model nor of the admin form.
    assert "haematology" not in {f.name for f in Board._meta.get_fields()}
    assert "haematology" not in BoardAdminForm.base_fields
    with pytest.raises(AttributeError):
        Board(name="RCP sein", kind="standard", icd10_ranges=[["C50", "C50"]], haematology=True)


def test_the_gamed_breast_board_never_decides_without_surgeon_oncologist_and_radiotherapist(
    organisation, clinician, patient
):
    """The review's finding: a C50 board « flagged haematology » met quorum with a
    haematologist, a radiologist and a pathologist."""
    haematologist = ProfessionalFactory(organisation=organisation, specialty="haematology")
    board = new_board(organisation, haematologist, scope=[["C50", "C50"]], name="RCP sein")
    assert not board.haematology
    breast = complete_diagnosis(patient, "C50.4", "8500/3")
    case = submit(clinician, patient, breast, board)
    session = Session.objects.create(board=board, starts_at=timezone.now(), chair=haematologist)
    item = sessions.agenda_add(actor=haematologist.user, session=session, case=case)
    attend(session, haematologist)
    for specialty in ("radiology", "pathology"):
        attend(session, member(board, organisation, specialty))
    sessions.session_open(actor=haematologist.user, session=session)
    with pytest.raises(ApplicationError) as refused:
        decisions.decision_validate(actor=haematologist.user, item=item, proposal=PROPOSAL)
    message = refused.value.message
    assert "pas de chirurgien" in message and "pas d'oncologue médical" in message
    assert "pas de radiothérapeute" in message
    assert not Decision.objects.exists()
    boards.board_member_add(
        actor=None, board=board, professional=clinician, specialties=["medical_oncology"]
    )
    attend(session, clinician)
    for specialty in ("gynaecological_surgery", "radiotherapy"):
        attend(session, member(board, organisation, specialty))
    decision = decisions.decision_validate(actor=haematologist.user, item=item, proposal=PROPOSAL)
    assert decision.quorum["composition"] == "solid"
    assert set(decision.quorum["roles"]) == {
        "surgeon",
        "medical_oncologist",
        "radiation_oncologist",
    }


def test_a_case_outside_the_boards_scope_is_refused_naming_the_diagnosis(
    organisation, clinician, patient, diagnosis, board
):
    haematology = new_board(
        organisation, clinician, scope=[["C81", "C96"], ["D45", "D47"]], name="RCP hémato"
    )
    before = ConsentRecord.objects.count()
    with pytest.raises(ApplicationError) as refused:
        submit(clinician, patient, diagnosis, haematology)  # a colon cancer (C18.7)
    assert list(refused.value.errors) == ["diagnosis"]
    assert "C18.7" in refused.value.message and "C81–C96, D45–D47" in refused.value.message
    assert not Case.objects.exists() and ConsentRecord.objects.count() == before
    # The form names the field and records nothing.
    response = client_for(clinician).post(
        reverse("boards:case_create", args=[patient.pk]),
        {
            "board": haematology.pk,
            "diagnosis": diagnosis.pk,
            "context": "new_diagnosis",
            "question": "Quelle prise en charge ?",
        },
    )
    assert response.status_code == 400
    assert "C18.7" in str(response.context["form"].errors["diagnosis"])
    assert not Case.objects.exists()
    # The board that covers it takes it; changing the diagnosis for one outside is refused.
    case = submit(clinician, patient, diagnosis, board)
    lymphoma = complete_diagnosis(patient, "C83.3", "9680/3")
    with pytest.raises(ApplicationError) as refused:
        cases.case_update(
            actor=clinician.user,
            case=case,
            expected_version=case.version,
            question=case.question,
            context=case.context,
            diagnosis=lymphoma,
        )
    assert "diagnosis" in refused.value.errors
    case.refresh_from_db()
    assert case.diagnosis == diagnosis


def test_a_mixed_board_checks_each_case_against_the_composition_its_diagnosis_needs(
    organisation, clinician
):
    haematologist = ProfessionalFactory(organisation=organisation, specialty="haematology")
    board = new_board(organisation, haematologist, scope=[], name="RCP tous cancers")
    assert board.scope_kind == "mixed"
    lymphoma_patient, lymphoma = patient_of(clinician, organisation, "C83.3", "9680/3")
    colon_patient, colon = patient_of(clinician, organisation, "C18.7", "8140/3")
    session = Session.objects.create(
        board=board, starts_at=timezone.now(), chair=haematologist, capacity=5
    )
    items = {
        name: sessions.agenda_add(
            actor=haematologist.user, session=session, case=submit(clinician, who, cancer, board)
        )
        for name, who, cancer in (
            ("lymphoma", lymphoma_patient, lymphoma),
            ("colon", colon_patient, colon),
        )
    }
    attend(session, haematologist)
    for specialty in ("radiology", "pathology"):
        attend(session, member(board, organisation, specialty))
    # The agenda holds both kinds of cancer: the session needs both compositions.
    assert sessions.session_quorum(session).applies_to == "mixed"
    assert not sessions.session_quorum(session).met
    sessions.session_open(actor=haematologist.user, session=session)
    page = client_for(haematologist).get(
        reverse("boards:case_panel", args=[session.pk, items["colon"].pk])
    )
    assert "Quorum non atteint pour ce dossier" in page.content.decode()
    decision = decisions.decision_validate(
        actor=haematologist.user, item=items["lymphoma"], proposal=PROPOSAL
    )
    assert decision.quorum["composition"] == "haematology"
    with pytest.raises(ApplicationError) as refused:
        decisions.decision_validate(
            actor=haematologist.user, item=items["colon"], proposal=PROPOSAL
        )
    assert "pas de chirurgien" in refused.value.message
    _session, carried = sessions.session_close(actor=haematologist.user, session=session)
    colon_item = session.items.get(pk=items["colon"].pk)
    assert colon_item.outcome == ItemOutcome.CARRIED_OVER
    assert colon_item.carry_reason.startswith("Quorum non atteint : pas de chirurgien")
    assert [c.case.patient for c in carried] == [colon_patient]


def test_an_ent_surgeon_makes_the_quorum_of_a_head_and_neck_board(organisation, clinician):
    ent = ProfessionalFactory(organisation=organisation, specialty="ent_surgery")
    assert "surgeon" in roles_of(ent) and ent.is_surgeon
    board = new_board(
        organisation,
        clinician,
        scope=[["C00", "C14"], ["C30", "C32"]],
        name="RCP ORL",
        required_specialties=["ent_surgery"],
    )
    patient, larynx = patient_of(clinician, organisation, "C32.0", "8070/3")
    session = Session.objects.create(board=board, starts_at=timezone.now(), chair=clinician)
    item = sessions.agenda_add(
        actor=clinician.user, session=session, case=submit(clinician, patient, larynx, board)
    )
    attend(session, clinician)
    attend(session, member(board, organisation, "radiotherapy"))
    attend(session, member(board, organisation, "digestive_surgery"))
    sessions.session_open(actor=clinician.user, session=session)
    with pytest.raises(ApplicationError) as refused:
        decisions.decision_validate(actor=clinician.user, item=item, proposal=PROPOSAL)
    assert "pas de chirurgien (orl et chirurgie cervico-faciale)" in refused.value.message
    boards.board_member_add(actor=None, board=board, professional=ent, specialties=["ent_surgery"])
    attend(session, ent)
    decision = decisions.decision_validate(actor=clinician.user, item=item, proposal=PROPOSAL)
    assert decision.quorum["roles"]["surgeon"] == str(ent.pk)


# --- 6. the biotherapy referent pharmacist ------------------------------------------------------


def test_the_biotherapy_referent_pharmacist_is_of_a_hospital_pharmacy_of_the_organisers(
    organisation,
):
    network = network_with_expert_centre(
        "HEMA-TEST", [["C81", "C96"]], organisation, kind="regional"
    )
    chair = ProfessionalFactory(organisation=organisation, specialty="haematology")
    board = new_board(organisation, chair, scope=[["C81", "C96"]], kind="recours", network=network)
    session = Session.objects.create(board=board, starts_at=timezone.now(), chair=chair)
    attend(session, chair)
    for specialty in ("pathology", "radiology"):
        attend(session, member(board, organisation, specialty))
    assert sessions.session_quorum(session).advisories == ["biotherapy_pharmacist"]

    def pharmacist_of(pui, **membership):
        person = ProfessionalFactory(profession="pharmacist", specialty="hospital_pharmacy")
        OrganisationMembership.objects.create(professional=person, organisation=pui, **membership)
        boards.board_member_add(
            actor=None, board=board, professional=person, specialties=["hospital_pharmacy"]
        )
        attend(session, person)
        return person

    elsewhere = OrganisationFactory(name="PUI d'un autre CHU", kind="pui")
    stranger = pharmacist_of(elsewhere)
    quorum = sessions.session_quorum(session)
    assert quorum.met and quorum.advisories == ["biotherapy_pharmacist"]
    assert quorum.not_eligible == {str(stranger.pk): ["biotherapy_pharmacist"]}
    page = client_for(chair).get(session.get_absolute_url()).content.decode()
    assert "non compté comme pharmacien référent en biothérapies" in page
    assert "Une recommandation seulement" in page
    # A pharmacist who left the organiser's pharmacy before the session does not count either.
    own_pui = OrganisationFactory(name="PUI du CHU", kind="pui", parent=organisation)
    pharmacist_of(
        own_pui,
        start=timezone.localdate() - dt.timedelta(days=400),
        end=timezone.localdate() - dt.timedelta(days=1),
    )
    assert sessions.session_quorum(session).advisories == ["biotherapy_pharmacist"]
    referent = pharmacist_of(own_pui)
    quorum = sessions.session_quorum(session)
    assert quorum.met and quorum.advisories == [] and str(referent.pk) not in quorum.counted


# --- 4. an opposition to the review is never overwritten ----------------------------------------


def test_the_case_form_never_records_a_non_opposition_over_an_opposition(
    patient, diagnosis, board, clinician, session
):
    opposition = decide(
        patient,
        clinician.user,
        kind="rcp_information",
        scope="care_team",
        decision="opposition",
        days_ago=3,
    )
    day = opposition.recorded_on.strftime("%d/%m/%Y")
    with pytest.raises(ApplicationError) as refused:
        submit(clinician, patient, diagnosis, board, informed_today=True)
    assert list(refused.value.errors) == ["informed_today"]
    assert day in refused.value.message and "formulaire" in refused.value.message
    assert not Case.objects.exists()
    assert list(ConsentRecord.objects.values_list("decision", flat=True)) == ["opposition"]
    # On the page: the field named, the opposition and where to record a new decision.
    url = reverse("boards:case_create", args=[patient.pk])
    response = client_for(clinician).post(
        url,
        {
            "board": board.pk,
            "diagnosis": diagnosis.pk,
            "context": "new_diagnosis",
            "question": "Quelle prise en charge ?",
            "informed_today": "on",
        },
    )
    assert response.status_code == 400
    assert day in str(response.context["form"].errors["informed_today"])
    page = client_for(clinician).get(url).content.decode()
    assert f"s'est opposé à l'examen de son dossier en RCP le {day}" in page
    assert reverse("patients:consent_create", args=[patient.pk]) in page
    assert ConsentRecord.objects.count() == 1
    # Without the box: the case is kept, incomplete, and says why; it cannot be scheduled.
    case = submit(clinician, patient, diagnosis, board, informed_today=False)
    assert case.missing == ["patient_opposed"]
    with pytest.raises(ApplicationError):
        sessions.agenda_add(actor=clinician.user, session=session, case=case)
    # The patient's new decision, recorded on its own, lifts it.
    decide(
        patient,
        clinician.user,
        kind="rcp_information",
        scope="care_team",
        decision="non_opposition",
    )
    case = cases.case_update(
        actor=clinician.user,
        case=case,
        expected_version=case.version,
        question=case.question,
        context=case.context,
        diagnosis=diagnosis,
        informed_today=True,
    )
    assert case.missing == [] and case.status == "ready"
    assert ConsentRecord.objects.count() == 2  # nothing recorded by the box


def test_without_any_decision_the_box_records_the_non_opposition(
    patient, diagnosis, board, clinician
):
    case = submit(clinician, patient, diagnosis, board, informed_today=True)
    assert case.status == "ready"
    record = ConsentRecord.objects.get()
    assert (record.kind, record.decision) == ("rcp_information", "non_opposition")


def test_an_opposition_recorded_after_scheduling_stops_the_decision(
    complete_case, session, clinician, specialists
):
    item = sessions.agenda_add(actor=clinician.user, session=session, case=complete_case)
    for professional, specialty in (
        (clinician, "medical_oncology"),
        (specialists["surgeon"], None),
        (specialists["radiotherapist"], None),
    ):
        attend(session, professional, specialty)
    sessions.session_open(actor=clinician.user, session=session)
    decide(
        complete_case.patient,
        clinician.user,
        kind="rcp_information",
        scope="care_team",
        decision="opposition",
    )
    with pytest.raises(ApplicationError) as refused:
        decisions.decision_validate(actor=clinician.user, item=item, proposal=PROPOSAL)
    assert "s'est opposé" in refused.value.message
    assert not Decision.objects.exists()


# --- 3. network referrals honour an opposition to sharing with a network ------------------------


@pytest.fixture
def network(poor_prognosis_network):
    return poor_prognosis_network


def request_referral(clinician, patient, diagnosis, network):
    return referrals.referral_request(
        actor=clinician.user,
        patient=patient,
        diagnosis=diagnosis,
        network=network,
        expert_centre=network.memberships.get().organisation,
    )


@pytest.mark.parametrize(
    ("history", "refused_since"),
    [
        ([], None),
        ([("network", "opposition", 3)], 3),
        ([("network", "opposition", 5), ("network", "non_opposition", 1)], None),
        ([("network", "non_opposition", 5), ("network", "opposition", 1)], 1),
        ([("network", "opposition", 0)], 0),  # recorded today: honoured today
        ([("research", "opposition", 3)], None),  # another purpose
    ],
)
def test_a_referral_is_refused_while_the_patient_objects_to_sharing_with_a_network(
    patient, diagnosis, clinician, network, history, refused_since
):
    for scope, decision, days_ago in history:
        decide(
            patient,
            clinician.user,
            kind="data_sharing",
            scope=scope,
            decision=decision,
            days_ago=days_ago,
        )
    if refused_since is None:
        assert request_referral(clinician, patient, diagnosis, network).status == "requested"
        return
    with pytest.raises(ApplicationError) as refused:
        request_referral(clinician, patient, diagnosis, network)
    assert list(refused.value.errors) == ["network"]
    since = timezone.localdate() - dt.timedelta(days=refused_since)
    assert since.strftime("%d/%m/%Y") in refused.value.message
    assert not Referral.objects.exists()


def test_the_referral_page_says_the_patient_objects_and_offers_no_request(
    patient, diagnosis, clinician, network
):
    url = reverse("boards:referral", args=[patient.pk])
    client = client_for(clinician)
    assert "Demander l'orientation" in client.get(url).content.decode()
    opposition = decide(
        patient, clinician.user, kind="data_sharing", scope="network", decision="opposition"
    )
    page = client.get(url).content.decode()
    day = opposition.recorded_on.strftime("%d/%m/%Y")
    assert "s'oppose au partage de ses données avec un réseau" in page and day in page
    assert reverse("patients:consent_create", args=[patient.pk]) in page
    assert "Demander l'orientation" not in page
    centre = network.memberships.get().organisation
    response = client.post(
        url,
        {"diagnosis": diagnosis.pk, "network": network.pk, "centre": centre.pk},
        follow=True,
    )
    assert day in response.content.decode()
    assert not Referral.objects.exists()


def test_the_expert_centre_cannot_accept_once_the_patient_objects(
    patient, diagnosis, clinician, network
):
    referral = request_referral(clinician, patient, diagnosis, network)
    expert = ProfessionalFactory(organisation=network.memberships.get().organisation)
    decide(patient, clinician.user, kind="data_sharing", scope="network", decision="opposition")
    with pytest.raises(ApplicationError) as refused:
        referrals.referral_answer(actor=expert.user, referral=referral, accept=True)
    assert list(refused.value.errors) == ["answer"]
    assert not CareTeamMember.objects.filter(professional=expert).exists()
    referral.refresh_from_db()
    assert referral.status == "requested"
    declined = referrals.referral_answer(
        actor=expert.user, referral=referral, accept=False, reason="Opposition du patient"
    )
    assert declined.status == "declined"
