"""Reads of tour plans, scoped: coordination nurses and administrators see the day's plan, a
liberal nurse only her own tour. Every read showing patients writes one audit event."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction, User
from oncoparcours.patients.selectors import professional_for

from .models import PlanStatus, Tour, TourNurse, TourPlan, TourVisit, UnassignedVisit

PLANNERS = frozenset({"coordination_nurse", "administrator"})
READERS = PLANNERS | {"liberal_nurse"}


def can_plan(user: User) -> bool:
    return user.is_authenticated and user.role in PLANNERS


def can_read(user: User) -> bool:
    return user.is_authenticated and user.role in READERS


def nurse_of(user: User) -> TourNurse | None:
    professional = professional_for(user)
    if professional is None:
        return None
    return TourNurse.objects.filter(professional=professional).first()


def day_plans(day: dt.date) -> QuerySet[TourPlan]:
    return TourPlan.objects.filter(day=day).order_by("-version")


def plan_shown(user: User, day: dt.date) -> TourPlan | None:
    """Planners see the latest version (a draft included); nurses the latest published one."""
    plans = day_plans(day)
    if not can_plan(user):
        plans = plans.filter(status=PlanStatus.PUBLISHED)
    return plans.first()


def _visits() -> Prefetch:
    return Prefetch(
        "visits",
        queryset=TourVisit.objects.select_related(
            "patient",
            "activity",
            "partner__professional",
            "preferred_unavailable__professional",
        ).order_by("order"),
    )


def plan_tours(*, user: User, plan: TourPlan) -> list[Tour]:
    """The plan's tours the user may see (all for planners, her own for a liberal nurse)."""
    tours = plan.tours.select_related("nurse__professional").prefetch_related(_visits())
    if not can_plan(user):
        nurse = nurse_of(user)
        tours = tours.filter(nurse=nurse) if nurse else tours.none()
    result = list(tours)
    patient_ids = sorted({str(v.patient_id) for tour in result for v in tour.visits.all()})
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        obj=plan,
        details={"what": "tours", "patients": patient_ids},
    )
    return result


def plan_unassigned(*, user: User, plan: TourPlan) -> list[UnassignedVisit]:
    if not can_plan(user):
        return []
    rows = list(plan.unassigned.select_related("patient", "activity").order_by("reason"))
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        obj=plan,
        details={"what": "unassigned visits", "patients": [str(r.patient_id) for r in rows]},
    )
    return rows


def tour_for_user(*, user: User, tour_id: int) -> Tour:
    """One tour with its visits, or 404: a liberal nurse reads only her own (published) tours."""
    tour = (
        Tour.objects.select_related("plan", "nurse__professional")
        .prefetch_related(_visits())
        .filter(pk=tour_id)
        .first()
    )
    if tour is None or not can_read(user):
        raise Http404
    if not can_plan(user):
        nurse = nurse_of(user)
        if nurse is None or tour.nurse_id != nurse.pk or tour.plan.status != PlanStatus.PUBLISHED:
            audit_record(actor=user, action=AuditAction.DENIED, obj=tour)
            raise Http404
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        obj=tour,
        details={"what": "tour", "patients": [str(v.patient_id) for v in tour.visits.all()]},
    )
    return tour
