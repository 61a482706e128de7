"""Tour services: build from the worklist, publish (append-only), cancel a visit (a new version
re-planning only the affected tour)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.planning import services
from oncoparcours.planning.models import (
    PlanStatus,
    Tour,
    TourPlan,
    TourVisit,
    UnassignedReason,
)

from .conftest import IMMUNO


def _signature(tour: Tour) -> list[tuple]:
    return [(str(v.activity_id), v.order, v.start, v.end) for v in tour.visits.order_by("order")]


def test_build_places_every_visit_or_gives_a_reason(tour_day) -> None:
    plan = services.plan_build(actor=tour_day.coordinator.user, day=tour_day.day)
    assert plan.status == PlanStatus.DRAFT and plan.version == 1
    placed = set(TourVisit.objects.filter(tour__plan=plan).values_list("activity_id", flat=True))
    unassigned = set(plan.unassigned.values_list("activity_id", flat=True))
    assert placed | unassigned == {a.pk for a in tour_day.activities}
    assert not placed & unassigned
    assert len(placed) >= 10
    assert AuditEvent.objects.filter(object_id=str(plan.pk), action="create").exists()


def test_untrained_nurse_is_never_given_an_immunotherapy_visit(tour_day) -> None:
    plan = services.plan_build(actor=tour_day.coordinator.user, day=tour_day.day)
    trained = {n.pk for n in tour_day.nurses[:2]}
    needing = TourVisit.objects.filter(tour__plan=plan, activity__kind="treatment_administration")
    assert needing.exists()
    for visit in needing.select_related("tour", "activity"):
        assert IMMUNO in visit.activity.qualifications
        assert visit.tour.nurse_id in trained


def test_expired_training_counts_as_untrained(tour_day) -> None:
    import datetime as dt

    from oncoparcours.directory.models import ProfessionalQualification

    ProfessionalQualification.objects.filter(
        professional__in=[n.professional for n in tour_day.nurses[:2]]
    ).update(obtained_on=dt.date(2024, 1, 1), expires_on=dt.date(2025, 6, 1))
    plan = services.plan_build(actor=tour_day.coordinator.user, day=tour_day.day)
    assert not TourVisit.objects.filter(
        tour__plan=plan, activity__kind="treatment_administration"
    ).exists()
    reasons = set(
        plan.unassigned.filter(activity__kind="treatment_administration").values_list(
            "reason", flat=True
        )
    )
    assert reasons == {UnassignedReason.NO_QUALIFIED_NURSE}


def test_publish_then_the_plan_is_frozen(tour_day) -> None:
    user = tour_day.coordinator.user
    plan = services.plan_build(actor=user, day=tour_day.day)
    services.plan_publish(actor=user, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED and plan.published_by == user
    with pytest.raises(ApplicationError) as error:
        services.plan_publish(actor=user, plan=plan)
    assert error.value.field == "status"
    plan.change = "edited"
    with pytest.raises(PermissionError):
        plan.save()
    with pytest.raises(PermissionError):
        Tour.objects.filter(plan=plan).update(depart=0)


def test_only_planners_build(tour_day) -> None:
    nurse_user = tour_day.nurses[0].professional.user
    with pytest.raises(PermissionDenied):
        services.plan_build(actor=nurse_user, day=tour_day.day)
    assert not TourPlan.objects.exists()


def test_cancel_replans_only_the_affected_tour(tour_day) -> None:
    user = tour_day.coordinator.user
    plan = services.plan_build(actor=user, day=tour_day.day)
    services.plan_publish(actor=user, plan=plan)
    tours = {t.nurse_id: _signature(t) for t in plan.tours.all()}
    affected = plan.tours.order_by("-distance_m").first()
    cancelled = affected.visits.order_by("order").first()

    new = services.visit_cancel(
        actor=user, plan=plan, activity_id=cancelled.activity_id, reason="Hospitalisée"
    )
    assert new.version == 2 and new.status == PlanStatus.PUBLISHED and new.based_on == plan
    new_tours = {t.nurse_id: t for t in new.tours.all()}
    for nurse_id, signature in tours.items():
        if nurse_id == affected.nurse_id:
            continue
        assert _signature(new_tours[nurse_id]) == signature
        assert new_tours[nurse_id].kept
    replanned = new_tours.get(affected.nurse_id)
    remaining = {str(a) for a, *_ in tours[affected.nurse_id]} - {str(cancelled.activity_id)}
    if replanned is not None:
        assert not replanned.kept
        assert str(cancelled.activity_id) not in {a for a, *_ in _signature(replanned)}
        assert remaining <= {a for a, *_ in _signature(replanned)} | {
            str(a) for a in new.unassigned.values_list("activity_id", flat=True)
        }
    row = new.unassigned.get(activity_id=cancelled.activity_id)
    assert row.reason == UnassignedReason.CANCELLED and row.note == "Hospitalisée"
    # The published version 1 is unchanged.
    assert {t.nurse_id: _signature(t) for t in plan.tours.all()} == tours
    event = AuditEvent.objects.get(object_id=str(new.pk), action="update")
    assert event.patient_id == cancelled.patient_id and event.reason == "Hospitalisée"


def test_cancel_needs_a_reason_and_a_published_latest_plan(tour_day) -> None:
    user = tour_day.coordinator.user
    plan = services.plan_build(actor=user, day=tour_day.day)
    visit = TourVisit.objects.filter(tour__plan=plan).first()
    with pytest.raises(ApplicationError) as error:
        services.visit_cancel(actor=user, plan=plan, activity_id=visit.activity_id, reason="x")
    assert error.value.field == "plan"
    services.plan_publish(actor=user, plan=plan)
    with pytest.raises(ApplicationError) as error:
        services.visit_cancel(actor=user, plan=plan, activity_id=visit.activity_id, reason=" ")
    assert error.value.field == "reason"
    assert TourPlan.objects.count() == 1
    services.visit_cancel(actor=user, plan=plan, activity_id=visit.activity_id, reason="Absent")
    with pytest.raises(ApplicationError) as error:
        services.visit_cancel(actor=user, plan=plan, activity_id=visit.activity_id, reason="y")
    assert error.value.field == "version"
