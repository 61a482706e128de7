"""The board pages as users drive them: submit a case, see what is missing, run a session
(attendance, quorum, decision through htmx or a plain form), download the PDFs, statistics."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from oncoparcours.boards.models import AgendaItem, Case, Decision, Document, Session
from oncoparcours.boards.services import sessions
from oncoparcours.core.models import AuditEvent
from oncoparcours.testing.factories import DiagnosisFactory, OrganisationFactory

from .conftest import client_for

pytestmark = pytest.mark.django_db

DECISION = {
    "modalities": ["surgery", "chemotherapy"],
    "proposal": "Colectomie puis chimiothérapie adjuvante.",
    "guideline": "TNCD 2024",
    "place_of_care": "proximity",
}


def test_an_incomplete_case_lists_exactly_what_is_missing(patient, board, clinician):
    diagnosis = DiagnosisFactory(patient=patient, icd10="C18.7", icdo3_morphology="")
    client = client_for(clinician)
    response = client.post(
        reverse("boards:case_create", args=[patient.pk]),
        {
            "board": board.pk,
            "diagnosis": diagnosis.pk,
            "context": "new_diagnosis",
            "question": "Chirurgie ?",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    page = client.get(case.get_absolute_url()).content.decode()
    for words in ("histologie", "stade TNM", "état général", "patient informé"):
        assert words in page
    assert case.status == "incomplete"


def test_the_case_form_names_the_field_on_bad_input(patient, board, clinician):
    response = client_for(clinician).post(
        reverse("boards:case_create", args=[patient.pk]),
        {"board": board.pk, "context": "", "question": ""},
    )
    assert response.status_code == 400
    assert {"context", "question"} <= set(response.context["form"].errors)
    assert not Case.objects.exists()


def run_session(session, clinician, specialists, complete_case, *, surgeon=True):
    client = client_for(clinician)
    url = session.get_absolute_url()
    client.post(reverse("boards:agenda_add", args=[session.pk]), {"case": complete_case.pk})
    for professional in [
        clinician,
        specialists["radiotherapist"],
        specialists["radiologist"],
        *([specialists["surgeon"]] if surgeon else []),
    ]:
        response = client.post(
            reverse("boards:attendance_add", args=[session.pk]),
            {"professional": professional.pk, "mode": "remote"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert "session-body" in response.content.decode()  # the htmx partial
    client.post(reverse("boards:session_transition", args=[session.pk, "open"]))
    return client, url, AgendaItem.objects.get(session=session)


def test_without_a_surgeon_the_decision_is_refused_and_nothing_is_recorded(
    session, clinician, specialists, complete_case
):
    client, url, item = run_session(session, clinician, specialists, complete_case, surgeon=False)
    page = client.get(url).content.decode()
    assert "Quorum non atteint" in page and "chirurgien" in page
    response = client.post(
        reverse("boards:case_panel", args=[session.pk, item.pk]), DECISION, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "chirurgien" in response.content.decode()
    assert not Decision.objects.exists()


def test_the_chair_validates_and_the_pdfs_are_served_to_the_care_team_only(
    session, clinician, specialists, complete_case, outsider
):
    client, url, item = run_session(session, clinician, specialists, complete_case)
    assert "Quorum atteint" in client.get(url).content.decode()
    response = client.post(reverse("boards:case_panel", args=[session.pk, item.pk]), DECISION)
    assert response.status_code == 302
    decision = Decision.objects.get()
    document = Document.objects.get(decision=decision, kind="pps")
    pdf_url = reverse(
        "boards:document", args=[complete_case.patient_id, complete_case.pk, document.pk]
    )
    before = AuditEvent.objects.filter(patient_id=complete_case.patient_id).count()
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert (pdf["Cache-Control"], pdf["Pragma"]) == ("no-store", "no-cache")  # never cached
    assert b"".join(pdf.streaming_content)[:5] == b"%PDF-"
    assert AuditEvent.objects.filter(patient_id=complete_case.patient_id).count() == before + 1
    assert client_for(outsider).get(pdf_url).status_code == 404
    surgeon = client_for(specialists["surgeon"])  # a board member joined the care team
    assert surgeon.get(pdf_url).status_code == 200


def test_the_statistics_page_shows_the_computed_near_home_share(
    session, clinician, specialists, complete_case, board
):
    client, _url, item = run_session(session, clinician, specialists, complete_case)
    client.post(reverse("boards:case_panel", args=[session.pk, item.pk]), DECISION)
    page = client.get(reverse("boards:statistics", args=[board.pk])).content.decode()
    assert "100 %" in page


def test_the_session_page_query_count_does_not_grow_with_cases(
    session, clinician, specialists, board, patient, diagnosis, django_assert_max_num_queries
):
    """The agenda, its cases' decisions and the attendance are each read once (issue 19): a
    session with 14 cases and 4 attendees costs the queries of one with 2 cases and 1."""
    from oncoparcours.boards.services.cases import case_submit

    session.capacity, session.duration_minutes = 30, 600
    session.save()
    client = client_for(clinician)

    def attend(professional):  # the member's specialties (the form's default)
        response = client.post(
            reverse("boards:attendance_add", args=[session.pk]),
            {"professional": professional.pk, "mode": "remote"},
        )
        assert response.status_code in (200, 302)

    def add(count):
        for index in range(count):
            case = case_submit(
                actor=clinician.user,
                patient=patient,
                board=board,
                diagnosis=diagnosis,
                question=f"Q{index}",
                context="new_diagnosis",
                informed_today=True,
            )
            sessions.agenda_add(actor=clinician.user, session=session, case=case)

    add(2)
    attend(clinician)
    with django_assert_max_num_queries(40) as few:
        assert client.get(session.get_absolute_url()).status_code == 200
    few_count = len(few.captured_queries)  # read now: the next requests reset the query log
    add(12)
    for key in ("radiotherapist", "radiologist", "surgeon"):
        attend(specialists[key])
    with django_assert_max_num_queries(few_count) as many:
        page = client.get(session.get_absolute_url()).content.decode()
    assert page.count('class="agenda-item ') == 14
    assert len(many.captured_queries) == few_count


def test_board_pages_open(board, clinician, session):
    client = client_for(clinician)
    for url in [
        reverse("boards:boards"),
        board.get_absolute_url(),
        reverse("boards:my_cases"),
        reverse("boards:statistics", args=[board.pk]),
        reverse("boards:referral_inbox"),
    ]:
        assert client.get(url).status_code == 200, url


def test_the_session_page_shows_each_site_s_own_time(clinician_client, board, session):
    """A videoconference board across time zones shows the time at each organising site (the
    Martinique time is not the Paris time shown twice)."""
    martinique = OrganisationFactory(name="CHU de Martinique", departement="972")
    martinique.time_zone = "America/Martinique"
    martinique.short_name = "CHU Martinique"
    martinique.save()
    board.organisers.add(martinique)
    moment = dt.datetime(2026, 12, 10, 12, 30, tzinfo=ZoneInfo("Europe/Paris"))
    Session.objects.filter(pk=session.pk).update(starts_at=moment)
    page = clinician_client.get(reverse("boards:session", args=[session.pk])).content.decode()
    assert "CHU Martinique : <strong>jeudi 10/12/2026 07:30</strong>" in page
    assert "<strong>jeudi 10/12/2026 12:30</strong>" in page
    # the zones are named in words, never as identifiers
    assert "heure de Martinique (UTC−4)" in page and "heure de Paris" in page
    assert "America/Martinique" not in page and "Europe/Paris" not in page
    board_page = clinician_client.get(board.get_absolute_url()).content.decode()
    assert "CHU de Martinique (Martinique (UTC−4))" not in board_page
    assert "Martinique (UTC−4)" in board_page and "America/" not in board_page
    organisation = reverse("directory:organisation", args=[martinique.pk])
    assert "Martinique (UTC−4)" in clinician_client.get(organisation).content.decode()


def test_the_board_page_gives_the_zone_of_its_sessions_and_the_board_s_own_time(
    clinician_client, board, session, clinician
):
    """Cold try-out: the schedule said "jeudi 07:30 (Martinique (UTC−4))" but the sessions list
    "jeudi 17/12/2026 12:30" with no zone; "président" was stuck to the member's site."""
    board.time_zone = "America/Martinique"
    board.save()
    clinician.civility = "mme"
    clinician.save()
    page = clinician_client.get(board.get_absolute_url()).content.decode()
    paris = session.starts_at.astimezone(ZoneInfo("Europe/Paris"))
    local = session.starts_at.astimezone(ZoneInfo("America/Martinique"))
    line = page.split(paris.strftime("%d/%m/%Y %H:%M") + "</a>")[1].split("</li>")[0]
    assert line.startswith(
        " heure de Paris · " + local.strftime("%H:%M") + " heure de Martinique (UTC−4) — "
    )
    assert '· <span class="badge badge--info">présidente</span>' in page
