"""The INCa compositions as users meet them: attendance declared only with recognised
specialties (service and form name the field), the quorum checked against the directory, « recours »
boards tied to a network's expert centre, the board and session pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from oncoparcours.boards.admin import BoardAdminForm
from oncoparcours.boards.models import Attendance, Board, BoardMember, Decision, Session
from oncoparcours.boards.services import boards, decisions, sessions
from oncoparcours.core.errors import ApplicationError
from oncoparcours.directory.models import AdditionalSpecialty, Network, NetworkMembership
from oncoparcours.directory.services import professional_specialties_set
from oncoparcours.testing.factories import OrganisationFactory, ProfessionalFactory

from .conftest import client_for, network_with_expert_centre
from .test_services import PROPOSAL

pytestmark = pytest.mark.django_db


def attend(session, professional, specialties):
    return sessions.attendance_record(
        actor=session.chair.user,
        session=session,
        professional=professional,
        specialties=specialties,
        mode="in_person",
    )


def also_qualified(professional, *additional):
    """A double qualification recorded in the directory."""
    professional_specialties_set(
        actor=None,
        professional=professional,
        specialty=professional.specialty,
        additional=list(additional),
    )


# --- attendance: only recognised specialties --------------------------------------------------


def test_declaring_a_specialty_one_does_not_hold_is_refused_with_the_field_named(
    session, specialists
):
    radiologist = specialists["radiologist"]
    with pytest.raises(ApplicationError) as refused:
        attend(session, radiologist, ["digestive_surgery"])
    assert "specialties" in refused.value.errors
    assert "Chirurgie digestive" in refused.value.message or "digestive" in refused.value.message
    assert not Attendance.objects.exists()
    with pytest.raises(ApplicationError) as refused:
        attend(session, radiologist, ["radiology", "radiotherapy"])  # one held, one not
    assert "specialties" in refused.value.errors
    assert not Attendance.objects.exists()


def test_the_attendance_form_names_the_field_and_records_nothing(session, clinician, specialists):
    response = client_for(clinician).post(
        reverse("boards:attendance_add", args=[session.pk]),
        {
            "professional": specialists["radiologist"].pk,
            "specialties": ["thoracic_surgery"],
            "mode": "remote",
        },
    )
    assert response.status_code == 400
    assert "specialties" in response.context["attendance_form"].errors
    assert not Attendance.objects.exists()


def test_a_double_qualified_physician_declares_both_and_counts_once(
    session, clinician, specialists
):
    also_qualified(clinician, "radiotherapy")
    attend(session, clinician, ["medical_oncology", "radiotherapy"])
    attend(session, specialists["surgeon"], ["digestive_surgery"])
    quorum = sessions.session_quorum(session)
    assert not quorum.met
    assert len(quorum.counted) == 2  # two physicians, two specialties: not three
    attend(session, specialists["radiotherapist"], ["radiotherapy"])
    quorum = sessions.session_quorum(session)
    assert quorum.met
    assert quorum.counted[str(clinician.pk)] == "medical_oncology"  # re-seated where needed


def test_three_radiologists_never_make_a_quorum(session, board, organisation):
    radiologists = [
        ProfessionalFactory(organisation=organisation, specialty="radiology") for _ in range(3)
    ]
    for radiologist in radiologists:
        BoardMember.objects.create(board=board, professional=radiologist, specialties=["radiology"])
        attend(session, radiologist, ["radiology"])
    quorum = sessions.session_quorum(session)
    assert not quorum.met
    assert [s.role for s in quorum.shortfalls if s.code == "missing_role"] == [
        "surgeon",
        "medical_oncologist",
        "radiation_oncologist",
    ]


def test_a_qualification_removed_after_attendance_no_longer_counts(
    session, clinician, specialists, complete_case
):
    item = sessions.agenda_add(actor=clinician.user, session=session, case=complete_case)
    also_qualified(specialists["radiologist"], "radiotherapy")
    attend(session, clinician, ["medical_oncology"])
    attend(session, specialists["surgeon"], ["digestive_surgery"])
    attend(session, specialists["radiologist"], ["radiotherapy"])
    sessions.session_open(actor=clinician.user, session=session)
    assert sessions.session_quorum(session).met
    AdditionalSpecialty.objects.filter(professional=specialists["radiologist"]).delete()
    quorum = sessions.session_quorum(session)
    assert not quorum.met
    assert quorum.ignored == {str(specialists["radiologist"].pk): ["radiotherapy"]}
    with pytest.raises(ApplicationError) as refused:
        decisions.decision_validate(actor=clinician.user, item=item, proposal=PROPOSAL)
    assert "pas de radiothérapeute" in refused.value.message
    assert not Decision.objects.exists()


def test_a_decision_keeps_the_rules_version_and_the_roles(
    session, clinician, specialists, complete_case
):
    item = sessions.agenda_add(actor=clinician.user, session=session, case=complete_case)
    attend(session, clinician, ["medical_oncology"])
    attend(session, specialists["surgeon"], ["digestive_surgery"])
    attend(session, specialists["radiotherapist"], ["radiotherapy"])
    sessions.session_open(actor=clinician.user, session=session)
    decision = decisions.decision_validate(actor=clinician.user, item=item, proposal=PROPOSAL)
    assert decision.quorum["rules"] == "rcp-compositions-2023-12.1"
    assert decision.quorum["roles"] == {
        "surgeon": str(specialists["surgeon"].pk),
        "medical_oncologist": str(clinician.pk),
        "radiation_oncologist": str(specialists["radiotherapist"].pk),
    }


def test_a_member_is_added_only_with_specialties_they_hold(board, organisation):
    pathologist = ProfessionalFactory(organisation=organisation, specialty="pathology")
    with pytest.raises(ApplicationError) as refused:
        boards.board_member_add(
            actor=None, board=board, professional=pathologist, specialties=["haematology"]
        )
    assert "specialties" in refused.value.errors
    assert not board.members.filter(professional=pathologist).exists()
    member = boards.board_member_add(
        actor=None, board=board, professional=pathologist, specialties=["pathology"]
    )
    assert member.specialties == ["pathology"]


def test_the_haematology_recours_board_recommends_the_biotherapy_pharmacist(organisation):
    network = network_with_expert_centre(
        "HEMA-TEST", [["C81", "C96"]], organisation, kind="regional"
    )
    board = boards.board_create(
        actor=None,
        organisers=[organisation],
        name="RCP d'hématologie de recours",
        kind="recours",
        network=network,
        icd10_ranges=[["C81", "C96"]],
        start_time=dt.time(14),
    )
    chair = ProfessionalFactory(organisation=organisation, specialty="haematology")
    session = Session.objects.create(board=board, starts_at=timezone.now(), chair=chair)
    others = [
        ProfessionalFactory(organisation=organisation, specialty=s)
        for s in ("pathology", "radiology")
    ]
    for professional in [chair, *others]:
        boards.board_member_add(
            actor=None, board=board, professional=professional, specialties=[professional.specialty]
        )
        attend(session, professional, [professional.specialty])
    quorum = sessions.session_quorum(session)
    assert quorum.met and quorum.advisories == ["biotherapy_pharmacist"]
    # A pharmacist of the organiser's hospital pharmacy (PUI).
    pharmacy = OrganisationFactory(name="PUI", kind="pui", parent=organisation)
    pharmacist = ProfessionalFactory(
        organisation=pharmacy, profession="pharmacist", specialty="hospital_pharmacy"
    )
    boards.board_member_add(
        actor=None, board=board, professional=pharmacist, specialties=["hospital_pharmacy"]
    )
    attend(session, pharmacist, ["hospital_pharmacy"])
    quorum = sessions.session_quorum(session)
    assert quorum.met and quorum.advisories == [] and str(pharmacist.pk) not in quorum.counted


# --- recours boards: a network's expert centre ------------------------------------------------


@pytest.fixture
def gliorec(db):
    return Network.objects.get(code="GLIOREC")  # C70–C72


@pytest.fixture
def expert_centre(gliorec):
    centre = OrganisationFactory(name="CHU expert", kind="chu")
    NetworkMembership.objects.create(
        network=gliorec,
        organisation=centre,
        role="expert",
        label_until=timezone.localdate() + dt.timedelta(days=400),
    )
    return centre


def recours_fields(**changes):
    return {
        "name": "RCP de recours gliomes",
        "kind": "recours",
        "icd10_ranges": [["C71", "C72"]],
        "start_time": dt.time(17),
        **changes,
    }


def test_a_recours_board_of_an_expert_centre_of_its_network_is_created(gliorec, expert_centre):
    board = boards.board_create(
        actor=None, organisers=[expert_centre], **recours_fields(network=gliorec)
    )
    assert board.network == gliorec and list(board.organisers.all()) == [expert_centre]


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("no network", "network"),
        ("organiser not in the network", "organisers"),
        ("organiser only a member", "organisers"),
        ("label expired", "organisers"),
        ("scope outside the network", "icd10_ranges"),
        ("all cancers", "icd10_ranges"),
    ],
)
def test_a_recours_board_is_refused_unless_tied_to_an_expert_centre(
    case, field, gliorec, expert_centre
):
    organiser = expert_centre
    fields = recours_fields(network=gliorec)
    if case == "no network":
        fields["network"] = None
    elif case == "organiser not in the network":
        organiser = OrganisationFactory(name="CH local", kind="ch")
    elif case == "organiser only a member":
        NetworkMembership.objects.filter(organisation=expert_centre).update(role="member")
    elif case == "label expired":
        NetworkMembership.objects.filter(organisation=expert_centre).update(
            label_until=timezone.localdate() - dt.timedelta(days=1)
        )
    elif case == "scope outside the network":
        fields["icd10_ranges"] = [["C71", "C75"]]
    elif case == "all cancers":
        fields["icd10_ranges"] = []
    before = Board.objects.count()
    with pytest.raises(ApplicationError) as refused:
        boards.board_create(actor=None, organisers=[organiser], **fields)
    assert field in refused.value.errors
    assert Board.objects.count() == before
    # The same rule in the administration form, on the same field.
    form = BoardAdminForm(
        data={
            **{k: v for k, v in fields.items() if k not in {"network", "icd10_ranges"}},
            "icd10_ranges": str(fields["icd10_ranges"]).replace("'", '"'),
            "network": fields["network"].pk if fields["network"] else "",
            "organisers": [organiser.pk],
            "required_specialties": "[]",
            "every_weeks": 1,
            "weekday": 1,
            "duration_minutes": 120,
            "time_zone": "Europe/Paris",
            "capacity": 10,
            "minutes_per_case": 5,
        }
    )
    assert not form.is_valid()
    assert field in form.errors


def test_a_standard_board_needs_no_network(organisation):
    board = boards.board_create(
        actor=None,
        organisers=[organisation],
        name="RCP digestive",
        kind="standard",
        icd10_ranges=[["C15", "C26"]],
        start_time=dt.time(8),
    )
    assert board.network is None


# --- pages ------------------------------------------------------------------------------------


def test_the_board_page_shows_its_network_centre_and_its_quorum(
    client, gliorec, expert_centre, clinician
):
    board = boards.board_create(
        actor=None, organisers=[expert_centre], **recours_fields(network=gliorec)
    )
    client.force_login(clinician.user)
    page = client.get(board.get_absolute_url()).content.decode()
    assert gliorec.name in page and "centre expert" in page
    assert "au moins 3 médecins de spécialités différentes" in page
    assert "dont chirurgien, oncologue médical, radiothérapeute" in page
    assert "Règles de composition (version 2023-12.1)" in page
    assert "rcp-compositions-" not in page  # the data file's key, not for users


def test_the_session_page_marks_what_counts(session, clinician, specialists):
    also_qualified(specialists["radiologist"], "radiotherapy")
    attend(session, clinician, ["medical_oncology"])
    attend(session, specialists["radiologist"], ["radiotherapy"])
    AdditionalSpecialty.objects.filter(professional=specialists["radiologist"]).delete()
    page = client_for(clinician).get(session.get_absolute_url()).content.decode()
    assert "non compté : non reconnu dans l'annuaire" in page
    assert "compté" in page
    assert "pas de chirurgien" in page and "pas de radiothérapeute" in page
    assert f"oncologue médical — {clinician.full_name}" in page
