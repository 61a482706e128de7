"""A day-hospital chair plan as the coordination nurse uses it, in Chromium (issue 18): plan the
day from the pathways' sessions, see it per chair with names for her care team only, publish it,
print it (the centre and the day printed, the controls not), re-plan keeping what can be kept, and
a wrong day refused with its field named."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import axe_violations, login
from oncoparcours.planning.models import ChairPlan, PlanStatus
from oncoparcours.planning.tests.test_chairs import Setup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chairs(transactional_db):  # type: ignore[no-untyped-def]
    setup = Setup(sessions=4, chairs=3)
    setup.user.username = "idec-hdj"
    setup.user.save(update_fields=["username"])
    return setup


def test_plan_publish_print_and_replan_a_chair_day(page, chairs) -> None:  # type: ignore[no-untyped-def]
    login(page, "idec-hdj")
    page.goto(chairs.url())
    expect(page.get_by_text("Pas encore de plan des fauteuils pour ce jour.")).to_be_visible()
    page.get_by_role("button", name="Planifier la journée").click()

    expect(page.get_by_role("heading", name="Version 1 — Brouillon")).to_be_visible()
    gantt = page.get_by_role("table", name="Séances par fauteuil ou machine")
    expect(gantt.get_by_role("rowheader", name=re.compile("Fauteuil 1"))).to_be_visible()
    expect(gantt).to_contain_text("FAUTEUIL0")  # in her care team: named
    expect(gantt).not_to_contain_text("FAUTEUIL1")  # not in her care team: "Patient"
    expect(page.get_by_text("4 séances placées, 0 non placée")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Publier ce plan").click()
    expect(page.get_by_role("heading", name="Version 1 — Publiée")).to_be_visible()
    assert ChairPlan.objects.get().status == PlanStatus.PUBLISHED

    # Printed: the plan with its centre and day, without the day picker and the buttons.
    page.emulate_media(media="print")
    heading = page.locator(".chairs-print-heading")
    expect(heading).to_be_visible()
    expect(heading).to_contain_text("Hôpital de jour Lyon Sud")
    expect(heading).to_contain_text(f"{chairs.day.day:02d}")
    expect(page.get_by_role("button", name=re.compile("Replanifier"))).to_be_hidden()
    expect(page.get_by_label("Jour", exact=True)).to_be_hidden()
    expect(gantt).to_be_visible()
    page.emulate_media(media="screen")
    expect(heading).to_be_hidden()

    # Re-planned: a new draft version, the published one kept in the versions list.
    page.get_by_role("button", name=re.compile("^Replanifier la journée")).click()
    expect(page.get_by_role("heading", name="Version 2 — Brouillon")).to_be_visible()
    versions = page.locator("section", has=page.get_by_role("heading", name="Versions"))
    expect(versions.get_by_role("listitem")).to_have_count(2)
    expect(versions).to_contain_text("Version 1 — Publiée")


def test_a_wrong_day_is_refused_with_its_field_named(page, chairs) -> None:  # type: ignore[no-untyped-def]
    login(page, "idec-hdj")
    page.goto(chairs.url().replace(f"{chairs.day:%Y-%m-%d}", "2026-13-45"))
    expect(page.get_by_role("alert")).to_have_text("Jour : Saisissez une date valide.")
    assert ChairPlan.objects.count() == 0
