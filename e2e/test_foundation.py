"""A professional's first steps, in Chromium: log in, find a patient, read and complete the
record, be refused what is not theirs, switch language; pages pass axe-core WCAG 2.1 AA rules."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import axe_violations, login
from oncoparcours.directory.models import Network, NetworkMembership
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    DiagnosisFactory,
    OrganisationFactory,
    PatientFactory,
    ProfessionalFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team(transactional_db):
    centre = OrganisationFactory(name="Centre Léon Bérard", kind="clcc")
    oncologist = ProfessionalFactory(
        organisation=centre, first_name="Hélène", last_name="Vasseur", user__username="hvasseur"
    )
    outsider = ProfessionalFactory(organisation=centre, user__username="autre")
    patient = PatientFactory(
        birth_last_name="Moreau", first_names="Jeanne", birth_date=dt.date(1960, 5, 17)
    )
    CareTeamMemberFactory(patient=patient, professional=oncologist)
    DiagnosisFactory(patient=patient, icd10="C34.1", poor_prognosis=True)
    for index in range(30):
        other = PatientFactory(birth_last_name=f"Patient{index:02d}")
        CareTeamMemberFactory(patient=other, professional=oncologist)
    network = Network.objects.get(code="RECAP")
    NetworkMembership.objects.create(network=network, organisation=centre, role="pilot")
    return {"oncologist": oncologist, "outsider": outsider, "patient": patient}


def test_find_a_patient_and_complete_the_record(page, team):
    login(page, "hvasseur")
    expect(page.get_by_role("heading", name="Mes patients")).to_be_visible()
    expect(page.get_by_text("Rien ne vous attend pour le moment.")).to_have_count(0)
    page.get_by_role("link", name="Patients", exact=True).click()
    expect(page.get_by_text("31 patients")).to_be_visible()
    page.get_by_label("Nom ou INS").fill("moreau")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("1 patient, par ordre alphabétique du nom", exact=True)).to_be_visible()
    page.get_by_role("link", name="MOREAU Jeanne").click()
    expect(page.get_by_role("heading", name="MOREAU Jeanne")).to_be_visible()
    expect(page.get_by_text("mauvais pronostic").first).to_be_visible()

    page.get_by_role("link", name="Ajouter un diagnostic").click()
    page.get_by_label("Code CIM-10").fill("C71.9")
    page.get_by_label("Date du diagnostic").fill("1950-01-01")
    page.get_by_label("Morphologie CIM-O-3").fill("9440/3")
    page.get_by_role("button", name="Enregistrer").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Date du diagnostic")
    expect(summary).to_contain_text("précède la naissance")
    expect(summary).to_be_focused()
    page.get_by_label("Date du diagnostic").fill("2025-03-01")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Diagnostic enregistré.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("C71.9"))).to_be_visible()
    expect(page.get_by_text(re.compile("survie nette à 5 ans 7 %"))).to_be_visible()
    assert axe_violations(page) == []


def test_record_sections_below_the_fold_load_on_their_own_and_keep_the_focus(page, team):
    """Issue 19: the portal section loads (htmx) when it scrolls into view, busy until then; a
    keyboard user on its placeholder's link lands on the loaded section's heading."""
    login(page, "hvasseur")
    page.set_viewport_size({"width": 1280, "height": 400})  # the portal section out of view
    page.goto(f"/patients/{team['patient'].pk}/")
    portal = page.locator("#record-portal")
    expect(portal).to_have_attribute("aria-busy", "true")
    expect(portal.locator(".record-lazy__loading")).to_be_visible()  # scripted: "Chargement…"
    link = portal.get_by_role("link")
    expect(link).to_have_attribute("href", re.compile(r"/rubriques/portal/$"))
    link.focus()  # scrolls it into view: htmx loads the section
    expect(portal).not_to_have_attribute("aria-busy", "true")
    expect(portal.get_by_role("link", name="Gérer les accès au portail")).to_be_visible()
    expect(page.locator("#h-record-portal")).to_be_focused()
    expect(page.locator("#record-status")).not_to_be_empty()
    assert axe_violations(page) == []
    page.goto(f"/patients/{team['patient'].pk}/rubriques/portal/")  # the no-JavaScript page
    expect(page.get_by_role("heading", name="MOREAU Jeanne", level=1)).to_be_visible()
    assert axe_violations(page) == []


def test_without_javascript_a_lazy_section_opens_on_its_own_page(browser, live_server, team):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", java_script_enabled=False
    )
    page = context.new_page()
    try:
        login(page, "hvasseur")
        page.goto(f"/patients/{team['patient'].pk}/")
        portal = page.locator("#record-portal")
        expect(portal.locator(".record-lazy__loading")).to_be_hidden()  # no false "loading"
        portal.get_by_role("link").click()
        expect(page.get_by_role("heading", name="MOREAU Jeanne", level=1)).to_be_visible()
        expect(page.get_by_role("link", name="Gérer les accès au portail")).to_be_visible()
        # (axe-core needs JavaScript: the same page is checked in the test above.)
    finally:
        context.close()


def test_outsider_sees_a_plain_404(page, team):
    login(page, "autre")
    response = page.goto(f"/patients/{team['patient'].pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    assert "MOREAU" not in page.content()
    page.goto("/patients/")
    expect(page.get_by_text("0 patient, par ordre alphabétique du nom", exact=True)).to_be_visible()


def test_a_home_whose_panels_all_come_back_empty_says_nothing_needs_you(page, team):
    """Issue 19: the lazy panels remove themselves when empty; the page then says so instead of
    staying blank (a care-role account not yet linked to a professional of the directory)."""
    UserFactory(username="nouvelle", role="clinician")
    login(page, "nouvelle", "correct horse battery")
    expect(page.get_by_text("Rien ne vous attend pour le moment.")).to_be_visible()
    expect(page.locator("section.record-lazy")).to_have_count(0)


def test_switch_to_english_and_back(page, team):
    login(page, "hvasseur")
    page.get_by_label("Langue").select_option("en")
    expect(page.get_by_role("heading", name="My patients")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_role("heading", name="Mes patients")).to_be_visible()


def test_network_map_and_directory_are_accessible(page, team):
    login(page, "hvasseur")
    page.goto("/annuaire/reseaux/RECAP/")
    expect(page.locator("svg.map circle.site--pilot")).to_have_count(1)
    expect(page.get_by_role("cell", name="Centre pilote")).to_be_visible()
    assert axe_violations(page) == []
    page.goto("/annuaire/")
    assert axe_violations(page) == []
    page.goto("/patients/")
    assert axe_violations(page) == []


def test_skip_link_is_first_in_tab_order_and_leads_to_the_content(page, team):
    login(page, "hvasseur")
    page.goto("/annuaire/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu principal")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.goto("/connexion/")
    assert axe_violations(page) == []


def test_the_directory_import_page_fits_a_phone_screen(browser, live_server, team):
    from oncoparcours.testing.factories import UserFactory

    UserFactory(username="admin-import", role="administrator")
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        login(page, "admin-import")
        page.goto("/annuaire/import/")
        expect(page.get_by_role("region", name="Codes des qualifications")).to_be_visible()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{width} px wide on a 390 px screen"
        assert axe_violations(page) == []
    finally:
        context.close()


def test_a_table_wider_than_the_screen_says_it_scrolls(browser, live_server, team):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    check = """() => Array.from(document.querySelectorAll('.table-wrap')).map(w => {
        const hint = w.getAttribute('aria-describedby')
            ? document.getElementById(w.getAttribute('aria-describedby')) : null;
        return [w.scrollWidth > w.clientWidth + 1, !!hint && !hint.hidden,
                hint ? hint.textContent : '', getComputedStyle(w).backgroundImage];
    })"""
    try:
        login(page, "hvasseur")
        page.goto("/patients/")
        wraps = page.evaluate(check)
        assert any(overflows for overflows, *_ in wraps), wraps
        for overflows, shown, text, background in wraps:
            # A hint where the table scrolls, none where it fits; shadows (pure CSS) on the frame.
            assert shown is overflows
            assert not overflows or text == "Faites défiler le tableau →"
            assert "gradient" in background
        expect(page.get_by_text("Faites défiler le tableau →").first).to_be_visible()
        assert axe_violations(page) == []
        # On a wide screen the table fits: the hint goes.
        page.set_viewport_size({"width": 1600, "height": 900})
        expect(page.get_by_text("Faites défiler le tableau →").first).to_be_hidden()
    finally:
        context.close()
