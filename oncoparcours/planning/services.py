"""Writes of tour plans: build a draft from the day's worklist, publish it, cancel a visit of a
published plan (a new version where only the affected tour is re-planned). Atomic and audited."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record, audit_record_many
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.directory.models import ProfessionalQualification
from oncoparcours.pathways.models import ActivityInstance, Place
from oncoparcours.pathways.selectors import worklist

from . import config
from .models import (
    PlanStatus,
    Tour,
    TourNurse,
    TourPlan,
    TourVisit,
    UnassignedReason,
    UnassignedVisit,
)
from .publishing import publish_version
from .rules import tours as rules
from .selectors import can_plan

PERFORMER = "liberal_nurse"


def _require_planner(actor: User) -> None:
    if not can_plan(actor):
        raise PermissionDenied


def day_activities(*, actor: User, day: dt.date) -> list[ActivityInstance]:
    """The day's open home activities performed by a liberal nurse, among the actor's patients
    (the pathways worklist of that day)."""
    ids = list(
        worklist(user=actor, scope="all", start=day, end=day, place=Place.HOME, include_late=False)
    )
    return list(
        ActivityInstance.objects.filter(pk__in=ids, performer_role=PERFORMER)
        .select_related("patient")
        .order_by("patient__sort_name", "key")
    )


def _visit_of(activity: ActivityInstance) -> rules.Visit | None:
    patient = activity.patient
    if patient.latitude is None or patient.longitude is None:
        return None
    duration, window = config.visit_defaults(activity.kind)
    if activity.scheduled_for:
        at = timezone.localtime(activity.scheduled_for)
        if at.date() == activity.day:
            start = at.hour * 60 + at.minute
            margin = config.appointment_margin()
            window = (max(0, start - margin), min(24 * 60 - duration, start + margin))
    return rules.Visit(
        key=str(activity.pk),
        place=(patient.latitude, patient.longitude),
        duration=duration,
        window=window,
        qualifications=frozenset(activity.qualifications or []),
    )


def _nurse_of(nurse: TourNurse, day: dt.date) -> rules.Nurse:
    held = ProfessionalQualification.objects.filter(
        professional_id=nurse.professional_id, obtained_on__lte=day
    ).select_related("qualification")
    codes = frozenset(q.qualification.code for q in held if q.is_valid_on(day))
    return rules.Nurse(
        key=str(nurse.pk),
        home=(nurse.home_latitude, nurse.home_longitude),
        shift_start=nurse.shift_start,
        shift_end=nurse.shift_end,
        qualifications=codes,
        lunch_minutes=nurse.lunch_minutes,
        lunch_window=config.lunch_window(),
    )


def _next_version(day: dt.date) -> int:
    current = TourPlan.objects.filter(day=day).aggregate(top=Max("version"))["top"]
    return (current or 0) + 1


def _store_tour(plan: TourPlan, nurse: TourNurse, tour: rules.Tour, kept: bool = False) -> Tour:
    row = Tour.objects.create(
        plan=plan,
        nurse=nurse,
        depart=tour.depart,
        back=tour.back,
        distance_m=tour.distance_m,
        lunch_start=tour.lunch_start,
        lunch_minutes=nurse.lunch_minutes if tour.lunch_start is not None else 0,
        lunch_after=tour.lunch_after,
        kept=kept,
    )
    activities = ActivityInstance.objects.select_related("patient").in_bulk(
        [uuid.UUID(stop.visit) for stop in tour.stops]
    )
    TourVisit.objects.bulk_create(
        [
            TourVisit(
                tour=row,
                activity=activities[uuid.UUID(stop.visit)],
                patient=activities[uuid.UUID(stop.visit)].patient,
                order=index,
                arrival=stop.arrival,
                start=stop.start,
                end=stop.end,
                travel_minutes=stop.travel_minutes,
                distance_m=stop.distance_m,
                latitude=activities[uuid.UUID(stop.visit)].patient.latitude or 0.0,
                longitude=activities[uuid.UUID(stop.visit)].patient.longitude or 0.0,
            )
            for index, stop in enumerate(tour.stops, start=1)
        ]
    )
    return row


def _audit_patients(actor: User, plan: TourPlan, patient_ids: set[uuid.UUID], what: str) -> None:
    audit_record_many(
        [
            {
                "actor": actor,
                "action": AuditAction.CREATE,
                "patient_id": patient_id,
                "obj": plan,
                "details": {"what": what, "day": plan.day.isoformat()},
            }
            for patient_id in sorted(patient_ids, key=str)
        ]
    )


@transaction.atomic
def plan_build(*, actor: User, day: dt.date, seed: int = 1) -> TourPlan:
    """A new draft version of the day's tours, from the worklist and the active tour nurses."""
    _require_planner(actor)
    activities = day_activities(actor=actor, day=day)
    nurses = list(TourNurse.objects.filter(is_active=True).select_related("professional"))
    plan = TourPlan.objects.create(
        day=day,
        version=_next_version(day),
        created_by=actor,
        rules_version=config.rules_version(),
        seed=seed,
        change=_("Built from the worklist"),
    )
    visits = []
    by_key = {str(activity.pk): activity for activity in activities}
    missing = []
    for activity in activities:
        visit = _visit_of(activity)
        if visit is None:
            missing.append(activity)
        else:
            visits.append(visit)
    result = rules.plan_tours(
        [_nurse_of(nurse, day) for nurse in nurses], visits, config.travel_model(), seed=seed
    )
    nurse_by_key = {str(nurse.pk): nurse for nurse in nurses}
    for tour in result.tours:
        _store_tour(plan, nurse_by_key[tour.nurse], tour)
    UnassignedVisit.objects.bulk_create(
        [
            UnassignedVisit(
                plan=plan,
                activity=by_key[u.visit],
                patient_id=by_key[u.visit].patient_id,
                reason=u.reason,
            )
            for u in result.unassigned
        ]
        + [
            UnassignedVisit(
                plan=plan,
                activity=activity,
                patient_id=activity.patient_id,
                reason=UnassignedReason.NO_ADDRESS,
            )
            for activity in missing
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=plan,
        details={
            "day": day.isoformat(),
            "version": plan.version,
            "visits": len(activities),
            "unassigned": len(result.unassigned) + len(missing),
        },
    )
    _audit_patients(actor, plan, {a.patient_id for a in activities}, "tour plan")
    return plan


@transaction.atomic
def plan_publish(*, actor: User, plan: TourPlan) -> TourPlan:
    _require_planner(actor)
    plan = TourPlan.objects.select_for_update().get(pk=plan.pk)
    newer = TourPlan.objects.filter(day=plan.day, version__gt=plan.version).exists()
    published: TourPlan = publish_version(actor=actor, plan=plan, newer_exists=newer)
    return published


@transaction.atomic
def visit_cancel(*, actor: User, plan: TourPlan, activity_id: uuid.UUID, reason: str) -> TourPlan:
    """A new published version of the day's plan without this visit: the tour that had it is
    re-planned (with the day's unassigned visits its nurse could now take); every other tour is
    copied unchanged."""
    _require_planner(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say why the visit is cancelled."), field="reason")
    if len(reason) > 300:
        raise ApplicationError(_("Keep the reason under 300 characters."), field="reason")
    plan = TourPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.PUBLISHED:
        raise ApplicationError(_("Only a published plan's visits are cancelled."), field="plan")
    if TourPlan.objects.filter(day=plan.day, version__gt=plan.version).exists():
        raise ApplicationError(_("A newer version of this day's plan exists."), field="version")
    cancelled = (
        TourVisit.objects.select_related("tour__nurse", "activity", "patient")
        .filter(tour__plan=plan, activity_id=activity_id)
        .first()
    )
    if cancelled is None:
        raise ApplicationError(_("This visit is not in a tour of this plan."), field="activity")
    affected = cancelled.tour
    new = TourPlan.objects.create(
        day=plan.day,
        version=plan.version + 1,
        based_on=plan,
        created_by=actor,
        rules_version=config.rules_version(),
        seed=plan.seed,
        change=_("Visit cancelled: %(reason)s") % {"reason": reason},
    )
    # Other tours: copied as they are.
    for tour in plan.tours.exclude(pk=affected.pk).select_related("nurse"):
        copy = Tour.objects.create(
            plan=new,
            nurse=tour.nurse,
            depart=tour.depart,
            back=tour.back,
            distance_m=tour.distance_m,
            lunch_start=tour.lunch_start,
            lunch_minutes=tour.lunch_minutes,
            lunch_after=tour.lunch_after,
            kept=True,
        )
        TourVisit.objects.bulk_create(
            [
                TourVisit(
                    tour=copy,
                    activity_id=v.activity_id,
                    patient_id=v.patient_id,
                    order=v.order,
                    arrival=v.arrival,
                    start=v.start,
                    end=v.end,
                    travel_minutes=v.travel_minutes,
                    distance_m=v.distance_m,
                    latitude=v.latitude,
                    longitude=v.longitude,
                )
                for v in tour.visits.all()
            ]
        )
    # The affected tour: its remaining visits and the plan's unassigned ones, for its nurse only.
    remaining = [
        v.activity
        for v in affected.visits.select_related("activity__patient").exclude(pk=cancelled.pk)
    ]
    waiting = [
        u
        for u in plan.unassigned.select_related("activity__patient")
        if u.reason != UnassignedReason.CANCELLED
    ]
    candidates = remaining + [u.activity for u in waiting]
    visits = [v for v in (_visit_of(a) for a in candidates) if v is not None]
    nurse = _nurse_of(affected.nurse, plan.day)
    result = rules.plan_tours([nurse], visits, config.travel_model(), seed=plan.seed)
    replanned = result.tour_of(nurse.key)
    placed = {stop.visit for stop in replanned.stops} if replanned else set()
    if replanned is not None:
        _store_tour(new, affected.nurse, replanned)
    lost = [a for a in remaining if str(a.pk) not in placed]
    rows = [
        UnassignedVisit(
            plan=new,
            activity=cancelled.activity,
            patient_id=cancelled.patient_id,
            reason=UnassignedReason.CANCELLED,
            note=reason,
        )
    ]
    for u in plan.unassigned.all():
        if str(u.activity_id) in placed:
            continue
        rows.append(
            UnassignedVisit(
                plan=new,
                activity_id=u.activity_id,
                patient_id=u.patient_id,
                reason=u.reason,
                note=u.note,
            )
        )
    rows += [
        UnassignedVisit(
            plan=new, activity=a, patient_id=a.patient_id, reason=UnassignedReason.NO_ROOM
        )
        for a in lost
    ]
    UnassignedVisit.objects.bulk_create(rows)
    new.status = PlanStatus.PUBLISHED
    new.published_at = timezone.now()
    new.published_by = actor
    new.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=cancelled.patient_id,
        obj=new,
        reason=reason,
        details={
            "cancelled": str(cancelled.activity_id),
            "replanned_tour_nurse": str(affected.nurse_id),
            "from_version": plan.version,
            "version": new.version,
        },
    )
    _audit_patients(
        actor, new, {a.patient_id for a in remaining} | {u.patient_id for u in waiting}, "re-plan"
    )
    return new
