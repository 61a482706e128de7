"""An intensive-care bed for the days after a CAR-T infusion, in Chromium (issue 18): the
haematologist cannot fix the infusion date without a bed, requests one from the order; the
intensivist sees it in "Lits de réanimation" and confirms it; the date is then accepted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import axe_violations, login
from oncoparcours.celltherapy.models import BedUnit, CarTOrder
from oncoparcours.patients.models import CareTeamMember
from oncoparcours.testing.celltherapy import car_t_setting, place_order
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    PatientFactory,
    ProfessionalFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(transactional_db):  # type: ignore[no-untyped-def]
    setting = car_t_setting()
    haematologist = ProfessionalFactory(
        organisation=setting.hospital,
        specialty="haematology",
        last_name="Marchal",
        user=UserFactory(username="hemato"),
    )
    intensivist = ProfessionalFactory(
        organisation=setting.hospital,
        specialty="intensive_care",
        last_name="Dumas",
        user=UserFactory(username="rea"),
    )
    unit = BedUnit.objects.create(
        organisation=setting.hospital, name="Réanimation médicale", beds=4, intensive_care=True
    )
    unit.staff.add(intensivist)
    patient = PatientFactory(birth_last_name="Lambert", first_names="Paul")
    CareTeamMemberFactory(patient=patient, professional=haematologist, is_lead=True)
    CareTeamMember.objects.create(
        patient=patient, professional=setting.nurse, role="coordination_nurse"
    )
    order = place_order(patient, haematologist.user)
    return {"order": order, "unit": unit}


def test_a_bed_is_requested_confirmed_then_the_infusion_date_accepted(page, people):  # type: ignore[no-untyped-def]
    order = people["order"]
    day = timezone.localdate() + dt.timedelta(days=12)
    login(page, "hemato")
    page.goto(order.get_absolute_url())
    section = page.locator("#icu-bed")
    expect(section).to_contain_text("Aucun lit de réanimation demandé")
    # No bed yet: the date is refused, saying what to do.
    section.get_by_label("Perfusion prévue").fill(day.isoformat())
    section.get_by_role("button", name="Fixer la date de perfusion").click()
    expect(page.get_by_text("demandez un lit pour ce jour")).to_be_visible()
    assert CarTOrder.objects.get(pk=order.pk).planned_infusion_on is None
    section.get_by_label("Jour de perfusion prévu").fill(day.isoformat())
    section.get_by_role("button", name="Demander un lit de réanimation").click()
    expect(page.get_by_text("Lit demandé")).to_be_visible()
    expect(page.locator("#icu-bed")).to_contain_text("Demandée")
    assert axe_violations(page) == []

    page.context.clear_cookies()
    login(page, "rea")
    page.get_by_role("link", name="Lits de réanimation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lits de réanimation")
    expect(page.locator("main")).to_contain_text("LAMBERT")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirmer le lit").click()
    expect(page.get_by_text("Réservation confirmée.")).to_be_visible()

    page.context.clear_cookies()
    login(page, "hemato")
    page.goto(order.get_absolute_url())
    expect(page.locator("#icu-bed")).to_contain_text("Confirmée")
    page.locator("#icu-bed").get_by_label("Perfusion prévue").fill(day.isoformat())
    page.locator("#icu-bed").get_by_role("button", name="Fixer la date de perfusion").click()
    expect(page.locator("#planned-infusion")).to_contain_text(day.strftime("%d/%m/%Y"))
    assert CarTOrder.objects.get(pk=order.pk).planned_infusion_on == day
