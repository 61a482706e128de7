"""Tour pages: who sees what (a liberal nurse only her own published tour), build/publish/cancel
through the pages, the printable sheet."""

from __future__ import annotations

import pytest
from django.urls import reverse

from oncoparcours.core.models import AuditEvent
from oncoparcours.planning import services
from oncoparcours.planning.models import PlanStatus, TourPlan, TourVisit


def _day_url(day) -> str:
    return f"{reverse('planning:day')}?jour={day:%Y-%m-%d}"


@pytest.fixture
def published(tour_day):
    user = tour_day.coordinator.user
    plan = services.plan_build(actor=user, day=tour_day.day)
    services.plan_publish(actor=user, plan=plan)
    return plan


def test_coordinator_builds_and_publishes_through_the_pages(client, tour_day) -> None:
    client.force_login(tour_day.coordinator.user)
    response = client.get(_day_url(tour_day.day))
    assert response.status_code == 200
    assert "Tournées infirmières" in response.content.decode()
    response = client.post(reverse("planning:build"), {"day": tour_day.day.isoformat()})
    assert response.status_code == 302
    plan = TourPlan.objects.get()
    assert plan.status == PlanStatus.DRAFT
    page = client.get(_day_url(tour_day.day)).content.decode()
    assert "Publier ces tournées" in page
    client.post(reverse("planning:publish", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED


def test_liberal_nurse_sees_only_her_own_tour(client, tour_day, published) -> None:
    tours = list(published.tours.select_related("nurse__professional__user"))
    mine, other = tours[0], tours[1]
    client.force_login(mine.nurse.professional.user)
    page = client.get(_day_url(tour_day.day)).content.decode()
    assert reverse("planning:tour", args=[mine.pk]) in page
    assert reverse("planning:tour", args=[other.pk]) not in page
    assert "Construire les tournées du jour" not in page
    assert client.get(reverse("planning:tour", args=[mine.pk])).status_code == 200
    assert client.get(reverse("planning:sheet", args=[mine.pk])).status_code == 200
    assert client.get(reverse("planning:tour", args=[other.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="denied", object_id=str(other.pk)).exists()
    assert client.post(reverse("planning:build"), {"day": tour_day.day}).status_code == 404


def test_liberal_nurse_does_not_see_a_draft(client, tour_day) -> None:
    plan = services.plan_build(actor=tour_day.coordinator.user, day=tour_day.day)
    tour = plan.tours.select_related("nurse__professional__user").first()
    client.force_login(tour.nurse.professional.user)
    assert "Aucune tournée publiée" in client.get(_day_url(tour_day.day)).content.decode()
    assert client.get(reverse("planning:tour", args=[tour.pk])).status_code == 404


def test_other_roles_get_404(clinician_client, published) -> None:
    assert clinician_client.get(reverse("planning:day")).status_code == 404
    tour = published.tours.first()
    assert clinician_client.get(reverse("planning:tour", args=[tour.pk])).status_code == 404


def test_tour_page_shows_visits_map_and_cancel_replans(client, tour_day, published) -> None:
    client.force_login(tour_day.coordinator.user)
    tour = published.tours.order_by("-back").first()
    page = client.get(reverse("planning:tour", args=[tour.pk])).content.decode()
    assert "<svg" in page and "Annuler la visite" in page
    # The break shows where the tour has one (a morning tour leaves it at home).
    assert ("Pause déjeuner" in page) == (tour.lunch_start is not None)
    assert "<script" not in page.split("<main", 1)[-1]
    visit = tour.visits.order_by("order").first()
    url = reverse("planning:cancel", args=[published.pk, visit.activity_id])
    client.post(url, {"reason": "", "tour": tour.pk})
    assert TourPlan.objects.count() == 1  # no reason: nothing changed
    response = client.post(url, {"reason": "Hospitalisation", "tour": tour.pk})
    assert response.status_code == 302
    latest = TourPlan.objects.order_by("-version").first()
    assert latest.version == 2 and latest.status == PlanStatus.PUBLISHED
    assert not TourVisit.objects.filter(tour__plan=latest, activity_id=visit.activity_id).exists()
    day_page = client.get(_day_url(tour_day.day)).content.decode()
    assert "Hospitalisation" in day_page and "non (conservée)" in day_page
    # The old version's tour page no longer offers cancelling.
    old = client.get(reverse("planning:tour", args=[tour.pk])).content.decode()
    assert "Annuler la visite" not in old


def test_liberal_nurse_home_shows_her_tour_of_today(client, db) -> None:
    from .conftest import make_day

    today = make_day(offset_days=0)
    plan = services.plan_build(actor=today.coordinator.user, day=today.day)
    services.plan_publish(actor=today.coordinator.user, plan=plan)
    tour = plan.tours.select_related("nurse__professional__user").first()
    client.force_login(tour.nurse.professional.user)
    page = client.get("/").content.decode()
    assert "Ma tournée du jour" in page
    assert reverse("planning:tour", args=[tour.pk]) in page
