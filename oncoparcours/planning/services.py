"""Writes of tour plans: build a draft from the day's worklist, publish it, and re-plan a published
plan as a new version changing as little as possible — a visit cancelled, a nurse absent, visits
added to the worklist since (insertion only: the other tours keep their order). Atomic, audited."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record, audit_record_many
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.directory.models import ProfessionalQualification
from oncoparcours.pathways.models import ActivityInstance, Place
from oncoparcours.pathways.selectors import worklist
from oncoparcours.patients.models import CareTeamMember, CareTeamRole

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
REASON_MAX = 300


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
        .select_related("patient", "instance__template")
        .order_by("patient__sort_name", "key")
    )


def nurses_needed(activity: ActivityInstance) -> int:
    """How many nurses the activity's template asks for (``nurses: 2``: double-staffed)."""
    definition = activity.instance.template.definition or {}
    for phase in definition.get("phases") or []:
        for entry in phase.get("activities") or []:
            if entry.get("id") == activity.template_activity:
                return 2 if entry.get("nurses") == 2 else 1
    return 1


def preferred_nurses(patient_ids: Iterable[uuid.UUID], day: dt.date) -> dict[uuid.UUID, TourNurse]:
    """Each patient's preferred tour nurse: the liberal nurse of the care team on the day (the
    lead one first, then the earliest), when she takes tours."""
    members = (
        CareTeamMember.objects.filter(
            patient_id__in=set(patient_ids), role=CareTeamRole.LIBERAL_NURSE, start__lte=day
        )
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .order_by("-is_lead", "start", "pk")
    )
    nurses = TourNurse.objects.in_bulk(
        [m.professional_id for m in members], field_name="professional_id"
    )
    preferred: dict[uuid.UUID, TourNurse] = {}
    for member in members:
        nurse = nurses.get(member.professional_id)
        if nurse is not None and member.patient_id not in preferred:
            preferred[member.patient_id] = nurse
    return preferred


def _visit_of(
    activity: ActivityInstance, preferred: dict[uuid.UUID, TourNurse] | None = None
) -> rules.Visit | None:
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
    nurse = (preferred or {}).get(activity.patient_id)
    return rules.Visit(
        key=str(activity.pk),
        place=(patient.latitude, patient.longitude),
        duration=duration,
        window=window,
        qualifications=frozenset(activity.qualifications or []),
        preferred=str(nurse.pk) if nurse else None,
        nurses=nurses_needed(activity),
    )


def _visits_of(
    activities: list[ActivityInstance], preferred: dict[uuid.UUID, TourNurse]
) -> tuple[list[rules.Visit], list[ActivityInstance]]:
    """The activities as visits, and those that cannot be one (no address)."""
    visits, missing = [], []
    for activity in activities:
        visit = _visit_of(activity, preferred)
        if visit is None:
            missing.append(activity)
        else:
            visits.append(visit)
    return visits, missing


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


def _store_tour(
    plan: TourPlan,
    nurse: TourNurse,
    tour: rules.Tour,
    visits: dict[str, rules.Visit],
    kept: bool = False,
    holders: dict[str, list[str]] | None = None,
) -> Tour:
    """Store a timed tour. ``holders`` (visit → nurses of the whole plan) names the partner of a
    double visit when the tour was re-planned alone (the rules then saw one of its nurses)."""
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

    def partner(stop: rules.Stop) -> str | None:
        if holders is None or stop.visit not in holders:
            return stop.partner
        return next((key for key in holders[stop.visit] if key != str(nurse.pk)), None)

    def preferred(stop: rules.Stop) -> str | None:
        missed = stop.preferred_missed
        if holders is not None and stop.visit in holders and stop.visit in visits:
            missed = visits[stop.visit].preferred not in (None, *holders[stop.visit])
        return visits[stop.visit].preferred if missed else None

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
                partner_id=uuid.UUID(p) if (p := partner(stop)) else None,
                preferred_unavailable_id=uuid.UUID(q) if (q := preferred(stop)) else None,
            )
            for index, stop in enumerate(tour.stops, start=1)
        ]
    )
    return row


def _copy_tour(new: TourPlan, tour: Tour) -> Tour:
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
                partner_id=v.partner_id,
                preferred_unavailable_id=v.preferred_unavailable_id,
            )
            for v in tour.visits.all()
        ]
    )
    return copy


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
    by_key = {str(activity.pk): activity for activity in activities}
    preferred = preferred_nurses({a.patient_id for a in activities}, day)
    visits, missing = _visits_of(activities, preferred)
    result = rules.plan_tours(
        [_nurse_of(nurse, day) for nurse in nurses], visits, config.travel_model(), seed=seed
    )
    nurse_by_key = {str(nurse.pk): nurse for nurse in nurses}
    visit_by_key = {visit.key: visit for visit in visits}
    for tour in result.tours:
        _store_tour(plan, nurse_by_key[tour.nurse], tour, visit_by_key)
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


# --- Re-planning a published plan (a new published version) --------------------------------------


def _clean_reason(reason: str | None, empty: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(empty, field="reason")
    if len(reason) > REASON_MAX:
        raise ApplicationError(_("Keep the reason under 300 characters."), field="reason")
    return reason


def _latest_published(plan: TourPlan, refused: str) -> TourPlan:
    plan = TourPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.PUBLISHED:
        raise ApplicationError(refused, field="plan")
    if TourPlan.objects.filter(day=plan.day, version__gt=plan.version).exists():
        raise ApplicationError(_("A newer version of this day's plan exists."), field="version")
    return plan


class _Current:
    """A published plan read back as the rules see it: each nurse's visits in order (a double
    visit fixed at its stored start), with the activities and the preferred nurses."""

    def __init__(self, plan: TourPlan) -> None:
        self.plan = plan
        self.tours = {
            str(t.nurse_id): t
            for t in plan.tours.select_related("nurse").prefetch_related("visits")
        }
        rows = [v for t in self.tours.values() for v in t.visits.all()]
        waiting = list(plan.unassigned.all())
        ids = {v.activity_id for v in rows} | {u.activity_id for u in waiting}
        self.activities = {
            str(a.pk): a
            for a in ActivityInstance.objects.select_related(
                "patient", "instance__template"
            ).filter(pk__in=ids)
        }
        self.preferred = preferred_nurses(
            {a.patient_id for a in self.activities.values()}, plan.day
        )
        self.visits: dict[str, rules.Visit] = {}
        self.holders: dict[str, list[str]] = {}
        for row in rows:
            self.holders.setdefault(str(row.activity_id), []).append(str(row.tour.nurse_id))
        self.routes: dict[str, list[rules.Visit]] = {}
        for key, tour in self.tours.items():
            sequence = []
            for row in sorted(tour.visits.all(), key=lambda v: v.order):
                visit = self.visit(str(row.activity_id))
                if visit is None:  # the address was removed since: kept where it was, with
                    # what it needs (qualifications, nurses) so that no re-plan forgets them
                    activity = self.activities[str(row.activity_id)]
                    visit = rules.Visit(
                        str(row.activity_id),
                        (row.latitude, row.longitude),
                        row.end - row.start,
                        (row.start, row.start),
                        qualifications=frozenset(activity.qualifications or []),
                        nurses=nurses_needed(activity),
                    )
                if len(self.holders[visit.key]) > 1:
                    visit = visit.at(row.start)
                sequence.append(visit)
            self.routes[key] = sequence
        self.waiting = waiting

    def visit(self, key: str) -> rules.Visit | None:
        if key not in self.visits:
            found = _visit_of(self.activities[key], self.preferred)
            if found is None:
                return None
            self.visits[key] = found
        return self.visits[key]


def _new_version(plan: TourPlan, actor: User, change: str) -> TourPlan:
    new = TourPlan.objects.create(
        day=plan.day,
        version=plan.version + 1,
        based_on=plan,
        created_by=actor,
        rules_version=config.rules_version(),
        seed=plan.seed,
        change=change[:REASON_MAX],
    )
    new.absent_nurses.set(plan.absent_nurses.all())
    return new


def _publish_now(new: TourPlan, actor: User) -> None:
    new.status = PlanStatus.PUBLISHED
    new.published_at = timezone.now()
    new.published_by = actor
    new.save(update_fields=["status", "published_at", "published_by", "updated_at"])


def _store_replan(
    new: TourPlan,
    current: _Current,
    result: rules.Plan,
    changed: set[str],
    nurses: dict[str, TourNurse],
    dropped: Iterable[str] = (),
) -> None:
    """Tours not changed are copied as they were (``kept``); the changed ones are stored as the
    rules timed them. Tours of nurses in ``dropped`` are not carried over."""
    visits = dict(current.visits)
    for tour in result.tours:
        for stop in tour.stops:
            if stop.visit not in visits:
                found = current.visit(stop.visit)
                if found is not None:
                    visits[stop.visit] = found
    for tour in result.tours:
        stored = current.tours.get(tour.nurse)
        if tour.nurse not in changed and stored is not None:
            _copy_tour(new, stored)
        else:
            _store_tour(new, nurses[tour.nurse], tour, visits)
    for key, stored in current.tours.items():
        if key in dropped or key in changed or result.tour_of(key) is not None:
            continue
        _copy_tour(new, stored)


def _carry_unassigned(
    new: TourPlan, current: _Current, placed: set[str], rows: list[UnassignedVisit]
) -> None:
    """The previous version's unassigned visits not placed now, then the new rows."""
    fresh = {str(r.activity_id) for r in rows}
    carried = [
        UnassignedVisit(
            plan=new,
            activity_id=u.activity_id,
            patient_id=u.patient_id,
            reason=u.reason,
            note=u.note,
        )
        for u in current.waiting
        if str(u.activity_id) not in placed and str(u.activity_id) not in fresh
    ]
    UnassignedVisit.objects.bulk_create(carried + rows)


def _present_nurses(plan: TourPlan, *, also_absent: TourNurse | None = None) -> list[TourNurse]:
    absent = set(plan.absent_nurses.values_list("pk", flat=True))
    if also_absent is not None:
        absent.add(also_absent.pk)
    with_tour = set(plan.tours.values_list("nurse_id", flat=True))
    return [
        nurse
        for nurse in TourNurse.objects.filter(Q(is_active=True) | Q(pk__in=with_tour))
        if nurse.pk not in absent
    ]


def _placed(result: rules.Plan) -> set[str]:
    return {stop.visit for tour in result.tours for stop in tour.stops}


@transaction.atomic
def visit_cancel(*, actor: User, plan: TourPlan, activity_id: uuid.UUID, reason: str) -> TourPlan:
    """A new published version of the day's plan without this visit: the tour(s) that had it are
    re-timed (their other visits kept in order) and take the day's unassigned visits they now have
    room for; every other tour is copied unchanged — unless it shares a double visit that had to
    leave a re-timed tour, or holds a visit its nurse is no longer qualified for (the visit then
    leaves it, is listed, and the tour is re-timed)."""
    _require_planner(actor)
    reason = _clean_reason(reason, _("Say why the visit is cancelled."))
    plan = _latest_published(plan, _("Only a published plan's visits are cancelled."))
    current = _Current(plan)
    key = str(activity_id)
    affected = current.holders.get(key, [])
    if not affected:
        raise ApplicationError(_("This visit is not in a tour of this plan."), field="activity")
    cancelled = current.activities[key]
    new = _new_version(plan, actor, _("Visit cancelled: %(reason)s") % {"reason": reason})
    day = plan.day
    nurse_rows = {k: t.nurse for k, t in current.tours.items()}
    routes = {k: [v for v in seq if v.key != key] for k, seq in current.routes.items()}
    waiting = [
        v
        for u in current.waiting
        if u.reason != UnassignedReason.CANCELLED
        for v in [current.visit(str(u.activity_id))]
        if v is not None
    ]
    # Every tour is checked (a double visit shared with a re-planned tour, a qualification
    # lapsed since), but only the affected tours take waiting visits; a tour whose visits stay
    # the same is copied as it was.
    result, changed = rules.insert_visits(
        [_nurse_of(nurse_rows[k], day) for k in sorted(nurse_rows)],
        routes,
        waiting,
        config.travel_model(),
        open_to=set(affected),
    )
    changed |= set(affected)
    _store_replan(new, current, result, changed, nurse_rows)
    placed = _placed(result)
    # Visits of the previous version's tours now out of every tour get a row with the reason;
    # waiting visits not placed keep their previous reason.
    rows = [
        UnassignedVisit(
            plan=new,
            activity=cancelled,
            patient_id=cancelled.patient_id,
            reason=UnassignedReason.CANCELLED,
            note=reason,
        )
    ]
    remaining = {v.key for k in changed for v in routes.get(k, [])}
    rows += [
        UnassignedVisit(
            plan=new,
            activity_id=uuid.UUID(u.visit),
            patient_id=current.activities[u.visit].patient_id,
            reason=u.reason,
        )
        for u in result.unassigned
        if u.visit in current.holders and u.visit != key and u.visit not in placed
    ]
    _carry_unassigned(new, current, placed, rows)
    _publish_now(new, actor)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=cancelled.patient_id,
        obj=new,
        reason=reason,
        details={
            "cancelled": key,
            "replanned_tour_nurse": ",".join(sorted(changed)),
            "from_version": plan.version,
            "version": new.version,
        },
    )
    _audit_patients(
        actor,
        new,
        {current.activities[v].patient_id for v in remaining | placed},
        "re-plan",
    )
    return new


@transaction.atomic
def nurse_absent(*, actor: User, plan: TourPlan, nurse: TourNurse, reason: str) -> TourPlan:
    """A new published version without this nurse: only her visits are given to the others, by
    insertion into their tours (each keeps her visits in order). A double visit she shared keeps
    its other nurse and start, and gets a new second nurse — or leaves both tours. Visits no tour
    can take are listed with the reason."""
    _require_planner(actor)
    reason = _clean_reason(reason, _("Reason: say why the nurse is absent."))
    plan = _latest_published(plan, _("Plan: only a published plan is re-planned."))
    if plan.absent_nurses.filter(pk=nurse.pk).exists():
        raise ApplicationError(
            _("Nurse: this nurse is already absent in this plan."), field="nurse"
        )
    current = _Current(plan)
    absent_key = str(nurse.pk)
    present = _present_nurses(plan, also_absent=nurse)
    rows_by_key = {str(n.pk): n for n in present}
    moved: list[rules.Visit] = []
    seconds: dict[str, str] = {}
    no_address: list[str] = []
    for visit in current.routes.get(absent_key, []):
        partners = [k for k in current.holders[visit.key] if k != absent_key]
        if partners and partners[0] in rows_by_key:
            seconds[visit.key] = partners[0]
        else:
            found = current.visit(visit.key)
            if found is not None:
                moved.append(found)
            else:  # the patient's home lost its coordinates since: listed, not dropped
                no_address.append(visit.key)
    routes = {k: seq for k, seq in current.routes.items() if k != absent_key}
    name = str(nurse)
    new = _new_version(
        plan, actor, _("%(nurse)s absent: %(reason)s") % {"nurse": name, "reason": reason}
    )
    new.absent_nurses.add(nurse)
    result, changed = rules.insert_visits(
        [_nurse_of(n, plan.day) for n in present],
        routes,
        moved,
        config.travel_model(),
        seconds=seconds,
    )
    # The nurses keeping a double visit she shared get their new partner written down.
    changed |= {holder for key, holder in seconds.items() if key in _placed(result)}
    _store_replan(new, current, result, changed, rows_by_key, dropped={absent_key})
    placed = _placed(result)
    note = _("Absent nurse: %(reason)s") % {"reason": reason}
    rows = [
        UnassignedVisit(
            plan=new,
            activity_id=uuid.UUID(u.visit),
            patient_id=current.activities[u.visit].patient_id,
            reason=UnassignedReason.NURSE_ABSENT if u.reason == rules.NO_ROOM else u.reason,
            note=note[:REASON_MAX],
        )
        for u in result.unassigned
    ] + [
        UnassignedVisit(
            plan=new,
            activity_id=uuid.UUID(key),
            patient_id=current.activities[key].patient_id,
            reason=UnassignedReason.NO_ADDRESS,
            note=note[:REASON_MAX],
        )
        for key in no_address
    ]
    _carry_unassigned(new, current, placed, rows)
    _publish_now(new, actor)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=new,
        reason=reason,
        details={
            "absent_nurse": absent_key,
            "redistributed": sorted(v.key for v in current.routes.get(absent_key, [])),
            "changed_tours": sorted(changed),
            "from_version": plan.version,
            "version": new.version,
        },
    )
    _audit_patients(
        actor,
        new,
        {current.activities[v.key].patient_id for v in current.routes.get(absent_key, [])},
        "re-plan",
    )
    return new


@transaction.atomic
def visits_add(*, actor: User, plan: TourPlan) -> TourPlan:
    """A new published version with the visits added to the day's worklist since this plan:
    each is inserted where it adds the least (the published tours keep their visits in order);
    those no tour can take are listed with the reason."""
    _require_planner(actor)
    plan = _latest_published(plan, _("Plan: only a published plan takes added visits."))
    current = _Current(plan)
    known = set(current.holders) | {str(u.activity_id) for u in current.waiting}
    added = [a for a in day_activities(actor=actor, day=plan.day) if str(a.pk) not in known]
    if not added:
        raise ApplicationError(
            _("Plan: no visit was added to the day's worklist since this version."), field="plan"
        )
    preferred = {**current.preferred, **preferred_nurses({a.patient_id for a in added}, plan.day)}
    visits, missing = _visits_of(added, preferred)
    by_added_key = {str(activity.pk): activity for activity in added}
    for visit in visits:
        current.activities[visit.key] = by_added_key[visit.key]
        current.visits[visit.key] = visit
    present = _present_nurses(plan)
    rows_by_key = {str(n.pk): n for n in present}
    new = _new_version(
        plan,
        actor,
        _("%(count)s visit(s) added to the worklist") % {"count": len(added)},
    )
    result, changed = rules.insert_visits(
        [_nurse_of(n, plan.day) for n in present],
        current.routes,
        visits,
        config.travel_model(),
    )
    _store_replan(new, current, result, changed, rows_by_key)
    placed = _placed(result)
    by_key = {str(a.pk): a for a in added}
    # The added visits not placed, and the published ones that had to leave their tour (a
    # qualification lapsed, a sequence that no longer fits).
    rows = [
        UnassignedVisit(
            plan=new,
            activity_id=uuid.UUID(u.visit),
            patient_id=current.activities[u.visit].patient_id,
            reason=u.reason,
        )
        for u in result.unassigned
        if u.visit in by_key or u.visit in current.holders
    ] + [
        UnassignedVisit(
            plan=new,
            activity=activity,
            patient_id=activity.patient_id,
            reason=UnassignedReason.NO_ADDRESS,
        )
        for activity in missing
    ]
    _carry_unassigned(new, current, placed, rows)
    _publish_now(new, actor)
    details: dict[str, Any] = {
        "added": sorted(by_key),
        "changed_tours": sorted(changed),
        "from_version": plan.version,
        "version": new.version,
    }
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=new, details=details)
    left = {current.activities[u.visit].patient_id for u in result.unassigned}
    _audit_patients(actor, new, {a.patient_id for a in added} | left, "re-plan")
    return new
