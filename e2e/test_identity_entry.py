"""Creating a patient in the browser: wrong input named field by field, then a homonym of a
patient of the user's care team shown before saving, saved only once "different person" is
ticked."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from e2e.conftest import axe_violations, login, settled
from oncoparcours.core.models import AuditEvent
from oncoparcours.patients.models import Patient
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    OrganisationFactory,
    PatientFactory,
    ProfessionalFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team(transactional_db):
    centre = OrganisationFactory(name="Centre Léon Bérard", kind="clcc")
    oncologist = ProfessionalFactory(
        organisation=centre, first_name="Hélène", last_name="Vasseur", user__username="hvasseur"
    )
    patient = PatientFactory(
        birth_last_name="MOREAU", first_names="JEANNE MARIE", birth_date=dt.date(1960, 5, 17)
    )
    CareTeamMemberFactory(patient=patient, professional=oncologist)
    return {"patient": patient}


def test_wrong_input_then_a_homonym_before_saving(page, team):
    login(page, "hvasseur")
    page.goto("/patients/nouveau/")
    sex = page.get_by_label("Sexe")
    expect(sex).to_have_value("")
    page.get_by_label("Nom de naissance").fill("Moreau2")
    page.get_by_label("Prénoms").fill("jeanne")
    page.get_by_label("Date de naissance").fill("1960-05-17")
    page.get_by_label("Code postal").fill("3700")
    page.get_by_label("Téléphone").fill("06 12")
    page.get_by_role("button", name="Enregistrer").click()

    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Sexe")
    expect(summary).to_contain_text("chiffres")
    expect(summary).to_contain_text("Code postal")
    expect(summary).to_contain_text("Téléphone")
    assert axe_violations(page) == []

    page.get_by_label("Nom de naissance").fill("Moreau")
    sex.select_option("F")
    page.get_by_label("Code postal").fill("69003")
    page.get_by_label("Téléphone").fill("04 78 12 34 56")
    page.get_by_role("button", name="Enregistrer").click()

    homonyms = page.get_by_role("region", name="Homonymes possibles")
    expect(homonyms).to_contain_text("MOREAU Jeanne Marie (17/05/1960)")
    assert settled(lambda: Patient.objects.count()) == 1
    page.get_by_label("Il s’agit d’une autre personne").check()
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("MOREAU Jeanne")
    created = settled(lambda: Patient.objects.exclude(pk=team["patient"].pk).get())
    assert created.phone == "+33478123456" and created.postcode == "69003"
    event = settled(lambda: AuditEvent.objects.get(patient_id=created.pk, action="create"))
    assert event.details["homonyms_shown"] == [str(team["patient"].pk)]
