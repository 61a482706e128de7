"""From a validated template, a start date and parameters to a dated plan; and re-dating a plan
when activities are done late, scheduled, or when a phase starts earlier or later than planned.

Every planned activity is anchored: to the pathway start, to the start or end of its phase, or to
another activity (recurrences are anchored to their previous occurrence). Its date is the anchor's
*effective* date (done date, else scheduled date, else planned date) plus an offset. Done,
cancelled and missed activities keep their dates: they are history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .dates import Offset
from .schema import PARAM_REF_RE

FINAL_STATUSES = frozenset({"done", "cancelled", "missed"})
MAX_OCCURRENCES = 400  # a guard: 2 years of weekly visits is ~104


class ParameterError(ValueError):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


Anchor = tuple[str, str | None]  # ("pathway"|"phase_start"|"phase_end"|"activity", reference)


@dataclass(frozen=True)
class PlannedPhase:
    key: str
    order: int
    duration: Offset
    start: dt.date
    end: dt.date
    spec: dict[str, Any]


@dataclass
class PlannedActivity:
    key: str
    activity_id: str
    occurrence: int  # 1-based
    phase_key: str
    anchor: Anchor
    offset: Offset
    due: dt.date
    spec: dict[str, Any]
    depends_on: list[str] = field(default_factory=list)
    delay_days: int | None = None
    delay_from: Anchor | None = None


@dataclass(frozen=True)
class Plan:
    phases: list[PlannedPhase]
    activities: list[PlannedActivity]
    parameters: dict[str, Any]


def resolve_parameters(template: dict[str, Any], given: dict[str, Any] | None) -> dict[str, Any]:
    """Defaults completed by the given values; each value checked. Raises ParameterError."""
    specs = template.get("parameters", {}) or {}
    given = dict(given or {})
    problems: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in given:
        if name not in specs:
            problems[name] = "unknown parameter"
    for name, spec in specs.items():
        value = given.get(name, spec["default"])
        kind = spec["type"]
        if kind == "choice":
            choices = spec["choices"]
            if value not in choices:
                coerced = next((c for c in choices if str(c) == str(value)), None)
                if coerced is None:
                    problems[name] = f"must be one of {', '.join(map(str, choices))}"
                value = coerced
        elif kind == "integer":
            try:
                value = int(value)
            except (TypeError, ValueError):
                problems[name] = "must be a whole number"
            else:
                too_low = "min" in spec and value < spec["min"]
                if too_low or ("max" in spec and value > spec["max"]):
                    problems[name] = f"must be between {spec.get('min')} and {spec.get('max')}"
        elif kind == "boolean":
            if isinstance(value, str):
                value = value.lower() in {"1", "true", "on", "yes", "oui"}
            value = bool(value)
        values[name] = value
    if problems:
        raise ParameterError(problems)
    for name, spec in (template.get("derived", {}) or {}).items():
        # Stored templates are JSON: a numeric choice (21) is then the key "21".
        table, choice = spec["values"], values[spec["from"]]
        values[name] = int(table[choice] if choice in table else table[str(choice)])
    return values


def _resolve(value: Any, parameters: dict[str, Any]) -> Any:
    if isinstance(value, str):
        match = PARAM_REF_RE.match(value)
        if match:
            return parameters[match.group(1)]
    return value


def _offset(spec: dict[str, Any] | None, parameters: dict[str, Any]) -> Offset:
    spec = spec or {}
    return Offset.from_spec({unit: _resolve(amount, parameters) for unit, amount in spec.items()})


def expand(template: dict[str, Any], *, start: dt.date, parameters: dict[str, Any]) -> Plan:
    """The dated plan of a template applied on ``start`` with resolved ``parameters``."""
    phases: list[PlannedPhase] = []
    cursor = start
    for order, phase in enumerate(template["phases"]):
        duration = _offset(phase["duration"], parameters)
        end = duration.apply(cursor)
        phases.append(PlannedPhase(phase["id"], order, duration, cursor, end, phase))
        cursor = end
    phase_by_key = {phase.key: phase for phase in phases}
    specs: dict[str, tuple[str, dict[str, Any]]] = {}
    for phase in template["phases"]:
        for activity in phase["activities"]:
            when = activity.get("when")
            if when is not None and not _resolve(when, parameters):
                continue
            specs[activity["id"]] = (phase["id"], activity)

    first_due: dict[str, dt.date] = {}

    def anchor_of(activity: dict[str, Any], phase_key: str) -> Anchor:
        after = activity["start"]["after"]
        if after == "pathway_start":
            return ("pathway", None)
        if after in {"phase_start", "phase_end"}:
            return (after, phase_key)
        return ("activity", after)

    def base_date(anchor: Anchor) -> dt.date:
        kind, reference = anchor
        if kind == "pathway":
            return start
        if kind == "phase_start":
            return phase_by_key[reference].start  # type: ignore[index]
        if kind == "phase_end":
            return phase_by_key[reference].end  # type: ignore[index]
        return due_of(reference)  # type: ignore[arg-type]

    def due_of(activity_id: str) -> dt.date:
        if activity_id not in first_due:
            if activity_id not in specs:
                # Anchored on an activity excluded by a parameter: fall back on its phase start.
                return start
            phase_key, activity = specs[activity_id]
            offset = _offset(activity["start"].get("offset"), parameters)
            first_due[activity_id] = offset.apply(base_date(anchor_of(activity, phase_key)))
        return first_due[activity_id]

    planned: list[PlannedActivity] = []
    occurrences: dict[str, list[str]] = {}
    due_by_key: dict[str, dt.date] = {}

    def generate(activity_id: str) -> None:
        if activity_id in occurrences:
            return
        phase_key, activity = specs[activity_id]
        offset = _offset(activity["start"].get("offset"), parameters)
        anchor = anchor_of(activity, phase_key)
        if anchor[0] == "activity" and anchor[1] not in specs:
            anchor = ("phase_start", phase_key)
        recurrence = activity.get("recurrence")
        keys: list[str] = []
        if recurrence is None:
            keys.append(activity_id)
            due = due_of(activity_id)
            planned.append(
                PlannedActivity(
                    activity_id, activity_id, 1, phase_key, anchor, offset, due, activity
                )
            )
            due_by_key[activity_id] = due
        elif "follows" in recurrence:
            # One occurrence per occurrence of the followed activity, at the same offset.
            followed = recurrence["follows"]
            if followed in specs:
                generate(followed)
            for index, target in enumerate(occurrences.get(followed, []), start=1):
                key = f"{activity_id}#{index}"
                due = offset.apply(due_by_key[target])
                planned.append(
                    PlannedActivity(
                        key,
                        activity_id,
                        index,
                        phase_key,
                        ("activity", target),
                        offset,
                        due,
                        activity,
                    )
                )
                keys.append(key)
                due_by_key[key] = due
        else:
            due = due_of(activity_id)
            every = _offset(recurrence["every"], parameters)
            limit = int(_resolve(recurrence.get("count", MAX_OCCURRENCES), parameters))
            phase_end = phase_by_key[phase_key].end
            previous: str | None = None
            for occurrence in range(1, min(limit, MAX_OCCURRENCES) + 1):
                if "until" in recurrence and due >= phase_end:
                    break
                key = f"{activity_id}#{occurrence}"
                this_anchor: Anchor = anchor if previous is None else ("activity", previous)
                this_offset = offset if previous is None else every
                planned.append(
                    PlannedActivity(
                        key,
                        activity_id,
                        occurrence,
                        phase_key,
                        this_anchor,
                        this_offset,
                        due,
                        activity,
                    )
                )
                keys.append(key)
                due_by_key[key] = due
                previous = key
                due = every.apply(due)
        occurrences[activity_id] = keys

    for activity_id in specs:
        generate(activity_id)

    planned.sort(key=lambda item: (item.due, item.key))
    # Anchors and dependencies name activities; point them at concrete occurrences.
    for item in planned:
        if item.anchor[0] == "activity" and item.anchor[1] in specs:
            target = occurrences[str(item.anchor[1])]
            if target:
                item.anchor = ("activity", target[0])
        # A recurring activity depends on the same occurrence of a recurring dependency (the
        # blood test before *this* administration); a single activity on all its occurrences.
        deps: list[str] = []
        recurring = "recurrence" in item.spec
        for dependency in item.spec.get("depends_on", []) or []:
            keys = occurrences.get(dependency) or []
            if recurring and len(keys) > 1:
                if item.occurrence <= len(keys):
                    deps.append(keys[item.occurrence - 1])
            else:
                deps.extend(keys)
        item.depends_on = deps
        delay = item.spec.get("delay_target")
        if delay:
            origin = delay["from"]
            item.delay_days = int(delay["days"])
            if origin == "pathway_start":
                item.delay_from = ("pathway", None)
            elif origin in {"phase_start", "phase_end"}:
                item.delay_from = (origin, item.phase_key)
            elif occurrences.get(origin):
                item.delay_from = ("activity", occurrences[origin][0])
    return Plan(phases=phases, activities=planned, parameters=parameters)


# --- re-dating ----------------------------------------------------------------------------------


@dataclass
class PhaseState:
    key: str
    order: int
    duration: Offset
    started_on: dt.date | None = None
    completed_on: dt.date | None = None


@dataclass
class ActivityState:
    key: str
    anchor: Anchor
    offset: Offset
    due: dt.date
    status: str = "planned"
    shift_days: int = 0
    done_on: dt.date | None = None
    scheduled_on: dt.date | None = None


@dataclass
class Timeline:
    start: dt.date
    phases: list[PhaseState]
    activities: dict[str, ActivityState]
    _phase_start: dict[str, dt.date] = field(default_factory=dict)
    _phase_end: dict[str, dt.date] = field(default_factory=dict)
    _due: dict[str, dt.date] = field(default_factory=dict)

    def __post_init__(self) -> None:
        cursor = self.start
        for phase in sorted(self.phases, key=lambda p: p.order):
            begin = phase.started_on or cursor
            end = phase.completed_on or phase.duration.apply(begin)
            self._phase_start[phase.key], self._phase_end[phase.key] = begin, end
            cursor = end

    def phase_start(self, key: str) -> dt.date:
        return self._phase_start[key]

    def phase_end(self, key: str) -> dt.date:
        return self._phase_end[key]

    def effective(self, key: str) -> dt.date:
        """The date other activities anchored on this one count from."""
        state = self.activities[key]
        if state.status == "done" and state.done_on:
            return state.done_on
        if state.scheduled_on and state.status == "scheduled":
            return state.scheduled_on
        return self.due(key)

    def due(self, key: str, _seen: frozenset[str] = frozenset()) -> dt.date:
        if key in self._due:
            return self._due[key]
        state = self.activities[key]
        if state.status in FINAL_STATUSES:
            self._due[key] = state.due
            return state.due
        if key in _seen:
            raise ValueError(f"cyclic anchors at {key}")
        kind, reference = state.anchor
        if kind == "pathway":
            base = self.start
        elif kind == "phase_start":
            base = self.phase_start(reference)  # type: ignore[arg-type]
        elif kind == "phase_end":
            base = self.phase_end(reference)  # type: ignore[arg-type]
        else:
            anchor = self.activities.get(reference)  # type: ignore[arg-type]
            if anchor is None:
                base = self.start
            elif anchor.status == "done" and anchor.done_on:
                base = anchor.done_on
            elif anchor.status == "scheduled" and anchor.scheduled_on:
                base = anchor.scheduled_on
            else:
                base = self.due(reference, _seen | {key})  # type: ignore[arg-type]
        due = state.offset.apply(base) + dt.timedelta(days=state.shift_days)
        self._due[key] = due
        return due


def recompute(timeline: Timeline) -> dict[str, dt.date]:
    """New due dates of the open activities whose date changed."""
    changed = {}
    for key, state in timeline.activities.items():
        if state.status in FINAL_STATUSES:
            continue
        due = timeline.due(key)
        if due != state.due:
            changed[key] = due
    return changed


def anchor_dependants(activities: Iterable[ActivityState], key: str) -> set[str]:
    """Every activity whose date follows ``key``'s, directly or through a chain of anchors."""
    children: dict[str, list[str]] = {}
    for state in activities:
        if state.anchor[0] == "activity" and state.anchor[1]:
            children.setdefault(state.anchor[1], []).append(state.key)
    found: set[str] = set()
    pending = [key]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


def delay_status(
    *, reference: dt.date | None, days: int, done_on: dt.date | None, today: dt.date
) -> str:
    """'met', 'breached' (done too late or overdue) or 'pending' for a delay target."""
    if reference is None:
        return "pending"
    deadline = reference + dt.timedelta(days=days)
    if done_on is not None:
        return "met" if done_on <= deadline else "breached"
    return "breached" if today > deadline else "pending"
