"""The demo CAR-T pathway follows its order: what the order steps do not record (the lab test
before the apheresis; the lymphodepletion, the admission and the neurology review before the
thaw) is done by the team before the step that needs it, so each step completes its pathway
activity on the custody event's day; after the last step the past activities of the phases the
product has reached are done on their day, and the phases start and end with them. Nothing of
the past stays open: a team's worklist shows what is due, not the demo's gaps."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from oncoparcours.celltherapy.models import CarTOrder
from oncoparcours.celltherapy.rules.lifecycle import PATHWAY_ACTIVITY
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import User
from oncoparcours.pathways.models import (
    ActivityInstance,
    ActivityStatus,
    InstanceStatus,
    PathwayInstance,
    PhaseStatus,
)
from oncoparcours.pathways.services import activity_transition
from oncoparcours.pathways.services.redating import redate

OPEN = (ActivityStatus.PLANNED, ActivityStatus.SCHEDULED)
ORDER_LINKED = {key for keys in PATHWAY_ACTIVITY.values() for key in keys}
# Activities recorded by the teams, not by an order step: days before the step that needs them
# (a recurring one, e.g. the three days of lymphodepletion, on the following days).
BEFORE_STEP: dict[str, dict[str, int]] = {
    "collected": {"pre-apheresis-lab": 1},
    "thawed": {"lymphodepletion": 5, "admission": 1, "neurology-review": 1},
}


def _done(activity: ActivityInstance, on: dt.date, actor: User) -> bool:
    try:
        activity_transition(
            activity=activity,
            to=ActivityStatus.DONE,
            actor=actor,
            on=min(on, timezone.localdate()),
        )
    except ApplicationError:
        return False  # blocked by an activity left open on purpose: it stays as it is
    return True


def before_step(order: CarTOrder, step: str, moment: dt.datetime, actor: User) -> None:
    """Do what the step needs first, dated before it."""
    if order.pathway_instance is None:
        return
    day = timezone.localdate(moment)
    for key, days in BEFORE_STEP.get(step, {}).items():
        activities = order.pathway_instance.activities.filter(
            template_activity=key, status__in=OPEN
        ).order_by("occurrence")
        for index, activity in enumerate(activities):
            _done(activity, day - dt.timedelta(days=days - index), actor)


def catch_up(order: CarTOrder, actor: User) -> None:
    """After the order's last step: the past activities of the phases reached are done on their
    day (the order's own steps were recorded by the order), then the phases follow."""
    if order.pathway_instance_id is None:
        return
    instance = PathwayInstance.objects.get(pk=order.pathway_instance_id)
    if instance.status != InstanceStatus.ACTIVE:
        return  # ended with a cancelled order
    today = timezone.localdate()
    reached = (
        instance.activities.filter(template_activity__in=ORDER_LINKED, status=ActivityStatus.DONE)
        .order_by("-phase__order")
        .values_list("phase__order", flat=True)
        .first()
    ) or 0
    for activity in (
        instance.activities.filter(status__in=OPEN, phase__order__lte=reached)
        .exclude(template_activity__in=ORDER_LINKED)
        .order_by("due_date", "key")
    ):
        activity.refresh_from_db()
        if activity.status in OPEN and activity.due_date < today:
            _done(activity, activity.due_date, actor)
    _phases(instance, actor)


def _phases(instance, actor: User) -> None:
    """A phase whose activities are all done ended on its last one's day; the next one is the
    current phase, started then; the later ones are pending."""
    phases = list(instance.phases.order_by("order"))
    cursor = instance.start_date
    current = None
    for phase in phases:
        activities = list(phase.activities.values_list("status", "done_on"))
        finished = all(status not in OPEN for status, _on in activities)
        if current is None:
            phase.started_on = cursor
            if finished and activities and phase is not phases[-1]:
                cursor = max([on for _s, on in activities if on] or [cursor])
                phase.completed_on, phase.status = cursor, PhaseStatus.COMPLETED
            else:
                phase.completed_on, phase.status, current = None, PhaseStatus.ACTIVE, phase
        else:
            phase.started_on, phase.completed_on, phase.status = None, None, PhaseStatus.PENDING
        phase.save(update_fields=["started_on", "completed_on", "status"])
    instance.current_phase = current
    instance.save(update_fields=["current_phase"])
    redate(instance, actor=actor, cause="demo history")
