"""A coordinator's and a physician's work on a pathway, in Chromium: apply a template from the
record, complete activities late and see the next ones re-dated, be refused an untrained liberal
nurse, move from sequence 1 to 2 without and then with the criteria met."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import axe_violations, login
from oncoparcours.directory.models import ProfessionalQualification, QualificationType
from oncoparcours.pathways.models import ActivityInstance, PathwayInstance
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    OrganisationFactory,
    PatientFactory,
    ProfessionalFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team(transactional_db):  # type: ignore[no-untyped-def]
    centre = OrganisationFactory(name="Centre Léon Bérard", kind="clcc")
    oncologist = ProfessionalFactory(
        organisation=centre, first_name="Hélène", last_name="Vasseur", user__username="hvasseur"
    )
    untrained = ProfessionalFactory(
        profession="nurse",
        specialty="liberal_nursing",
        first_name="Paul",
        last_name="Novice",
        user__role="liberal_nurse",
    )
    trained = ProfessionalFactory(
        profession="nurse",
        specialty="liberal_nursing",
        first_name="Karine",
        last_name="Hoarau",
        user__role="liberal_nurse",
    )
    for code in ("tpe_40h", "immunotherapy_initiation"):
        ProfessionalQualification.objects.create(
            professional=trained,
            qualification=QualificationType.objects.get(code=code),
            obtained_on=dt.date.today() - dt.timedelta(days=100),
        )
    patient = PatientFactory(birth_last_name="Moreau", first_names="Jeanne", expert_centre=centre)
    CareTeamMemberFactory(patient=patient, professional=oncologist)
    return {"patient": patient, "untrained": untrained, "trained": trained}


def apply_home_immunotherapy(page, patient, start: dt.date) -> PathwayInstance:  # type: ignore[no-untyped-def]
    page.goto(f"/patients/{patient.pk}/")
    page.get_by_role("link", name="Appliquer un parcours").click()
    page.get_by_label("Modèle").select_option("home-immunotherapy")
    page.get_by_role("button", name="Choisir").click()
    page.get_by_label("Date de début").fill(start.isoformat())
    page.get_by_label("Intervalle entre deux administrations (semaines)").select_option("3")
    page.get_by_role("button", name="Appliquer").click()
    expect(
        page.get_by_text(re.compile(r"Parcours appliqué : \d+ activités planifiées"))
    ).to_be_visible()
    return PathwayInstance.objects.get(patient=patient)


def mark_done(page, instance, key: str, on: dt.date) -> None:  # type: ignore[no-untyped-def]
    activity = instance.activities.get(key=key)
    page.goto(
        f"/patients/{instance.patient_id}/parcours/{instance.pk}/activites/{activity.pk}/done/"
    )
    page.get_by_label("Réalisé le").fill(on.isoformat())
    page.get_by_role("button", name="Marquer réalisée").click()
    expect(page.get_by_text("Activité mise à jour.")).to_be_visible()


def test_apply_then_complete_late_and_see_the_next_administrations_move(page, team):
    login(page, "hvasseur")
    start = dt.date.today() - dt.timedelta(days=30)
    instance = apply_home_immunotherapy(page, team["patient"], start)
    expect(page.get_by_role("heading", name=re.compile("Séquence 1"))).to_be_visible()
    assert axe_violations(page) == []
    before = instance.activities.get(key="dh-administration#2").due_date
    mark_done(page, instance, "dh-lab#1", start - dt.timedelta(days=1))
    mark_done(page, instance, "inclusion-consultation", start)
    mark_done(page, instance, "dh-administration#1", start + dt.timedelta(days=4))  # 4 days late
    moved = instance.activities.get(key="dh-administration#2")
    assert moved.due_date == before + dt.timedelta(days=4)
    row = page.locator("tr", has_text="Administration en hôpital de jour").filter(
        has_text="4 jours de retard"
    )
    expect(row).to_have_count(1)
    expect(page.get_by_text(f"initialement le {before:%d/%m}").first).to_be_visible()


def test_an_untrained_liberal_nurse_is_refused_and_a_trained_one_added(page, team):
    login(page, "hvasseur")
    instance = apply_home_immunotherapy(page, team["patient"], dt.date.today())
    home = instance.activities.get(key="home-administration-2#1")
    url = f"/patients/{instance.patient_id}/parcours/{instance.pk}/activites/{home.pk}/assign/"
    page.goto(url)
    page.get_by_label("Professionnel (RPPS)").fill(team["untrained"].rpps)
    page.get_by_label("Ajouter à l’équipe de soins du patient si nécessaire").check()
    page.get_by_role("button", name="Attribuer").click()
    expect(page.locator("#error-summary")).to_contain_text("formation manquante ou expirée")
    assert ActivityInstance.objects.get(pk=home.pk).assigned_to is None
    page.get_by_label("Professionnel (RPPS)").fill(team["trained"].rpps)
    page.get_by_label("Ajouter à l’équipe de soins du patient si nécessaire").uncheck()
    page.get_by_role("button", name="Attribuer").click()
    expect(page.locator("#error-summary")).to_contain_text(
        "ne fait pas partie de l’équipe de soins"
    )
    page.get_by_label("Ajouter à l’équipe de soins du patient si nécessaire").check()
    page.get_by_role("button", name="Attribuer").click()
    expect(page.get_by_text("Activité mise à jour.")).to_be_visible()
    assert ActivityInstance.objects.get(pk=home.pk).assigned_to == team["trained"]


def test_move_to_sequence_2_without_then_with_the_criteria(page, team):
    login(page, "hvasseur")
    instance = apply_home_immunotherapy(
        page, team["patient"], dt.date.today() - dt.timedelta(days=100)
    )
    page.get_by_role("link", name="Phase suivante").click()
    expect(page.get_by_text("non rempli").first).to_be_visible()
    page.get_by_role("button", name="Passer à la suite").click()
    expect(page.locator("#error-summary")).to_contain_text("Critères non remplis")
    mark_done(page, instance, "first-control-imaging", dt.date.today())
    mark_done(page, instance, "home-readiness", dt.date.today())
    page.get_by_role("link", name="Phase suivante").click()
    expect(page.locator("main .badge", has_text="non rempli")).to_have_count(0)
    page.get_by_role("button", name="Passer à la suite").click()
    expect(page.get_by_text("Passage à la phase suivante effectué.")).to_be_visible()
    expect(
        page.get_by_role(
            "heading", name=re.compile("Séquence 2 — domicile, suivi renforcé.*En cours")
        )
    ).to_be_visible()


def test_worklist_one_click_done(page, team):
    login(page, "hvasseur")
    apply_home_immunotherapy(page, team["patient"], dt.date.today())
    page.get_by_role("link", name="Mes activités").click()
    page.get_by_label("Afficher").select_option("team")
    page.get_by_role("button", name="Filtrer").click()
    first = page.get_by_role(
        "button", name=re.compile("Fait aujourd’hui : Consultation d'inclusion")
    )
    expect(first).to_be_visible()
    first.click()
    expect(page.get_by_text("Activité mise à jour.")).to_be_visible()
    assert ActivityInstance.objects.get(key="inclusion-consultation").status == "done"
    assert axe_violations(page) == []
