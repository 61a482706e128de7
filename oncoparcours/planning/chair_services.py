"""Writes of chair / machine plans: build a draft of a centre's day (a re-plan when a plan of the
day exists: the previous placements are kept as far as possible), publish it. Atomic, audited.

The day's sessions are the open pathway activities of that day at the centre (``organisation``)
whose kind needs a chair or a machine (``data/chairs.yaml``): day-hospital administrations, EFS
apheresis (red-cell exchange, leukapheresis) and phlebotomies."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record, audit_record_many
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.french import natural_key
from oncoparcours.core.models import AuditAction, User
from oncoparcours.pathways.models import ActivityInstance, ActivityStatus

from . import config, hooks
from .chair_selectors import can_plan_chairs
from .models import (
    ChairCentre,
    ChairPlan,
    ChairSession,
    ChairUnplaced,
    PlanStatus,
    Resource,
)
from .publishing import publish_version
from .rules import chair_schedule as rules

OPEN = (ActivityStatus.PLANNED, ActivityStatus.SCHEDULED)


def _minute_of(moment: dt.datetime, day: dt.date) -> int | None:
    local = timezone.localtime(moment)
    if local.date() != day:
        return None
    return local.hour * 60 + local.minute


def _is_session(activity: ActivityInstance) -> bool:
    entry = config.chair_session(activity.kind)
    return entry is not None and activity.place in entry["places"]


def day_sessions(centre: ChairCentre, day: dt.date) -> list[ActivityInstance]:
    """The day's open activities at the centre that need a chair or a machine."""
    activities = ActivityInstance.objects.filter(
        organisation_id=centre.organisation_id,
        day=day,
        status__in=OPEN,
        kind__in=config.chair_session_kinds(),
    ).select_related("patient")
    return sorted(
        (a for a in activities if _is_session(a)), key=lambda a: (a.patient.sort_name, a.key)
    )


def _other_appointments(
    activities: list[ActivityInstance], day: dt.date, centre: ChairCentre
) -> dict[uuid.UUID, list[tuple[int, int]]]:
    """The patients' other appointments that day, with a margin: open activities with a time,
    and their sessions in the latest published plan of every other centre."""
    ids = {a.pk for a in activities}
    margin = config.chair_appointment_margin()
    busy: dict[uuid.UUID, list[tuple[int, int]]] = defaultdict(list)
    others = ActivityInstance.objects.filter(
        patient_id__in={a.patient_id for a in activities},
        day=day,
        status__in=OPEN,
        scheduled_for__isnull=False,
    ).exclude(pk__in=ids)
    for other in others.only("patient_id", "kind", "scheduled_for"):
        assert other.scheduled_for is not None
        start = _minute_of(other.scheduled_for, day)
        if start is None:
            continue
        end = start + config.appointment_minutes(other.kind)
        busy[other.patient_id].append((max(0, start - margin), min(24 * 60, end + margin)))
    latest: dict[uuid.UUID, uuid.UUID] = {}
    for plan_id, centre_id in (
        ChairPlan.objects.filter(day=day, status=PlanStatus.PUBLISHED)
        .exclude(centre=centre)
        .order_by("centre_id", "-version")
        .values_list("pk", "centre_id")
    ):
        latest.setdefault(centre_id, plan_id)
    elsewhere = ChairSession.objects.filter(
        plan_id__in=latest.values(), patient_id__in={a.patient_id for a in activities}
    ).exclude(activity_id__in=ids)
    for patient_id, start, end in elsewhere.values_list("patient_id", "start", "end"):
        busy[patient_id].append((max(0, start - margin), min(24 * 60, end + margin)))
    return busy


def _demand_of(
    activity: ActivityInstance,
    busy: list[tuple[int, int]],
    previous: tuple[str, int] | None,
    day: dt.date,
) -> rules.Demand:
    entry = config.chair_session(activity.kind) or {}
    minutes = int(
        (entry.get("minutes_by_activity") or {}).get(activity.template_activity, entry["minutes"])
    )
    ready = config.pharmacy_opens() + int(entry.get("preparation_minutes", 0))
    if activity.scheduled_for is not None:
        booked = _minute_of(activity.scheduled_for, day)
        if booked is not None:
            ready = max(ready, booked)
    recurring = (
        activity.template_activity in config.recurring_activities() or activity.occurrence > 1
    )
    return rules.Demand(
        key=str(activity.pk),
        patient=str(activity.patient_id),
        kind=entry["resource"],
        duration=minutes,
        ready=ready,
        busy=tuple(busy),
        recurring=recurring,
        previous=previous,
    )


def _centre_of(centre: ChairCentre) -> rules.Centre:
    return rules.Centre(
        opens=centre.opens,
        closes=centre.closes,
        slot=centre.slot_minutes,
        starts_per_slot=centre.starts_per_slot,
        nurses=centre.nurses,
        patients_per_nurse=centre.patients_per_nurse,
    )


def _require_planner(actor: User, centre: ChairCentre) -> None:
    if not can_plan_chairs(actor, centre):
        raise PermissionDenied


@transaction.atomic
def chair_plan_build(*, actor: User, centre: ChairCentre, day: dt.date, seed: int = 1) -> ChairPlan:
    """A new draft version of the centre's day. When a plan of the day exists (the latest
    version), the solver starts from its placements and moves as few sessions as it can."""
    _require_planner(actor, centre)
    if day < timezone.localdate():
        raise ApplicationError(_("Day: a past day is not planned."), field="day")
    centre = ChairCentre.objects.select_for_update().get(pk=centre.pk)
    if not centre.is_active:
        raise ApplicationError(_("Centre: this centre's chairs are not planned."), field="centre")
    latest = ChairPlan.objects.filter(centre=centre, day=day).order_by("-version").first()
    previous: dict[str, tuple[str, int]] = {}
    if latest is not None:
        previous = {
            str(activity_id): (str(resource_id), start)
            for activity_id, resource_id, start in latest.sessions.values_list(
                "activity_id", "resource_id", "start"
            )
        }
    activities = day_sessions(centre, day)
    busy = _other_appointments(activities, day, centre)
    demands = [
        _demand_of(a, busy.get(a.patient_id, []), previous.get(str(a.pk)), day) for a in activities
    ]
    # Chairs in the order the page shows them (natural: "Fauteuil 2" before "Fauteuil 10"): the
    # first free one of the list takes the next session, so the day fills chairs 1, 2, 3…
    resources = sorted(
        Resource.objects.filter(centre=centre, is_active=True),
        key=lambda r: (r.kind, natural_key(r.name)),
    )
    result = rules.schedule(
        _centre_of(centre),
        [rules.Resource(str(r.pk), r.kind) for r in resources],
        demands,
        time_limit=config.chair_time_limit(),
        seed=seed,
    )
    top = ChairPlan.objects.filter(centre=centre, day=day).aggregate(top=Max("version"))["top"]
    plan = ChairPlan.objects.create(
        centre=centre,
        day=day,
        version=(top or 0) + 1,
        based_on=latest,
        created_by=actor,
        rules_version=config.chairs_rules_version(),
        seed=seed,
        solver_status=result.status,
        gap=round(result.gap, 6),
        change=_("Re-planned from version %(version)s") % {"version": latest.version}
        if latest
        else _("Built from the pathway activities"),
    )
    by_key = {str(a.pk): a for a in activities}
    demand_of = {d.key: d for d in demands}
    resource_of = {str(r.pk): r for r in resources}
    ChairSession.objects.bulk_create(
        [
            ChairSession(
                plan=plan,
                resource=resource_of[a.resource],
                activity=by_key[a.demand],
                patient_id=by_key[a.demand].patient_id,
                start=a.start,
                end=a.end,
                ready=demand_of[a.demand].ready,
                recurring=demand_of[a.demand].recurring,
                moved=a.moved,
            )
            for a in result.assignments
        ]
    )
    ChairUnplaced.objects.bulk_create(
        [
            ChairUnplaced(
                plan=plan,
                activity=by_key[u.demand],
                patient_id=by_key[u.demand].patient_id,
                reason=u.reason,
                recurring=demand_of[u.demand].recurring,
            )
            for u in result.unplaced
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=plan,
        details={
            "centre": str(centre.pk),
            "day": day.isoformat(),
            "version": plan.version,
            "sessions": len(demands),
            "unplaced": len(result.unplaced),
            "moved": sum(1 for a in result.assignments if a.moved),
            "solver": result.status,
        },
    )
    audit_record_many(
        [
            {
                "actor": actor,
                "action": AuditAction.CREATE,
                "patient_id": patient_id,
                "obj": plan,
                "details": {"what": "chair plan", "day": day.isoformat()},
            }
            for patient_id in sorted({a.patient_id for a in activities}, key=str)
        ]
    )
    return plan


@dataclass(frozen=True)
class Published:
    """A published plan and the notes of the apps that follow it (e.g. EFS bookings placed)."""

    plan: ChairPlan
    notes: list[str] = field(default_factory=list)


@transaction.atomic
def chair_plan_publish(*, actor: User, plan: ChairPlan) -> Published:
    """Publish the draft; then the apps above planning follow it in the same transaction
    (``hooks.register_chair_plan_published``: cell therapy writes the EFS bookings' slots)."""
    _require_planner(actor, plan.centre)
    plan = ChairPlan.objects.select_for_update().select_related("centre").get(pk=plan.pk)
    newer = ChairPlan.objects.filter(
        centre_id=plan.centre_id, day=plan.day, version__gt=plan.version
    ).exists()
    published: ChairPlan = publish_version(actor=actor, plan=plan, newer_exists=newer)
    return Published(published, hooks.chair_plan_published(actor=actor, plan=published))
