"""Reads of pathways, scoped to the user's patients (care team or break-the-glass)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db.models import (
    Count,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncWeek
from django.http import Http404
from django.utils import timezone

from oncoparcours.core.models import User
from oncoparcours.core.paging import counted_ids_page
from oncoparcours.directory.selectors import organisations_of
from oncoparcours.patients.models import Patient
from oncoparcours.patients.selectors import (
    PatientAccess,
    patient_get_for_user,
    professional_for,
    visible_patient_filter,
)

from .models import (
    ActivityInstance,
    ActivityStatus,
    InstanceStatus,
    PathwayEvent,
    PathwayInstance,
    PathwayRefusal,
    PathwayTemplate,
    PhaseInstance,
    RefusalReason,
)
from .roles import roles_of

OPEN = (ActivityStatus.PLANNED, ActivityStatus.SCHEDULED)
# The columns the activity lists print (``worklist_rows``), read as values.
LIST_COLUMNS = (
    "id",
    "patient_id",
    "instance_id",
    "organisation_id",
    "assigned_to_id",
    "day",
    "version",
    "title_fr",
    "title_en",
    "kind",
    "status",
    "scheduled_for",
    "place",
    "responsible_role",
    "instance__patient_id",
    "instance__template__title_fr",
    "instance__template__title_en",
    "phase__title_fr",
    "phase__title_en",
    "assigned_to__first_name",
    "assigned_to__last_name",
    "organisation__name",
    "organisation__short_name",
)
LIST_PATIENT_COLUMNS = ("id", "birth_last_name", "used_last_name", "first_names", "birth_date")


def latest_templates() -> QuerySet[PathwayTemplate]:
    return PathwayTemplate.objects.filter(is_latest=True).order_by("title_fr")


def template_by_code(code: str) -> PathwayTemplate:
    template = PathwayTemplate.objects.filter(code=code, is_latest=True).first()
    if template is None:
        raise Http404
    return template


def patient_pathways(patient_id: uuid.UUID) -> QuerySet[PathwayInstance]:
    return (
        PathwayInstance.objects.filter(patient_id=patient_id)
        .select_related("template", "current_phase")
        .order_by("-start_date")
    )


@dataclass(frozen=True)
class InstanceAccess:
    access: PatientAccess
    instance: PathwayInstance


def instance_get_for_user(
    *, user: User, patient_id: uuid.UUID, instance_id: uuid.UUID, what: str = "pathway"
) -> InstanceAccess:
    access = patient_get_for_user(user=user, patient_id=patient_id, what=what)
    instance = (
        PathwayInstance.objects.select_related("template", "current_phase", "patient")
        .filter(pk=instance_id, patient=access.patient)
        .first()
    )
    if instance is None:
        raise Http404
    return InstanceAccess(access, instance)


def activity_of(instance: PathwayInstance, activity_id: uuid.UUID) -> ActivityInstance:
    activity = (
        ActivityInstance.objects.select_related(
            "instance", "phase", "assigned_to", "done_by", "organisation"
        )
        .filter(pk=activity_id, instance=instance)
        .first()
    )
    if activity is None:
        raise Http404
    return activity


def instance_phases(instance: PathwayInstance) -> list[PhaseInstance]:
    activities = ActivityInstance.objects.select_related(
        "assigned_to", "organisation", "done_by"
    ).order_by("due_date", "key")
    return list(
        instance.phases.prefetch_related(Prefetch("activities", queryset=activities)).order_by(
            "order"
        )
    )


def instance_events(instance: PathwayInstance, limit: int = 30) -> list[PathwayEvent]:
    return list(instance.events.select_related("actor", "activity", "phase")[:limit])


def worklist(**filters: Any) -> QuerySet[Any]:
    """Ids of the open activities of the user's patients between two dates (and the late ones
    before), in the worklist's order (``worklist_activities``'s filters)."""
    return worklist_activities(**filters).values_list("pk", flat=True)


def worklist_page(*, number: object, per_page: int, **filters: Any) -> Page:
    """One page of the worklist's activity ids (``worklist``'s filters) and their total, in one
    query (``core.paging.counted_page``)."""
    return counted_ids_page(worklist_activities(**filters), number, per_page)


def worklist_activities(
    *,
    user: User,
    scope: str,
    start: dt.date,
    end: dt.date,
    kind: str = "",
    place: str = "",
    include_late: bool = True,
) -> QuerySet[ActivityInstance]:
    """Open activities of the user's patients between two dates (and the late ones before), in
    the worklist's order."""
    activities = ActivityInstance.objects.filter(
        visible_patient_filter(user), status__in=OPEN, instance__status=InstanceStatus.ACTIVE
    )
    # Late activities (before the period) are included: a single range on the indexed day.
    last = max(end, start)
    activities = (
        activities.filter(day__lte=last)
        if include_late
        else activities.filter(day__gte=start, day__lte=last)
    )
    if scope == "mine":
        professional = professional_for(user)
        roles = roles_of(professional)
        activities = activities.filter(
            Q(assigned_to=professional)
            | Q(assigned_to__isnull=True)
            & (Q(responsible_role__in=roles) | Q(performer_role__in=roles))
        )
    if scope == "organisation":
        professional = professional_for(user)
        organisations = organisations_of(professional) if professional else []
        activities = activities.filter(organisation_id__in=organisations)
    if kind:
        activities = activities.filter(kind=kind)
    if place:
        activities = activities.filter(place=place)
    # Narrow and index-driven; the page's rows are then read by id (activities_in_order).
    # The id last: keys are unique per pathway only, and a patient may follow several pathways,
    # so without it two activities could tie and a page repeat or skip one.
    return activities.order_by("day", "patient_id", "key", "pk")


def activities_in_order(ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    """The activities with these ids, in this order, with what a list displays: the columns of
    ``LIST_COLUMNS`` and the patient's (``LIST_PATIENT_COLUMNS``) under ``"patient"``.

    Plain values, not models (issue 19): a page of 50 activities joined to their pathway,
    template, phase, organisation and professional built some 300 model instances of every
    column, most of the worklist's CPU time outside the template. The patients are read on their
    own, as the prefetch did (two small queries)."""
    rows = {
        row["id"]: row
        for row in ActivityInstance.objects.filter(pk__in=ids).order_by().values(*LIST_COLUMNS)
    }
    patients = {
        patient["id"]: patient
        for patient in Patient.objects.filter(pk__in={row["patient_id"] for row in rows.values()})
        .order_by()
        .values(*LIST_PATIENT_COLUMNS)
    }
    found = []
    for pk in ids:
        row = rows.get(pk)
        if row is not None:
            row["patient"] = patients[row["patient_id"]]
            found.append(row)
    return found


def programme_instances(*, user: User, code: str) -> QuerySet[PathwayInstance]:
    """The user's patients in a programme, with current phase, next activity and late count."""
    open_activities = ActivityInstance.objects.filter(
        instance=OuterRef("pk"), status__in=OPEN
    ).order_by("due_date", "key")
    today = timezone.localdate()
    return (
        PathwayInstance.objects.filter(visible_patient_filter(user), template__code=code)
        .select_related("patient", "template", "current_phase")
        .annotate(
            next_due=Min("activities__due_date", filter=Q(activities__status__in=OPEN)),
            next_title_fr=Subquery(open_activities.values("title_fr")[:1]),
            next_title_en=Subquery(open_activities.values("title_en")[:1]),
            late=Count(
                "activities", filter=Q(activities__status__in=OPEN, activities__due_date__lt=today)
            ),
        )
        .order_by("status", "patient__sort_name")
    )


@dataclass(frozen=True)
class InclusionWeek:
    week: dt.date
    count: int
    cumulative: int
    target_cumulative: float


def programme_figures(code: str, *, weeks: int = 26) -> dict:
    """Aggregates over every patient of the programme (no identities): statuses, weekly
    inclusions against the target, refusals by reason."""
    template = template_by_code(code)
    instances = PathwayInstance.objects.filter(template__code=code)
    statuses = dict(instances.values_list("status").annotate(n=Count("id")).order_by())
    programme = template.programme
    target = programme.get("inclusion_target")
    period = programme.get("inclusion_period_weeks")
    per_week = (target / period) if target and period else None
    first = instances.aggregate(first=Min("start_date"))["first"]
    by_week = dict(
        instances.annotate(week=TruncWeek("start_date"))
        .values_list("week")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_week = {(w.date() if isinstance(w, dt.datetime) else w): n for w, n in by_week.items()}
    today = timezone.localdate()
    this_week = today - dt.timedelta(days=today.weekday())
    rows: list[InclusionWeek] = []
    if first is not None:
        start_week = first - dt.timedelta(days=first.weekday())
        cumulative = 0
        week = start_week
        index = 0
        while week <= this_week:
            cumulative += by_week.get(week, 0)
            index += 1
            rows.append(
                InclusionWeek(
                    week,
                    by_week.get(week, 0),
                    cumulative,
                    round(per_week * index, 1) if per_week else 0.0,
                )
            )
            week += dt.timedelta(days=7)
    refusals = dict(
        PathwayRefusal.objects.filter(template_code=code)
        .values_list("reason")
        .annotate(n=Count("id"))
        .order_by()
    )
    status_labels, reason_labels = dict(InstanceStatus.choices), dict(RefusalReason.choices)
    return {
        "template": template,
        "statuses": [(status_labels.get(k, k), n) for k, n in sorted(statuses.items())],
        "total": sum(statuses.values()),
        "weeks": rows[-weeks:],
        "target_total": target,
        "target_weeks": period,
        "weekly_range": programme.get("weekly_inclusions"),
        "refusals": [(reason_labels.get(k, k), n) for k, n in sorted(refusals.items())],
        "refusal_total": sum(refusals.values()),
    }


def programme_refusals(*, user: User, code: str) -> QuerySet[PathwayRefusal]:
    return (
        PathwayRefusal.objects.filter(visible_patient_filter(user), template_code=code)
        .select_related("patient", "recorded_by")
        .order_by("-recorded_on")
    )


def week_activities(user: User, limit: int = 8) -> tuple[int, int, list[dict[str, Any]]]:
    """For the home page: open activities due for me in the next 7 days, and late ones."""
    today = timezone.localdate()
    ids = worklist(user=user, scope="mine", start=today, end=today + dt.timedelta(days=6))
    counts = ids.order_by().aggregate(
        count=Count("pk"), late=Count("pk", filter=Q(day__lt=today))
    )  # one pass for both figures
    return counts["count"], counts["late"], activities_in_order(list(ids[:limit]))


# Parameters a template derives from another one (``derived:``) carry no label in the template
# files; a loaded template version never changes, so their labels live here.
DERIVED_PARAMETER_LABELS = {
    "manufacturing_days": {"fr": "Durée de fabrication (jours)", "en": "Manufacturing (days)"},
    "monitoring_days": {
        "fr": "Surveillance quotidienne après injection (jours)",
        "en": "Daily monitoring after infusion (days)",
    },
    "cycles": {"fr": "Nombre de cycles", "en": "Number of cycles"},
    "course_weeks": {"fr": "Durée du traitement (semaines)", "en": "Course length (weeks)"},
}


def parameter_labels(template: PathwayTemplate) -> dict[str, dict[str, str]]:
    """Every parameter of a template, chosen or derived, with its ``{fr, en}`` label."""
    labels = {
        name: DERIVED_PARAMETER_LABELS[name]
        for name in template.definition.get("derived", {}) or {}
        if name in DERIVED_PARAMETER_LABELS
    }
    labels.update({name: spec["label"] for name, spec in template.parameters.items()})
    return labels


def followed_template_codes(patient_id: uuid.UUID) -> set[str]:
    """The pathways the patient follows now (active or paused): not applied a second time."""
    return set(
        PathwayInstance.objects.filter(
            patient_id=patient_id, status__in=(InstanceStatus.ACTIVE, InstanceStatus.PAUSED)
        ).values_list("template__code", flat=True)
    )
