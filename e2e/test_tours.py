"""Nurse tours in Chromium: the coordination nurse builds and publishes a day's tours, cancels one
visit and sees the re-plan (a new version, only one tour re-planned), re-plans without an absent
nurse; the liberal nurse then sees her own tour only. Pages pass axe (WCAG 2.1 AA, serious and
critical)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from e2e.conftest import axe_violations, login
from oncoparcours.planning.models import TourPlan
from oncoparcours.planning.tests.conftest import make_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def day(transactional_db):  # type: ignore[no-untyped-def]
    return make_day()


def test_publish_cancel_and_see_the_replan(page, day):  # type: ignore[no-untyped-def]
    coordinator = day.coordinator.user
    coordinator.username = "idec-tours"
    coordinator.save()
    login(page, "idec-tours")
    page.get_by_role("link", name="Tournées infirmières").first.click()
    page.goto(f"/tournees/?jour={day.day:%Y-%m-%d}")
    page.get_by_role("button", name="Construire les tournées du jour").click()
    expect(page.get_by_text("Brouillon version 1 construit")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Publier ces tournées").click()
    expect(page.get_by_text("Tournées publiées")).to_be_visible()
    expect(page.get_by_role("heading", name="Version 1 — Publiée")).to_be_visible()

    page.locator("table tbody th a").first.click()
    expect(page.locator("svg[role=img]")).to_be_visible()
    assert axe_violations(page) == []
    first = page.locator("table.tour-visits tbody tr").filter(has=page.locator("form")).first
    first.get_by_label("Motif").fill("Patiente hospitalisée")
    first.get_by_role("button", name="Annuler la visite").click()
    expect(page.get_by_text("Visite annulée : version 2 publiée")).to_be_visible()
    expect(page.get_by_role("heading", name="Version 2 — Publiée")).to_be_visible()
    expect(page.get_by_role("cell", name="annulée : Patiente hospitalisée")).to_be_visible()
    kept = page.get_by_role("cell", name="non (conservée)")
    expect(kept).to_have_count(TourPlan.objects.get(version=2).tours.filter(kept=True).count())
    assert TourPlan.objects.get(version=2).tours.filter(kept=False).count() <= 1

    # A nurse is absent: version 3 is published without her tour.
    assert axe_violations(page) == []
    absent = TourPlan.objects.get(version=2).tours.select_related("nurse__professional")[0].nurse
    page.get_by_label("Infirmière absente", exact=True).select_option(str(absent.pk))
    page.get_by_label("Motif de l'absence").fill("Malade")
    page.get_by_role("button", name="Replanifier sans cette infirmière").click()
    expect(page.get_by_text("absente : version 3 publiée")).to_be_visible()
    expect(page.get_by_role("heading", name="Version 3 — Publiée")).to_be_visible()
    assert not TourPlan.objects.get(version=3).tours.filter(nurse=absent).exists()

    # The liberal nurse of the re-planned plan's first tour sees that tour only.
    tour = TourPlan.objects.get(version=3).tours.select_related("nurse__professional__user")[0]
    nurse_user = tour.nurse.professional.user
    nurse_user.username = "idel-tours"
    nurse_user.save()
    page.context.clear_cookies()
    login(page, "idel-tours")
    page.goto(f"/tournees/?jour={day.day:%Y-%m-%d}")
    expect(page.locator("table tbody th a")).to_have_count(1)
    page.locator("table tbody th a").click()
    page.get_by_role("link", name="Feuille de tournée à imprimer").click()
    expect(page.get_by_role("heading", name="Tournée de")).to_be_visible()
    assert axe_violations(page) == []
