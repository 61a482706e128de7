"""Home follow-up as people live it, in Chromium: a patient reports from a phone (double tap on
send), the coordination nurse sees the alert in her inbox, nobody answers in time and it
escalates to the oncologist, who takes charge and resolves it; an emergency tells the patient to
call 15."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import axe_violations, login, settled
from oncoparcours.monitoring.models import Alert, Report
from oncoparcours.monitoring.services import access_link_create, escalate_overdue_alerts
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    OrganisationFactory,
    PatientFactory,
    ProfessionalFactory,
    TreatmentCourseFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team(transactional_db):  # type: ignore[no-untyped-def]
    centre = OrganisationFactory(name="Centre Léon Bérard", kind="clcc")
    oncologist = ProfessionalFactory(
        organisation=centre, first_name="Hélène", last_name="Vasseur", user__username="hvasseur"
    )
    nurse = ProfessionalFactory(
        organisation=centre,
        profession="nurse",
        specialty="coordination_nursing",
        first_name="Sophie",
        last_name="Renaud",
        user__username="srenaud",
        user__role="coordination_nurse",
    )
    patient = PatientFactory(
        birth_last_name="Moreau", first_names="Jeanne", expert_centre=centre, phone="06 12 34 56 78"
    )
    CareTeamMemberFactory(patient=patient, professional=oncologist, is_lead=True)
    CareTeamMemberFactory(
        patient=patient, professional=nurse, is_lead=False, role="coordination_nurse"
    )
    _link, token = access_link_create(patient=patient, actor=nurse.user, days=30)
    return {"patient": patient, "token": token}


@pytest.fixture
def phone(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    yield context.new_page()
    context.close()


def test_a_self_report_reaches_the_nurse_escalates_and_is_resolved(team, phone, page):
    phone.goto(f"/suivi/{team['token']}/")
    expect(phone.get_by_role("heading", name="Comment allez-vous aujourd'hui ?")).to_be_visible()
    assert axe_violations(phone) == []
    phone.get_by_label("combien de selles de plus").fill("2")
    phone.get_by_role("group", name="Fatigue").get_by_label(
        "De la fatigue, mais le repos me soulage"
    ).check()
    phone.get_by_role("button", name="Envoyer à mon équipe de soins").dblclick()
    expect(
        phone.get_by_role("heading", name="Merci, vos réponses ont été envoyées.")
    ).to_be_visible()
    expect(phone.get_by_text("vous rappelle dans les 3 jours")).to_be_visible()
    assert settled(Report.objects.count) == 1  # the double tap made one report

    login(page, "srenaud")
    page.goto("/alertes/")
    row = page.get_by_role("row").filter(has_text="MOREAU Jeanne")
    expect(row).to_contain_text("Courante")
    expect(row).to_contain_text("en attente")
    assert axe_violations(page) == []

    # Nobody takes charge within 72 hours: the worker escalates to the oncologist.
    assert (
        settled(lambda: escalate_overdue_alerts(now=timezone.now() + dt.timedelta(hours=73))) == 1
    )
    page.reload()
    expect(page.get_by_role("row").filter(has_text="MOREAU Jeanne")).to_contain_text("escaladée ×1")

    page.get_by_role("button", name="Se déconnecter").click()
    login(page, "hvasseur")
    page.goto("/alertes/")
    page.get_by_role("row").filter(has_text="MOREAU Jeanne").get_by_role("link").nth(1).click()
    expect(page.get_by_text("06 12 34 56 78")).to_be_visible()
    expect(page.get_by_text("Escaladée (étape 1)")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Je prends en charge").click()
    expect(page.get_by_text("Alerte prise en charge.")).to_be_visible()
    page.get_by_label("Ce qui a été fait").select_option(label="Conseils donnés")
    page.get_by_label("Détails").fill("Rappelée : réhydratation, lopéramide, rappel dans 48 h.")
    page.get_by_role("button", name="Résoudre l'alerte").click()
    expect(page.get_by_text("Alerte résolue.")).to_be_visible()
    alert = Alert.objects.get()
    assert list(alert.events.order_by("id").values_list("kind", flat=True)) == [
        "notified",
        "escalated",
        "acknowledged",
        "resolved",
    ]


def test_an_emergency_report_tells_the_patient_to_call_15(team, phone):
    phone.goto(f"/suivi/{team['token']}/")
    phone.get_by_role("group", name="Respiration").get_by_label(
        "Très grande difficulté à respirer"
    ).check()
    phone.get_by_role("button", name="Envoyer à mon équipe de soins").click()
    expect(phone.get_by_role("heading", name="Appelez le 15 maintenant.")).to_be_visible()
    expect(phone.get_by_role("link", name="Appeler le 15")).to_have_attribute("href", "tel:15")
    assert Alert.objects.get().level == "emergency"


def test_wrong_input_on_the_phone_names_the_question_and_saves_nothing(team, phone):
    phone.goto(f"/suivi/{team['token']}/")
    phone.get_by_label("Votre température aujourd'hui").fill("60")
    phone.get_by_role("button", name="Envoyer à mon équipe de soins").click()
    summary = phone.get_by_role("alert")
    expect(summary).to_contain_text("Votre température aujourd'hui")
    assert Report.objects.count() == 0


def test_a_relative_s_neurological_watch_after_car_t_on_a_phone(team, phone):
    """The relative ticks what they saw, in plain French, on a phone: the CAR-T on-call is alerted
    within the hour and the relative is told not to leave the person alone."""
    TreatmentCourseFactory(patient=team["patient"], kind="car_t", regimen="Axicabtagene ciloleucel")
    phone.goto(f"/suivi/{team['token']}/")
    watch = phone.get_by_role(
        "group", name="Pour le proche : ce que vous avez remarqué depuis hier"
    )
    expect(watch).to_be_visible()
    phone.get_by_label("Je réponds pour le patient").check()
    watch.get_by_label("Son écriture a changé").check()
    watch.get_by_label("Ses mains tremblent").check()
    assert axe_violations(phone) == []
    phone.get_by_role("button", name="Envoyer à mon équipe de soins").click()
    expect(phone.get_by_text("Ne laissez pas la personne seule")).to_be_visible()
    report = settled(Report.objects.get)
    assert (report.source, report.observations["neuro_changes"]) == (
        "caregiver",
        ["handwriting_change", "tremor"],
    )
    alert = Alert.objects.get()
    assert (alert.level, alert.flags) == ("immediate", ["icans_screen_positive"])


def test_a_febrile_patient_on_chemotherapy_reaches_the_worklist_as_immediate(team, phone, page):
    """38.6 °C on chemotherapy was "routine within 72 h" under default@1: it is now an immediate
    alert (suspected febrile neutropenia) at the top of the oncologist's worklist."""
    TreatmentCourseFactory(patient=team["patient"], kind="chemotherapy", regimen="FOLFOX")
    phone.goto(f"/suivi/{team['token']}/")
    phone.get_by_label("Votre température aujourd'hui").fill("38,6")
    phone.get_by_label("Depuis combien d'heures").fill("2")
    phone.get_by_role("button", name="Envoyer à mon équipe de soins").click()
    expect(phone.get_by_text("appelez le service maintenant")).to_be_visible()
    expect(phone.get_by_text("Ne prenez pas de médicament contre la fièvre")).to_be_visible()

    login(page, "hvasseur")
    page.goto("/parcours/activites/")
    alerts = page.get_by_role("region", name="Alertes qui m'attendent")
    row = alerts.get_by_role("row").filter(has_text="MOREAU Jeanne")
    expect(row).to_contain_text("Immédiate")
    expect(row).to_contain_text("Suspicion de neutropénie fébrile")
    assert axe_violations(page) == []
    row.get_by_role("link", name="Signalement").click()
    expect(page.get_by_text("Suspicion de neutropénie fébrile").first).to_be_visible()
    expect(page.get_by_text("appelez le service maintenant")).to_be_visible()
