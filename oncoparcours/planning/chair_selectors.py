"""Reads of chair / machine plans, scoped to the staff of the centre: coordination nurses, EFS
care-centre staff and centre managers working there (a current membership of the organisation),
administrators everywhere. Patients are named only to their care team; every page showing a plan
writes one audit event listing the patients shown."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.french import natural_key
from oncoparcours.core.models import AuditAction, User
from oncoparcours.directory.selectors import organisations_of
from oncoparcours.patients.selectors import professional_for, visible_patient_filter

from .models import (
    ChairCentre,
    ChairPlan,
    ChairSession,
    ChairUnplaced,
    PlanStatus,
    Resource,
    hhmm,
)

CHAIR_PLANNERS = frozenset({"coordination_nurse", "efs_staff", "centre_manager"})


def may_plan_chairs(user: User) -> bool:
    """The user's role plans chairs (in the centres she works in)."""
    return user.is_authenticated and (user.role in CHAIR_PLANNERS or user.role == "administrator")


def chair_centres_for(user: User) -> QuerySet[ChairCentre]:
    """The centres whose chairs the user plans: those of the organisations she works in."""
    centres = ChairCentre.objects.filter(is_active=True).select_related("organisation")
    if not user.is_authenticated:
        return centres.none()
    if user.role == "administrator":
        return centres
    if user.role not in CHAIR_PLANNERS:
        return centres.none()
    professional = professional_for(user)
    if professional is None:
        return centres.none()
    return centres.filter(organisation_id__in=organisations_of(professional))


def can_plan_chairs(user: User, centre: ChairCentre) -> bool:
    return chair_centres_for(user).filter(pk=centre.pk).exists()


def centre_for_user(user: User, centre_id: uuid.UUID | None) -> ChairCentre | None:
    """The chosen centre if the user plans it, else her first one (None: she plans none)."""
    centres = chair_centres_for(user)
    if centre_id is not None:
        chosen = centres.filter(pk=centre_id).first()
        if chosen is not None:
            return chosen
    return centres.first()


def centre_among(centres: list[ChairCentre], centre_id: uuid.UUID | None) -> ChairCentre | None:
    """``centre_for_user`` on the user's centres already read (in the model's order, by name):
    the chosen one if she plans it, else her first one."""
    chosen = next((c for c in centres if c.pk == centre_id), None)
    return chosen or (centres[0] if centres else None)


def centre_plans(centre: ChairCentre, day: dt.date) -> QuerySet[ChairPlan]:
    return ChairPlan.objects.filter(centre=centre, day=day).order_by("-version")


def day_plans(centre: ChairCentre, day: dt.date) -> list[ChairPlan]:
    """Every version of the centre's plan for the day, newest first, each knowing its centre."""
    plans = list(centre_plans(centre, day))
    for plan in plans:
        plan.centre = centre  # the row just read: no query per plan for it
    return plans


@dataclass
class Bar:
    """A session on a resource's line (a table cell spanning its slots)."""

    session: ChairSession
    label: str
    visible: bool
    span: int = 1


@dataclass
class Cell:
    """One cell of a line: a session spanning ``span`` slots, or a free slot (``start``)."""

    start: int
    bar: Bar | None = None
    span: int = 1


@dataclass
class Line:
    resource: Resource
    bars: list[Bar] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)


@dataclass
class PlanView:
    plan: ChairPlan
    lines: list[Line]
    unplaced: list[tuple[ChairUnplaced, bool]]
    hours: list[tuple[str, int]]  # hour marks: label, slots spanned
    placed: int


def _cells(line: Line, opens: int, closes: int, slot: int) -> list[Cell]:
    cells = []
    by_start = {bar.session.start: bar for bar in line.bars}
    moment = opens
    while moment < closes:
        bar = by_start.get(moment)
        if bar is None:
            cells.append(Cell(moment))
            moment += slot
            continue
        end = min(closes, opens + -(-(bar.session.end - opens) // slot) * slot)
        bar.span = max(1, (end - moment) // slot)
        cells.append(Cell(moment, bar, bar.span))
        moment = end
    return cells


def _hours(opens: int, closes: int, slot: int) -> list[tuple[str, int]]:
    marks = []
    moment = opens
    while moment < closes:
        following = min(closes, (moment // 60 + 1) * 60)
        marks.append((hhmm(moment), max(1, -(-(following - moment) // slot))))
        moment = following
    return marks


def _label(visible: bool, patient_label: str, title: str) -> str:
    return f"{patient_label} — {title}" if visible else f"{_('Patient')} — {title}"


def plan_view(*, user: User, plan: ChairPlan) -> PlanView:
    """The plan as a Gantt-like table: one line per chair / machine. A constant number of
    queries whatever the size of the day."""
    centre = plan.centre
    slot = centre.slot_minutes
    sessions = list(
        plan.sessions.select_related("patient", "activity", "resource").order_by("start")
    )
    unplaced = list(plan.unplaced.select_related("patient", "activity").order_by("reason"))
    patient_ids = {s.patient_id for s in sessions} | {u.patient_id for u in unplaced}
    visible = set(
        ChairSession.objects.filter(plan=plan)
        .filter(visible_patient_filter(user))
        .values_list("patient_id", flat=True)
    ) | set(
        ChairUnplaced.objects.filter(plan=plan)
        .filter(visible_patient_filter(user))
        .values_list("patient_id", flat=True)
    )
    resources = sorted(centre.resources.all(), key=lambda r: (r.kind, natural_key(r.name)))
    lines = {r.pk: Line(r) for r in resources}
    for s in sessions:
        shown = s.patient_id in visible
        lines[s.resource_id].bars.append(
            Bar(session=s, label=_label(shown, s.patient.label, s.activity.title), visible=shown)
        )
    for line in lines.values():
        line.cells = _cells(line, centre.opens, centre.closes, slot)
    hours = _hours(centre.opens, centre.closes, slot)
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        obj=plan,
        details={
            "what": "chair plan",
            "patients": sorted(str(p) for p in patient_ids & visible),
            "masked": len(patient_ids - visible),
        },
    )
    return PlanView(
        plan=plan,
        lines=[line for line in lines.values() if line.resource.is_active or line.bars],
        unplaced=[(u, u.patient_id in visible) for u in unplaced],
        hours=hours,
        placed=len(sessions),
    )


def latest_published(centre: ChairCentre, day: dt.date) -> ChairPlan | None:
    return centre_plans(centre, day).filter(status=PlanStatus.PUBLISHED).first()
