"""Validation of pathway template files.

``validate(data, qualifications=..., checks=...)`` returns the list of problems, each with the path
inside the file (``phases[1].activities[3].start.after``) and the reason. An empty list means the
template can be loaded. Unknown fields are refused, never ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .vocabulary import (
    ACTIVITY_KINDS,
    ANCHORS,
    DURATION_UNITS,
    LETTER_KINDS,
    PARAMETER_TYPES,
    PLACES,
    ROLES,
    TREATMENTS,
)

ID_RE = re.compile(r"^[a-z][a-z0-9_-]{1,60}$")
PARAM_REF_RE = re.compile(r"^\$([a-z][a-z0-9_]*)$")

TEMPLATE_KEYS = {
    "schema",
    "id",
    "version",
    "title",
    "summary",
    "source",
    "parameters",
    "derived",
    "programme",
    "phases",
    "treatment",
}
DERIVED_KEYS = {"from", "values", "note"}
SOURCE_KEYS = {"document", "reference", "note"}
PARAMETER_KEYS = {"label", "type", "choices", "default", "min", "max", "help"}
PROGRAMME_KEYS = {"inclusion_target", "inclusion_period_weeks", "weekly_inclusions", "note"}
PHASE_KEYS = {
    "id",
    "title",
    "duration",
    "responsible_role",
    "flat_rate",
    "entry_criteria",
    "exit_criteria",
    "activities",
    "description",
}
FLAT_RATE_KEYS = {"amount", "currency", "indicative", "note"}
CRITERION_KEYS = {"check", "params", "label"}
ACTIVITY_KEYS = {
    "id",
    "title",
    "kind",
    "place",
    "responsible_role",
    "performer_role",
    "recipient_role",
    "qualifications",
    "nurses",
    "start",
    "recurrence",
    "delay_target",
    "depends_on",
    "when",
    "description",
    "checklist",
}
START_KEYS = {"after", "offset"}
RECURRENCE_KEYS = {"every", "count", "until", "follows"}
DELAY_KEYS = {"days", "from", "label"}


@dataclass(frozen=True)
class Problem:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class _Checker:
    def __init__(self, qualifications: set[str], checks: set[str]) -> None:
        self.problems: list[Problem] = []
        self.qualifications = qualifications
        self.checks = checks
        self.parameters: dict[str, dict] = {}

    def problem(self, path: str, reason: str) -> None:
        self.problems.append(Problem(path, reason))

    def keys(self, value: Any, allowed: set[str], path: str, required: Iterable[str] = ()) -> bool:
        if not isinstance(value, dict):
            self.problem(path, "must be a mapping")
            return False
        for key in value:
            if key not in allowed:
                self.problem(
                    f"{path}.{key}" if path else str(key),
                    f"unknown field (allowed: {', '.join(sorted(allowed))})",
                )
        for key in required:
            if key not in value:
                self.problem(f"{path}.{key}" if path else key, "required field is missing")
        return True

    def text(self, value: Any, path: str) -> None:
        if isinstance(value, dict):
            self.keys(value, {"fr", "en"}, path, required=("fr", "en"))
            for lang in ("fr", "en"):
                if lang in value and not (isinstance(value[lang], str) and value[lang].strip()):
                    self.problem(f"{path}.{lang}", "must be a non-empty text")
        else:
            self.problem(path, "must give the text in French and English: {fr: ..., en: ...}")

    def role(self, value: Any, path: str) -> None:
        if value not in ROLES:
            self.problem(path, f"unknown role {value!r} (known: {', '.join(sorted(ROLES))})")

    def number(
        self, value: Any, path: str, *, allow_negative: bool = False, allow_param: bool = True
    ) -> None:
        if allow_param and isinstance(value, str) and PARAM_REF_RE.match(value):
            name = PARAM_REF_RE.match(value).group(1)  # type: ignore[union-attr]
            if name not in self.parameters:
                self.problem(path, f"refers to unknown parameter {name!r}")
            return
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(
                path, "must be a whole number" + (" or a $parameter" if allow_param else "")
            )
        elif value < 0 and not allow_negative:
            self.problem(path, "must not be negative")

    def duration(self, value: Any, path: str, *, allow_negative: bool = False) -> None:
        if not self.keys(value, set(DURATION_UNITS), path):
            return
        if not value:
            self.problem(path, "give months, weeks or days")
        for unit, amount in value.items():
            if unit in DURATION_UNITS:
                self.number(amount, f"{path}.{unit}", allow_negative=allow_negative)


def validate(data: Any, *, qualifications: set[str], checks: set[str]) -> list[Problem]:
    checker = _Checker(qualifications, checks)
    if not checker.keys(
        data, TEMPLATE_KEYS, "", required=("schema", "id", "version", "title", "source", "phases")
    ):
        return checker.problems
    if data.get("schema") != 1:
        checker.problem("schema", "only schema 1 is supported")
    if not (isinstance(data.get("id"), str) and ID_RE.match(data["id"])):
        checker.problem("id", "lower-case letters, digits, - and _ (2 to 61 characters)")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        checker.problem("version", "must be a whole number ≥ 1")
    if "title" in data:
        checker.text(data["title"], "title")
    if "summary" in data:
        checker.text(data["summary"], "summary")
    if checker.keys(data.get("source"), SOURCE_KEYS, "source", required=("document",)) and not (
        isinstance(data["source"].get("document"), str) and data["source"]["document"].strip()
    ):
        checker.problem("source.document", "name the source document")
    if "treatment" in data and data["treatment"] not in TREATMENTS:
        checker.problem(
            "treatment",
            f"the anticancer treatment the pathway delivers, one of: {', '.join(TREATMENTS)}",
        )
    _parameters(checker, data.get("parameters", {}))
    _derived(checker, data.get("derived", {}))
    if "programme" in data:
        _programme(checker, data["programme"])
    _phases(checker, data.get("phases"))
    return checker.problems


def _parameters(checker: _Checker, parameters: Any) -> None:
    if not isinstance(parameters, dict):
        checker.problem("parameters", "must be a mapping of parameter names")
        return
    for name, spec in parameters.items():
        path = f"parameters.{name}"
        if not re.match(r"^[a-z][a-z0-9_]*$", str(name)):
            checker.problem(path, "parameter names are lower_case")
        if not checker.keys(spec, PARAMETER_KEYS, path, required=("label", "type", "default")):
            continue
        checker.text(spec["label"], f"{path}.label")
        kind = spec["type"]
        if kind not in PARAMETER_TYPES:
            checker.problem(
                f"{path}.type", f"unknown type (known: {', '.join(sorted(PARAMETER_TYPES))})"
            )
        elif kind == "choice":
            choices = spec.get("choices")
            if not isinstance(choices, list) or not choices:
                checker.problem(f"{path}.choices", "a choice parameter lists its choices")
            elif spec["default"] not in choices:
                checker.problem(f"{path}.default", "the default must be one of the choices")
        elif kind == "integer":
            if isinstance(spec["default"], bool) or not isinstance(spec["default"], int):
                checker.problem(f"{path}.default", "must be a whole number")
            elif ("min" in spec and spec["default"] < spec["min"]) or (
                "max" in spec and spec["default"] > spec["max"]
            ):
                checker.problem(f"{path}.default", "outside min/max")
        elif kind == "boolean" and not isinstance(spec["default"], bool):
            checker.problem(f"{path}.default", "must be true or false")
        checker.parameters[str(name)] = spec


def _derived(checker: _Checker, derived: Any) -> None:
    """Parameters computed from a choice, e.g. the manufacturing time of each CAR-T product."""
    if not isinstance(derived, dict):
        checker.problem("derived", "must be a mapping")
        return
    for name, spec in derived.items():
        path = f"derived.{name}"
        if name in checker.parameters:
            checker.problem(path, "already a parameter")
            continue
        if not checker.keys(spec, DERIVED_KEYS, path, required=("from", "values")):
            continue
        source = checker.parameters.get(spec["from"])
        if source is None or source.get("type") != "choice":
            checker.problem(f"{path}.from", "must name a choice parameter")
            continue
        values = spec["values"]
        if not isinstance(values, dict):
            checker.problem(f"{path}.values", "must map each choice to a whole number")
            continue
        missing = [c for c in source.get("choices", []) if c not in values]
        if missing:
            checker.problem(f"{path}.values", f"no value for {', '.join(map(str, missing))}")
        for key, value in values.items():
            checker.number(value, f"{path}.values.{key}", allow_param=False)
        checker.parameters[str(name)] = {"type": "integer", "derived": True}


def _programme(checker: _Checker, programme: Any) -> None:
    if not checker.keys(programme, PROGRAMME_KEYS, "programme"):
        return
    for key in ("inclusion_target", "inclusion_period_weeks"):
        if key in programme:
            checker.number(programme[key], f"programme.{key}", allow_param=False)
    weekly = programme.get("weekly_inclusions")
    if weekly is not None and not (
        isinstance(weekly, list)
        and len(weekly) == 2
        and all(isinstance(v, int) and v >= 0 for v in weekly)
        and weekly[0] <= weekly[1]
    ):
        checker.problem("programme.weekly_inclusions", "must be [low, high] whole numbers")


def _phases(checker: _Checker, phases: Any) -> None:
    if not isinstance(phases, list) or not phases:
        checker.problem("phases", "a template has at least one phase")
        return
    phase_ids: set[str] = set()
    activities: dict[str, tuple[str, dict]] = {}
    for index, phase in enumerate(phases):
        path = f"phases[{index}]"
        if not checker.keys(
            phase,
            PHASE_KEYS,
            path,
            required=("id", "title", "duration", "responsible_role", "activities"),
        ):
            continue
        pid = phase["id"]
        if not (isinstance(pid, str) and ID_RE.match(pid)):
            checker.problem(f"{path}.id", "lower-case letters, digits, - and _")
        elif pid in phase_ids:
            checker.problem(f"{path}.id", f"duplicate phase id {pid!r}")
        phase_ids.add(str(pid))
        checker.text(phase["title"], f"{path}.title")
        checker.duration(phase["duration"], f"{path}.duration")
        checker.role(phase["responsible_role"], f"{path}.responsible_role")
        if "flat_rate" in phase and checker.keys(
            phase["flat_rate"], FLAT_RATE_KEYS, f"{path}.flat_rate", required=("amount",)
        ):
            amount = phase["flat_rate"]["amount"]
            if isinstance(amount, bool) or not isinstance(amount, int | float) or amount < 0:
                checker.problem(f"{path}.flat_rate.amount", "must be an amount ≥ 0")
        for key in ("entry_criteria", "exit_criteria"):
            for c_index, criterion in enumerate(phase.get(key, []) or []):
                c_path = f"{path}.{key}[{c_index}]"
                if checker.keys(criterion, CRITERION_KEYS, c_path, required=("check", "label")):
                    if criterion["check"] not in checker.checks:
                        checker.problem(
                            f"{c_path}.check",
                            f"unknown check {criterion['check']!r} "
                            f"(known: {', '.join(sorted(checker.checks))})",
                        )
                    checker.text(criterion["label"], f"{c_path}.label")
                    if not isinstance(criterion.get("params", {}), dict):
                        checker.problem(f"{c_path}.params", "must be a mapping")
        if not isinstance(phase["activities"], list):
            checker.problem(f"{path}.activities", "must be a list")
            continue
        for a_index, activity in enumerate(phase["activities"]):
            a_path = f"{path}.activities[{a_index}]"
            if _activity(checker, activity, a_path):
                aid = activity["id"]
                if aid in activities:
                    checker.problem(f"{a_path}.id", f"duplicate activity id {aid!r}")
                activities[aid] = (a_path, activity)
    _references(checker, activities)


def _activity(checker: _Checker, activity: Any, path: str) -> bool:
    if not checker.keys(
        activity,
        ACTIVITY_KEYS,
        path,
        required=("id", "title", "kind", "place", "responsible_role", "start"),
    ):
        return False
    if not (isinstance(activity["id"], str) and ID_RE.match(activity["id"])):
        checker.problem(f"{path}.id", "lower-case letters, digits, - and _")
        return False
    checker.text(activity["title"], f"{path}.title")
    if activity["kind"] not in ACTIVITY_KINDS:
        checker.problem(
            f"{path}.kind", f"unknown kind (known: {', '.join(sorted(ACTIVITY_KINDS))})"
        )
    if activity["place"] not in PLACES:
        checker.problem(f"{path}.place", f"unknown place (known: {', '.join(sorted(PLACES))})")
    checker.role(activity["responsible_role"], f"{path}.responsible_role")
    if "performer_role" in activity:
        checker.role(activity["performer_role"], f"{path}.performer_role")
    if "recipient_role" in activity:
        checker.role(activity["recipient_role"], f"{path}.recipient_role")
        if activity["kind"] not in LETTER_KINDS:
            checker.problem(
                f"{path}.recipient_role",
                f"only letters and referrals have a recipient ({', '.join(sorted(LETTER_KINDS))})",
            )
    for q_index, code in enumerate(activity.get("qualifications", []) or []):
        if code not in checker.qualifications:
            checker.problem(f"{path}.qualifications[{q_index}]", f"unknown qualification {code!r}")
    if "nurses" in activity:
        # Double-staffed home visits (the nurse-tour planner sends two nurses at the same time).
        if activity["nurses"] not in (1, 2) or isinstance(activity["nurses"], bool):
            checker.problem(f"{path}.nurses", "must be 1 or 2")
        elif activity.get("performer_role") != "liberal_nurse":
            checker.problem(f"{path}.nurses", "only activities performed by a liberal_nurse")
    start_ok = checker.keys(activity["start"], START_KEYS, f"{path}.start", required=("after",))
    if start_ok and "offset" in activity["start"]:
        checker.duration(activity["start"]["offset"], f"{path}.start.offset", allow_negative=True)
    if "recurrence" in activity and checker.keys(
        activity["recurrence"], RECURRENCE_KEYS, f"{path}.recurrence"
    ):
        recurrence = activity["recurrence"]
        if "follows" in recurrence:
            if set(recurrence) != {"follows"}:
                checker.problem(
                    f"{path}.recurrence",
                    "follows (one occurrence per occurrence of another activity) "
                    "takes no every/count/until",
                )
        else:
            if "every" not in recurrence:
                checker.problem(f"{path}.recurrence.every", "required field is missing")
            else:
                checker.duration(recurrence["every"], f"{path}.recurrence.every")
            if ("count" in recurrence) == ("until" in recurrence):
                checker.problem(f"{path}.recurrence", "give either count or until (phase_end)")
        if "count" in recurrence:
            checker.number(recurrence["count"], f"{path}.recurrence.count")
        if "until" in recurrence and recurrence["until"] != "phase_end":
            checker.problem(f"{path}.recurrence.until", "only phase_end is supported")
    if "delay_target" in activity and checker.keys(
        activity["delay_target"], DELAY_KEYS, f"{path}.delay_target", required=("days", "from")
    ):
        checker.number(
            activity["delay_target"]["days"], f"{path}.delay_target.days", allow_param=False
        )
        if "label" in activity["delay_target"]:
            checker.text(activity["delay_target"]["label"], f"{path}.delay_target.label")
    when = activity.get("when")
    if when is not None:
        match = PARAM_REF_RE.match(str(when))
        if not match or match.group(1) not in checker.parameters:
            checker.problem(f"{path}.when", "must be a $parameter of the template")
    if "checklist" in activity:
        items = activity["checklist"]
        if not isinstance(items, list) or not items:
            checker.problem(f"{path}.checklist", "must be a list of items")
        else:
            for c_index, item in enumerate(items):
                checker.text(item, f"{path}.checklist[{c_index}]")
    return True


def _references(checker: _Checker, activities: dict[str, tuple[str, dict]]) -> None:
    """Anchors (dates) and dependencies (what must be done first) must each be acyclic."""
    anchors: dict[str, set[str]] = {aid: set() for aid in activities}
    dependencies: dict[str, set[str]] = {aid: set() for aid in activities}
    for aid, (path, activity) in activities.items():
        after = activity["start"].get("after") if isinstance(activity["start"], dict) else None
        if after not in ANCHORS:
            if after not in activities:
                checker.problem(
                    f"{path}.start.after",
                    f"unknown anchor {after!r} (an activity id or {', '.join(sorted(ANCHORS))})",
                )
            else:
                anchors[aid].add(after)
        recurrence = activity.get("recurrence")
        if isinstance(recurrence, dict) and "follows" in recurrence:
            followed = recurrence["follows"]
            if followed not in activities:
                checker.problem(f"{path}.recurrence.follows", f"unknown activity {followed!r}")
            else:
                anchors[aid].add(followed)
        for d_index, dep in enumerate(activity.get("depends_on", []) or []):
            if dep not in activities:
                checker.problem(f"{path}.depends_on[{d_index}]", f"unknown activity {dep!r}")
            elif dep == aid:
                checker.problem(
                    f"{path}.depends_on[{d_index}]", "an activity cannot depend on itself"
                )
            else:
                dependencies[aid].add(dep)
        delay = activity.get("delay_target")
        if isinstance(delay, dict) and "from" in delay:
            origin = delay["from"]
            if origin not in ANCHORS and origin not in activities:
                checker.problem(f"{path}.delay_target.from", f"unknown activity {origin!r}")
    for graph, what in (
        (anchors, "cyclic timing (start.after / follows)"),
        (dependencies, "cyclic dependency (depends_on)"),
    ):
        cycle = _find_cycle(graph)
        if cycle:
            checker.problem(activities[cycle[0]][0], f"{what}: " + " → ".join([*cycle, cycle[0]]))


def _find_cycle(graph: dict[str, set[str]]) -> list[str]:
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        colour[node] = grey
        stack.append(node)
        for nxt in sorted(graph[node]):
            if colour[nxt] == grey:
                return stack[stack.index(nxt) :]
            if colour[nxt] == white:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        colour[node] = black
        return []

    for node in sorted(graph):
        if colour[node] == white:
            cycle = visit(node)
            if cycle:
                return cycle
    return []
