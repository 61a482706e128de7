"""Tour pages (issue 18): re-plan for an absent nurse or added visits from the day page, with
French errors naming the field; both nurses of a double visit and an unmet preference shown."""

from __future__ import annotations

from django.urls import reverse

from oncoparcours.planning import services
from oncoparcours.planning.models import PlanStatus, TourPlan, TourVisit

from .conftest import IMMUNO
from .test_replan_services import _double, _prefer


def _day_url(day) -> str:
    return f"{reverse('planning:day')}?jour={day:%Y-%m-%d}"


def _messages(client, day) -> str:
    return client.get(_day_url(day)).content.decode()


def test_absent_nurse_form_replans_and_refuses_bad_input_in_french(client, tour_day) -> None:
    user = tour_day.coordinator.user
    client.force_login(user)
    draft = services.plan_build(actor=user, day=tour_day.day)
    nurse = draft.tours.first().nurse
    # A draft: no re-plan form, and a forged post is refused naming the plan.
    assert "Replanifier sans cette infirmière" not in _messages(client, tour_day.day)
    client.post(
        reverse("planning:absent", args=[draft.pk]), {"nurse": nurse.pk, "reason": "Malade"}
    )
    assert "Plan : seul un plan publié se replanifie." in _messages(client, tour_day.day)
    services.plan_publish(actor=user, plan=draft)
    page = _messages(client, tour_day.day)
    assert "Replanifier sans cette infirmière" in page and "Motif de l&#x27;absence" in page
    # No reason: the field is named, nothing is created.
    client.post(reverse("planning:absent", args=[draft.pk]), {"nurse": nurse.pk, "reason": ""})
    assert "Motif de l&#x27;absence : Ce champ est obligatoire." in _messages(client, tour_day.day)
    assert TourPlan.objects.count() == 1
    response = client.post(
        reverse("planning:absent", args=[draft.pk]), {"nurse": nurse.pk, "reason": "Malade"}
    )
    assert response.status_code == 302
    new = TourPlan.objects.get(version=2)
    assert new.status == PlanStatus.PUBLISHED and not new.tours.filter(nurse=nurse).exists()
    page = _messages(client, tour_day.day)
    assert "Absentes :" in page and str(nurse) in page
    # Nothing added since: the insert button says so.
    client.post(reverse("planning:add_visits", args=[new.pk]))
    assert "Plan : aucune visite n&#x27;a été ajoutée" in _messages(client, tour_day.day)


def test_sheet_shows_both_nurses_and_an_unmet_preference(client, tour_day) -> None:
    user = tour_day.coordinator.user
    infusions = [a for a in tour_day.activities if IMMUNO in a.qualifications]
    _double(infusions[0])
    _prefer(infusions[1], tour_day.nurses[3])
    plan = services.plan_build(actor=user, day=tour_day.day)
    client.force_login(user)
    rows = list(TourVisit.objects.filter(tour__plan=plan, activity=infusions[0]))
    assert len(rows) == 2
    sheet = client.get(reverse("planning:sheet", args=[rows[0].tour_id])).content.decode()
    assert f"Deux infirmières : avec {rows[0].partner}" in sheet
    row = TourVisit.objects.get(tour__plan=plan, activity=infusions[1])
    page = client.get(reverse("planning:tour", args=[row.tour_id])).content.decode()
    assert f"Infirmière préférée indisponible ({tour_day.nurses[3]})" in page
