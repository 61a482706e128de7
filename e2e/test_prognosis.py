"""Poor prognosis on the record, in Chromium: a breast cancer entered without staging is "to check"
with what is missing and a FEM-NET referral to check; once a clinician records a metastatic
staging through the form, the record shows the flag, the figure, the source and the referral;
the page passes axe-core WCAG 2.1 AA rules."""

from __future__ import annotations

import datetime as dt

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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_breast_cancer_from_to_check_to_poor_prognosis(page, transactional_db):
    centre = OrganisationFactory(name="Centre Léon Bérard", kind="clcc")
    oncologist = ProfessionalFactory(organisation=centre, user__username="hvasseur")
    patient = PatientFactory(birth_last_name="Garnier", birth_date=dt.date(1975, 2, 3))
    CareTeamMemberFactory(patient=patient, professional=oncologist)
    diagnosis = services.diagnosis_add(
        actor=oncologist.user, patient=patient, icd10="C50.4", diagnosed_on=dt.date(2025, 3, 1)
    )
    # The simple entry needs the measured value of an IHC result (issue 15).
    for marker, value in (("RE", "0 %"), ("RP", "0 %"), ("HER2", "IHC 1+")):
        services.biomarker_add(
            actor=oncologist.user,
            diagnosis=diagnosis,
            marker=marker,
            result="negative",
            value=value,
            tested_on=dt.date(2025, 3, 5),
        )
    login(page, "hvasseur")
    page.goto(f"/patients/{patient.pk}/")
    expect(page.get_by_text("Non déterminé — à vérifier")).to_be_visible()
    expect(page.get_by_text("métastases à distance (catégorie M du TNM)").first).to_be_visible()
    expect(
        page.get_by_text("Orientation vers un réseau à vérifier pour C50.4 : FEM-NET")
    ).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="ajouter une stadification", exact=True).first.click()
    page.get_by_label("Type").select_option("clinical")
    page.locator("#id_t").fill("T2")  # labels "T", "N", "M": one letter each
    page.locator("#id_n").fill("N1")
    page.locator("#id_m").fill("M1")
    page.get_by_label("Stade").fill("IV")
    page.get_by_label("Date").fill("2025-03-10")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Mauvais pronostic", exact=True)).to_be_visible()
    expect(page.get_by_text("survie nette à 5 ans 12 %")).to_be_visible()
    expect(page.get_by_text("Sein triple négatif métastatique").first).to_be_visible()
    expect(page.get_by_text("Triple-negative Breast Cancer", exact=False).first).to_be_visible()
    expect(page.get_by_text("Réseau suggéré pour C50.4 : FEM-NET")).to_be_visible()
    assert axe_violations(page) == []
