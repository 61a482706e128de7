"""Phase entry/exit criteria: named, pluggable checks.

A template names a check (``activity_done``, ``no_grade3_irae``...) with parameters. Checks that
need data written by other apps read it through registries those apps fill in their
``AppConfig.ready()`` — for example the adverse events recorded by home follow-up (monitoring).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class CriterionResult:
    met: bool
    detail: str


@dataclass(frozen=True)
class AdverseEventFact:
    term: str
    grade: int
    immune_related: bool
    onset: dt.date
    label: str = ""  # the term as people read it ("ALAT augmentées"); the code when empty


Check = Callable[[Any, Any, dict[str, Any]], CriterionResult]  # (instance, phase, params)
AdverseEventSource = Callable[[Any, dt.date, dt.date], list[AdverseEventFact]]

_checks: dict[str, Check] = {}
_adverse_event_sources: dict[str, AdverseEventSource] = {}


def register_check(name: str, check: Check) -> None:
    _checks[name] = check


def check_names() -> set[str]:
    return set(_checks)


def evaluate(name: str, instance: Any, phase: Any, params: dict[str, Any]) -> CriterionResult:
    return _checks[name](instance, phase, params or {})


def register_adverse_event_source(name: str, source: AdverseEventSource) -> None:
    """``source(patient, since, until)`` returns the confirmed adverse events of that period."""
    _adverse_event_sources[name] = source


def adverse_events(
    patient: Any, since: dt.date, until: dt.date
) -> tuple[list[AdverseEventFact], list[str]]:
    facts: list[AdverseEventFact] = []
    for source in _adverse_event_sources.values():
        facts.extend(source(patient, since, until))
    return facts, sorted(_adverse_event_sources)


# --- built-in checks ----------------------------------------------------------------------------


def activity_done(instance: Any, phase: Any, params: dict[str, Any]) -> CriterionResult:
    activity_id = params["activity"]
    activities = [a for a in instance.activities.all() if a.template_activity == activity_id]
    done = [a for a in activities if a.status == "done"]
    if done:
        first = min(done, key=lambda a: a.done_on)
        return CriterionResult(
            True, _("done on %(date)s") % {"date": first.done_on.strftime("%d/%m/%Y")}
        )
    if not activities:
        return CriterionResult(False, _("not part of this pathway"))
    return CriterionResult(False, _("not done yet"))


def phase_duration_elapsed(instance: Any, phase: Any, params: dict[str, Any]) -> CriterionResult:
    if phase.started_on is None:
        return CriterionResult(False, _("phase not started"))
    planned_end = phase.planned_end
    today = timezone.localdate()
    if today >= planned_end:
        return CriterionResult(
            True, _("planned end %(date)s reached") % {"date": planned_end.strftime("%d/%m/%Y")}
        )
    return CriterionResult(
        False, _("planned end on %(date)s") % {"date": planned_end.strftime("%d/%m/%Y")}
    )


def no_severe_immune_related_adverse_event(
    instance: Any, phase: Any, params: dict[str, Any]
) -> CriterionResult:
    threshold = int(params.get("grade", 3))
    since = phase.started_on or instance.start_date
    facts, sources = adverse_events(instance.patient, since, timezone.localdate())
    severe = [f for f in facts if f.immune_related and f.grade >= threshold]
    if severe:
        worst = max(severe, key=lambda f: f.grade)
        return CriterionResult(
            False,
            _("%(term)s grade %(grade)s on %(date)s")
            % {
                "term": worst.label or worst.term,
                "grade": worst.grade,
                "date": worst.onset.strftime("%d/%m/%Y"),
            },
        )
    if not sources:
        return CriterionResult(
            True, _("no adverse event recorded (no reporting source active yet)")
        )
    return CriterionResult(
        True,
        _("no immune-related adverse event of grade ≥ %(grade)s recorded") % {"grade": threshold},
    )


def last_result_below(instance: Any, phase: Any, params: dict[str, Any]) -> CriterionResult:
    """The latest recorded result of an activity (e.g. ferritin) is below a threshold."""
    activity_id, threshold = params["activity"], float(params["value"])
    results = [
        a
        for a in instance.activities.all()
        if a.template_activity == activity_id and a.status == "done" and a.result_value is not None
    ]
    if not results:
        return CriterionResult(False, _("no result recorded yet"))
    latest = max(results, key=lambda a: (a.done_on, a.occurrence))
    value = float(latest.result_value)
    unit = latest.result_unit or params.get("unit", "")
    detail = _("last result %(value)s %(unit)s on %(date)s") % {
        "value": f"{value:g}",
        "unit": unit,
        "date": latest.done_on.strftime("%d/%m/%Y"),
    }
    return CriterionResult(value < threshold, detail)


register_check("activity_done", activity_done)
register_check("phase_duration_elapsed", phase_duration_elapsed)
register_check("no_grade3_irae", no_severe_immune_related_adverse_event)
register_check("last_result_below", last_result_below)
