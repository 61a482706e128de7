"""Clinical trials on the record, in Chromium: a clinician enters a thyroid cancer's ETV6::NTRK3
fusion through the molecular form; the record's "Essais cliniques" section then shows the NTRK
basket trial first, with the result of every criterion and the nearest open French site, and the
BRAF basket only as "to verify" (no BRAF variant recorded proves nothing); the registry page shows
the tree in French; both
pages pass axe-core WCAG 2.1 AA rules."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e.conftest import axe_violations, login
from oncoparcours.patients import services
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    OrganisationFactory,
    PatientFactory,
    ProfessionalFactory,
)
from oncoparcours.trials import services as trials
from oncoparcours.trials.models import TrialSite

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DEMO = Path(__file__).resolve().parents[1] / "oncoparcours" / "trials" / "data" / "demo_trials.yaml"


def test_record_shows_the_ntrk_basket_trial_with_reasons(page, transactional_db):
    centre = OrganisationFactory(name="Centre Léon Bérard", kind="clcc")
    oncologist = ProfessionalFactory(organisation=centre, user__username="hvasseur")
    patient = PatientFactory(
        birth_last_name="Lefort", birth_date=dt.date(1968, 5, 4), latitude=45.76, longitude=4.84
    )
    CareTeamMemberFactory(patient=patient, professional=oncologist)
    services.diagnosis_add(
        actor=oncologist.user, patient=patient, icd10="C73", diagnosed_on=dt.date(2025, 3, 1)
    )
    for trial in trials.trials_import_ctml(actor=None, content=DEMO.read_text()):
        TrialSite.objects.create(
            trial=trial, name="Centre Léon Bérard", city="Lyon", latitude=45.74, longitude=4.88,
            status="RECRUITING",
        )  # fmt: skip

    login(page, "hvasseur")
    page.goto(f"/patients/{patient.pk}/")
    page.get_by_role("link", name="Saisir un résultat moléculaire").click()
    page.get_by_label("Type de résultat").select_option("variant")
    page.get_by_label("Gène (symbole HGNC)").fill("ETV6")
    page.get_by_label("Type d'altération").select_option("fusion")
    page.get_by_label("Partenaire de fusion").fill("NTRK3")
    page.get_by_label("Classe du variant").select_option("5")
    page.get_by_label("Date du prélèvement").fill("2025-04-02")
    page.get_by_label("Source").fill("Panel ARN")
    page.get_by_role("button", name="Enregistrer").click()

    section = page.locator("section", has=page.get_by_role("heading", name="Essais cliniques"))
    # A lazy section (issue 19): htmx loads it when it scrolls into view.
    section.scroll_into_view_if_needed()
    expect(section).not_to_have_attribute("aria-busy", "true")
    first = section.locator("li.trial-match").first
    expect(first).to_contain_text("NCT09900002 — NTRK-FUSION")
    expect(first).to_contain_text("Maladie : toute tumeur solide")
    expect(first).to_contain_text("NTRK3 : fusion")
    expect(first).to_contain_text("Altération notée : ETV6::NTRK3 fusion, classé pathogène")
    expect(first).to_contain_text("rempli")
    expect(first).to_contain_text(re.compile(r"Centre français ouvert le plus proche : [3-5] km"))
    # The BRAF basket is not proposed as met: no BRAF variant recorded is "to verify" (the genes
    # the panel covered are not recorded), never "absent".
    braf = section.locator("li.trial-match", has_text="NCT09900001")
    expect(braf).to_contain_text("à vérifier")
    assert axe_violations(page) == []

    first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Bras et cohortes")).to_be_visible()
    expect(page.get_by_text("Au moins une condition :")).to_be_visible()
    assert axe_violations(page) == []


def test_a_board_case_of_the_demo_shows_a_basket_trial_with_its_reasons(browser, served_demo):
    """On the served demo: the demo oncologist's lung cancer case on the thoracic board's agenda
    (BRAF V600E found by the panel) shows, before the session, the BRAF basket trial met with
    the reason of every criterion and the nearest open French site."""
    from oncoparcours.demo.institutions import DEMO_PASSWORD

    context = browser.new_context(base_url=served_demo, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto("/connexion/")
        page.get_by_label("Identifiant").fill("oncologue")
        page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        page.locator("main").get_by_role("button", name="Se connecter").click()
        page.wait_for_url(lambda url: "/connexion/" not in url)
        page.goto("/rcp/mes-dossiers/")
        cases = page.locator("main table a").evaluate_all("links => links.map(a => a.href)")
        found = None
        for url in cases:
            page.goto(url)
            section = page.locator(
                "section", has=page.get_by_role("heading", name="Essais cliniques à discuter")
            )
            basket = section.locator("li.trial-match", has_text="essai panier").filter(
                has_text="Altération notée : BRAF p.V600E"
            )
            if basket.count():
                found = basket.first
                break
        assert found is not None, "no board case of the demo shows a basket trial"
        expect(found).to_contain_text("NCT09900001 — BRAF-V600")
        expect(found).to_contain_text("éligible d'après les données enregistrées")
        expect(found).to_contain_text("Maladie : toute tumeur solide")
        expect(found).to_contain_text("Altération notée : BRAF p.V600E")
        expect(found).to_contain_text(re.compile(r"Centre français ouvert le plus proche : \d+ km"))
        assert axe_violations(page) == []
    finally:
        context.close()
