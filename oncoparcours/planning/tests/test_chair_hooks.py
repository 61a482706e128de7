"""The apps above planning follow a published chair / machine plan through a registry
(``planning.hooks``): their notes reach the planner; a receiver's failure cancels the
publication (same transaction)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from oncoparcours.planning import chair_services as services
from oncoparcours.planning import hooks
from oncoparcours.planning.models import ChairPlan, PlanStatus

from .test_chairs import chairs_day  # noqa: F401 (fixture)


@pytest.fixture
def receiver(monkeypatch):
    seen: list[tuple[object, ChairPlan]] = []

    def note(*, actor, plan) -> list[str]:
        seen.append((actor, plan))
        return [f"Suivi du plan v{plan.version}"]

    monkeypatch.setattr(hooks, "_chair_plan_published", {"test.note": note})
    return seen


def test_receivers_get_the_published_plan_and_their_notes_reach_the_page(
    client,
    chairs_day,  # noqa: F811
    receiver,
) -> None:
    plan = services.chair_plan_build(
        actor=chairs_day.user, centre=chairs_day.centre, day=chairs_day.day
    )
    assert receiver == []  # a draft is not followed
    client.force_login(chairs_day.user)
    response = client.post(reverse("planning:chairs_publish", args=[plan.pk]), follow=True)
    assert "Suivi du plan v1" in response.content.decode()
    assert [(actor, p.pk, p.status) for actor, p in receiver] == [
        (chairs_day.user, plan.pk, PlanStatus.PUBLISHED)
    ]


def test_a_failing_receiver_cancels_the_publication(monkeypatch, chairs_day) -> None:  # noqa: F811
    def broken(*, actor, plan) -> list[str]:
        raise RuntimeError("receiver down")

    monkeypatch.setattr(hooks, "_chair_plan_published", {"test.broken": broken})
    plan = services.chair_plan_build(
        actor=chairs_day.user, centre=chairs_day.centre, day=chairs_day.day
    )
    with pytest.raises(RuntimeError):
        services.chair_plan_publish(actor=chairs_day.user, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.published_at is None
