"""Bridge between stored activities and the pure re-dating rules."""

from __future__ import annotations

from oncoparcours.core.models import User

from ..models import ActivityInstance, PathwayEvent, PathwayInstance
from ..rules.dates import Offset
from ..rules.scheduling import ActivityState, Anchor, PhaseState, Timeline, recompute


def timeline_of(instance: PathwayInstance, activities: list[ActivityInstance]) -> Timeline:
    phases = [
        PhaseState(
            key=phase.key,
            order=phase.order,
            duration=Offset(phase.duration_months, phase.duration_days + phase.pause_days),
            started_on=phase.started_on,
            completed_on=phase.completed_on,
        )
        for phase in instance.phases.all()
    ]
    phase_keys: dict[object, str] = {phase.pk: phase.key for phase in instance.phases.all()}
    keys: dict[object, str] = {activity.pk: activity.key for activity in activities}
    states = {}
    for activity in activities:
        anchor: Anchor
        if activity.anchor_kind == "activity":
            anchor = ("activity", keys.get(activity.anchor_activity_id))
        elif activity.anchor_kind in {"phase_start", "phase_end"}:
            anchor = (activity.anchor_kind, phase_keys.get(activity.anchor_phase_id))
        else:
            anchor = ("pathway", None)
        states[activity.key] = ActivityState(
            key=activity.key,
            anchor=anchor,
            offset=Offset(activity.offset_months, activity.offset_days),
            due=activity.due_date,
            status=activity.status,
            shift_days=activity.shift_days,
            done_on=activity.done_on,
            scheduled_on=activity.display_date if activity.status == "scheduled" else None,
        )
    return Timeline(start=instance.start_date, phases=phases, activities=states)


def redate(instance: PathwayInstance, *, actor: User, cause: str) -> int:
    """Recompute the due dates of the instance's open activities; returns how many moved."""
    activities = list(instance.activities.all())
    changed = recompute(timeline_of(instance, activities))
    if not changed:
        return 0
    moved = []
    for activity in activities:
        if activity.key in changed:
            activity.due_date = changed[activity.key]
            activity.day = activity.expected_day()
            activity.version += 1
            moved.append(activity)
    ActivityInstance.objects.bulk_update(moved, ["due_date", "day", "version"])
    PathwayEvent.objects.create(
        instance=instance,
        kind="redated",
        actor=actor,
        reason=cause,
        details={"moved": len(moved), "activities": sorted(a.key for a in moved)[:50]},
    )
    return len(moved)
