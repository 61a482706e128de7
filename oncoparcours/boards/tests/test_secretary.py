"""The tumour board secretary (issue 14): on the staff of a board's organiser, she plans
sessions, builds the agenda and records attendance; she sees the patients of the agenda by name
and birth date, never their clinical record or the board's question, and does not join their
care team. Elsewhere she can do nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from oncoparcours.boards.models import AgendaItem, Attendance, Board, ItemOutcome
from oncoparcours.boards.services.sessions import agenda_add
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.patients.models import CareTeamMember
from oncoparcours.testing.factories import OrganisationFactory, ProfessionalFactory

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(organisation):
    return ProfessionalFactory(
        organisation=organisation,
        profession="administrative",
        specialty="none",
        rpps=None,
        first_name="Nadia",
        last_name="Benali",
        user__role="board_secretary",
    )


def test_the_secretary_builds_the_agenda_by_name_without_the_clinical_question(
    secretary, session, complete_case, patient
):
    client = client_for(secretary)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "MOREAU Jeanne, née le" in page and "né·e" not in page  # she is a woman
    assert complete_case.question not in page

    response = client.post(
        reverse("boards:agenda_add", args=[session.pk]), {"case": complete_case.pk}
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get(session=session, case=complete_case)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "MOREAU Jeanne" in page
    assert complete_case.question not in page
    assert reverse("boards:case_panel", args=[session.pk, item.pk]) not in page
    assert not CareTeamMember.objects.filter(patient=patient, professional=secretary).exists()
    assert client.get(reverse("boards:case_panel", args=[session.pk, item.pk])).status_code == 404
    assert client.get(patient.get_absolute_url()).status_code == 404
    assert AuditEvent.objects.filter(
        actor=secretary.user, details__what="session agenda", details__patients=[str(patient.pk)]
    ).exists()

    client.post(reverse("boards:agenda_item", args=[session.pk, item.pk, "remove"]))
    item.refresh_from_db()
    assert item.outcome == ItemOutcome.REMOVED


def test_the_secretary_records_attendance_but_does_not_open_the_session(
    secretary, session, clinician
):
    client = client_for(secretary)
    client.post(
        reverse("boards:attendance_add", args=[session.pk]),
        {"professional": clinician.pk, "mode": "in_person"},
    )
    assert Attendance.objects.filter(session=session, professional=clinician).exists()
    client.post(reverse("boards:session_transition", args=[session.pk, "open"]))
    session.refresh_from_db()
    assert session.status == "planned"


def test_the_secretary_of_another_centre_can_do_nothing_on_this_board(session, complete_case):
    elsewhere = ProfessionalFactory(
        organisation=OrganisationFactory(name="CHU ailleurs"),
        profession="administrative",
        specialty="none",
        rpps=None,
        user__role="board_secretary",
    )
    page = client_for(elsewhere).get(session.get_absolute_url()).content.decode()
    assert "MOREAU" not in page
    with pytest.raises(ApplicationError, match=r"secr"):
        agenda_add(actor=elsewhere.user, session=session, case=complete_case)


def test_a_secretary_plans_the_next_sessions(secretary, board: Board):
    client_for(secretary).post(reverse("boards:board_plan", args=[board.pk]))
    assert board.sessions.count() == 4


def test_the_secretary_home_page_shows_the_cases_waiting_for_an_agenda(
    secretary, session, complete_case
):
    """Her home page used to say nothing was waiting: it now counts the complete cases to
    place and links to the next session (counts only, no patient named)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(secretary)
    with CaptureQueriesContext(connection) as queries:
        home = client.get(reverse("core:home")).content.decode()
    assert "Ordres du jour à préparer" in home
    assert "1 dossier complet attend l’ordre du jour d’une séance." in home
    assert "RCP digestive CLB</strong> : 1 dossier à inscrire" in home
    assert reverse("boards:session", args=[session.pk]) in home
    assert "MOREAU" not in home and complete_case.question not in home
    first = len(queries)
    agenda_add(session=session, case=complete_case, actor=secretary.user)
    with CaptureQueriesContext(connection) as queries:
        home = client.get(reverse("core:home")).content.decode()
    assert "0 dossier complet attend" in home
    assert len(queries) == first
