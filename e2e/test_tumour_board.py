"""A tumour board as its chair runs it, in Chromium: submit an incomplete case and see what is
missing; run the session live — attendance (a radiologist declaring surgery is refused, the field
named), quorum indicator, a decision refused without a surgeon, then validated once the surgeon
joins; the PDFs; the near-home share."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import axe_violations, login
from oncoparcours.boards.models import Board, BoardMember, Decision, Session
from oncoparcours.boards.services.cases import case_submit
from oncoparcours.boards.services.sessions import agenda_add
from oncoparcours.patients.models import PerformanceStatus, Staging
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    DiagnosisFactory,
    OrganisationFactory,
    PatientFactory,
    ProfessionalFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def board_setup(transactional_db):  # type: ignore[no-untyped-def]
    centre = OrganisationFactory(name="Centre Léon Bérard", short_name="CLB", kind="clcc")
    chair = ProfessionalFactory(
        organisation=centre, first_name="Hélène", last_name="Vasseur", user__username="hvasseur"
    )
    board = Board.objects.create(
        name="RCP thoracique CLB",
        kind="standard",
        icd10_ranges=[["C33", "C39"]],
        start_time=dt.time(12),
    )
    board.organisers.add(centre)
    BoardMember.objects.create(
        board=board,
        professional=chair,
        specialties=["medical_oncology"],
        is_chair=True,
        site=centre,
    )
    people = {}
    for name, specialty in [
        ("Perrin", "thoracic_surgery"),
        ("Germain", "radiotherapy"),
        ("Fleury", "radiology"),
    ]:
        people[name] = ProfessionalFactory(organisation=centre, last_name=name, specialty=specialty)
        BoardMember.objects.create(
            board=board, professional=people[name], specialties=[specialty], site=centre
        )
    session = Session.objects.create(
        board=board, chair=chair, starts_at=timezone.now() + dt.timedelta(hours=1)
    )
    ready = PatientFactory(birth_last_name="Adam", first_names="Dominique")
    CareTeamMemberFactory(patient=ready, professional=chair, is_lead=True)
    diagnosis = DiagnosisFactory(patient=ready, icd10="C34.1", icdo3_morphology="8140/3")
    Staging.objects.create(
        diagnosis=diagnosis,
        kind="clinical",
        t="T2",
        n="N2",
        m="M0",
        stage_group="IIIA",
        staged_on=timezone.localdate(),
    )
    PerformanceStatus.objects.create(patient=ready, value=1, recorded_on=timezone.localdate())
    case = case_submit(
        actor=chair.user,
        patient=ready,
        board=board,
        diagnosis=diagnosis,
        question="Radio-chimiothérapie concomitante puis durvalumab ?",
        context="new_diagnosis",
        informed_today=True,
    )
    agenda_add(actor=chair.user, session=session, case=case)
    incomplete = PatientFactory(birth_last_name="Martin", first_names="Paul")
    CareTeamMemberFactory(patient=incomplete, professional=chair, is_lead=True)
    DiagnosisFactory(patient=incomplete, icd10="C34.9", icdo3_morphology="8070/3")
    return {"board": board, "session": session, "incomplete": incomplete, "people": people}


def record(page, label: str) -> None:
    page.get_by_label("Membre").select_option(label=label)
    page.get_by_role("button", name="Enregistrer la présence").click()
    expect(page.locator(".session-side .plain-list")).to_contain_text(label.split(" — ")[0])


def test_a_chair_runs_a_live_session(board_setup, page):
    login(page, "hvasseur")
    # An incomplete case: the page says exactly what is missing.
    page.goto(f"/patients/{board_setup['incomplete'].pk}/rcp/nouveau/")
    page.locator("#id_board").select_option(label="RCP thoracique CLB")
    page.get_by_label("Diagnostic").select_option(index=1)
    page.get_by_label("Contexte").select_option(label="Nouveau diagnostic")
    page.get_by_label("Question posée à la RCP").fill("Chirurgie possible ?")
    page.get_by_role("button", name="Enregistrer le dossier").click()
    missing = page.get_by_role("alert")
    expect(missing).to_contain_text("le stade TNM du diagnostic")
    expect(missing).to_contain_text("un état général")
    expect(missing).to_contain_text("le patient informé")
    assert axe_violations(page) == []

    page.goto(board_setup["session"].get_absolute_url())
    record(page, "Hélène VASSEUR — Oncologie médicale")
    record(page, "Claire GERMAIN — Radiothérapie")
    # Gaming the quorum: the radiologist declared as a thoracic surgeon is refused, field named.
    page.get_by_label("Membre").select_option(label="Claire FLEURY — Radiologie")
    page.get_by_label("Spécialités représentées").select_option(label="Chirurgie thoracique")
    page.get_by_role("button", name="Enregistrer la présence").click()
    error = page.locator("#id_specialties_error")
    expect(error).to_contain_text("n'a pas la spécialité Chirurgie thoracique dans l'annuaire")
    expect(page.locator(".session-side .plain-list")).not_to_contain_text("FLEURY")
    assert axe_violations(page) == []
    page.get_by_label("Spécialités représentées").select_option([])
    record(page, "Claire FLEURY — Radiologie")
    expect(page.locator(".quorum")).to_contain_text("Quorum non atteint")
    expect(page.locator(".quorum")).to_contain_text("pas de chirurgien")
    page.get_by_role("button", name="Ouvrir la séance").click()
    assert axe_violations(page) == []

    def decide() -> None:
        with page.expect_response(lambda r: "/dossiers/" in r.url and r.request.method == "GET"):
            page.get_by_role("link", name="ADAM Dominique").click()
        panel = page.locator("#case-panel")
        expect(panel).to_contain_text("Radio-chimiothérapie concomitante")
        panel.get_by_label("Radiothérapie").check()
        panel.get_by_label("Immunothérapie").check()
        panel.get_by_label("Proposition").fill("RT-CT concomitante puis durvalumab 12 mois.")
        panel.get_by_label("Référentiel suivi").fill("Référentiel AURA 2025")
        panel.get_by_label("Près du domicile (centre de proximité)").check()
        panel.get_by_role("button", name="Valider la décision (président)").click()

    decide()
    expect(page.locator("#case-panel")).to_contain_text("pas de chirurgien")
    assert not Decision.objects.exists()

    record(page, "Claire PERRIN — Chirurgie thoracique")
    expect(page.locator(".quorum")).to_contain_text("Quorum atteint")
    decide()
    panel = page.locator("#case-panel")
    expect(panel).to_contain_text("Décision, version 1", timeout=20_000)
    expect(page.locator(".agenda-item").first).to_contain_text("Décidé")
    pdf_link = panel.get_by_role("link", name="Fiche RCP")
    response = page.request.get(pdf_link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"

    page.goto(f"/rcp/{board_setup['board'].pk}/statistiques/")
    expect(page.locator(".stat").first).to_have_text("100 %")
