"""Triage policies (rule sets): from grades and flags to an alert level, who is notified, the
deadline and the advice. A rule set is versioned data; a stricter one ``extends`` a pinned version
of the default and can only add rules (the highest level among matching rules wins, so it is never
laxer).

Deciding: the level is the highest of every matching rule; everyone those rules at that level name
is notified; the deadline is the shortest among them; the advice is that of the rule giving the
shortest deadline, the later rule in the file winning a tie (files go from the general rows to the
specific ones, and an extension's rules come after its base's). ``also_notify`` rules add
recipients (e.g. the intensive-care on-call for CRS grade >= 2) without changing the level."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .grading import FLAGS, SOURCES, TREATMENTS, Assessment, Grading
from .terms import GRADED_TERMS

LEVELS = ("none", "routine", "urgent", "immediate", "emergency")
RANK = {level: index for index, level in enumerate(LEVELS)}
ROLES = (
    "coordination_nurse",
    "oncologist",
    "car_t_on_call",
    "on_call_physician",
    "icu_on_call",
    "neurology_on_call",
)
CONDITION_KEYS = {
    "max_grade",
    "max_grade_at_least",
    "term",
    "grade_at_least",
    "treatment",
    "source",
    "any_of",
    "flag",
    "observation_includes",
}
RULE_KEYS = {"id", "when", "level", "notify", "respond_within_minutes", "advice", "source"}
ALSO_NOTIFY_KEYS = {"id", "when", "notify", "reason"}


@dataclass(frozen=True)
class Rule:
    id: str
    when: dict[str, Any]
    level: str
    notify: tuple[str, ...]
    respond_within_minutes: int | None
    advice: dict[str, str]
    source: str = ""


@dataclass(frozen=True)
class ExtraRecipients:
    id: str
    when: dict[str, Any]
    notify: tuple[str, ...]
    reason: dict[str, str]


@dataclass(frozen=True)
class Escalation:
    notify: tuple[str, ...]
    within_minutes: int


@dataclass(frozen=True)
class RuleSet:
    id: str
    version: int
    title: dict[str, str]
    source: str
    rules: tuple[Rule, ...]
    escalation: dict[str, Escalation]
    max_escalations: int
    also_notify: tuple[ExtraRecipients, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.id}@{self.version}"


@dataclass(frozen=True)
class Decision:
    level: str
    respond_within_minutes: int | None
    notify: tuple[str, ...]
    advice: dict[str, str]
    rule: str
    also_notify: tuple[str, ...] = ()
    also_notify_reasons: tuple[dict[str, str], ...] = ()

    def as_dict(self, language: str = "fr") -> dict[str, Any]:
        return {
            "level": self.level,
            "respond_within_minutes": self.respond_within_minutes,
            "notify": list(self.notify),
            "advice": self.advice.get(language) or self.advice.get("fr", ""),
        }


NO_ALERT = Decision(
    "none",
    None,
    (),
    {"fr": "Aucun signe d'alerte dans ces réponses.", "en": "No warning sign in these answers."},
    "",
)


def _term_condition(condition: dict[str, Any], grading: Grading) -> bool:
    grade = grading.grade_of(condition["term"]) if condition["term"] != "any" else grading.max_grade
    if "grade_at_least" in condition and grade < condition["grade_at_least"]:
        return False
    return not ("grade" in condition and grade != condition["grade"])


def matches(when: dict[str, Any], assessment: Assessment, grading: Grading) -> bool:
    if "max_grade" in when and grading.max_grade != when["max_grade"]:
        return False
    if "max_grade_at_least" in when and grading.max_grade < when["max_grade_at_least"]:
        return False
    if "treatment" in when:
        allowed = when["treatment"] if isinstance(when["treatment"], list) else [when["treatment"]]
        if assessment.treatment not in allowed:
            return False
    if "source" in when:
        sources = when["source"] if isinstance(when["source"], list) else [when["source"]]
        if assessment.source not in sources:
            return False
    if "term" in when and not _term_condition(when, grading):
        return False
    if "flag" in when:
        wanted = when["flag"] if isinstance(when["flag"], list) else [when["flag"]]
        if not set(wanted) <= set(grading.flags):
            return False
    if "observation_includes" in when:
        for key, item in when["observation_includes"].items():
            if item not in (assessment.observations.get(key) or ()):
                return False
    return not ("any_of" in when and not any(_term_condition(c, grading) for c in when["any_of"]))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _grade_floor(when: dict[str, Any]) -> int:
    """The lowest highest-grade a condition lets through (0 when it says nothing of grades)."""
    return max(int(when.get("max_grade_at_least", 0)), int(when.get("max_grade", 0)))


def _term_implied(term: dict[str, Any], when: dict[str, Any]) -> bool:
    """Whether every report matching ``when`` satisfies the term condition ``term``."""
    if "grade" in term:
        return False  # an exact grade is never implied by the conditions rules use
    needed = int(term.get("grade_at_least", 0))
    if term["term"] == "any" and _grade_floor(when) >= needed:
        return True
    own = [when] if "term" in when else []
    alternatives = when.get("any_of") or []
    if alternatives and all(_term_implied(term, alt) for alt in alternatives):
        return True
    return any(
        c["term"] == term["term"] and int(c.get("grade_at_least", c.get("grade", 0))) >= needed
        for c in own
    )


def implies(when: dict[str, Any], condition: dict[str, Any]) -> bool:
    """Whether every report matching ``when`` (a rule's condition) also matches ``condition``
    (an ``also_notify`` one). Conservative: False when it cannot be shown from the two texts."""
    for key in ("treatment", "source"):
        if key in condition and (
            key not in when or not set(_as_list(when[key])) <= set(_as_list(condition[key]))
        ):
            return False
    if "flag" in condition and not set(_as_list(condition["flag"])) <= set(
        _as_list(when.get("flag", []))
    ):
        return False
    if "max_grade_at_least" in condition and _grade_floor(when) < condition["max_grade_at_least"]:
        return False
    if "max_grade" in condition and when.get("max_grade") != condition["max_grade"]:
        return False
    for key, item in (condition.get("observation_includes") or {}).items():
        if (when.get("observation_includes") or {}).get(key) != item:
            return False
    if "term" in condition and not _term_implied(condition, when):
        return False
    return not (
        "any_of" in condition and not any(_term_implied(c, when) for c in condition["any_of"])
    )


def also_notified(rule_set: RuleSet, rule: Rule) -> tuple[str, ...]:
    """The roles an ``also_notify`` addition always adds to what this rule notifies (shown beside
    the rule, so the rule set's page lists everyone a matching report reaches)."""
    extra: list[str] = []
    for addition in rule_set.also_notify:
        if implies(rule.when, addition.when):
            extra += [r for r in addition.notify if r not in rule.notify and r not in extra]
    return tuple(extra)


def _minutes(rule: Rule) -> int:
    return rule.respond_within_minutes if rule.respond_within_minutes is not None else 10**9


def decide(rule_set: RuleSet, assessment: Assessment, grading: Grading) -> Decision:
    matching = [rule for rule in rule_set.rules if matches(rule.when, assessment, grading)]
    if not matching:
        return NO_ALERT
    level = max((rule.level for rule in matching), key=RANK.__getitem__)
    at_level = [rule for rule in matching if rule.level == level]
    quickest = min(_minutes(rule) for rule in at_level)
    advising = [rule for rule in at_level if _minutes(rule) == quickest][-1]
    notify: list[str] = []
    for rule in at_level:
        notify += [role for role in rule.notify if role not in notify]
    extra: list[str] = []
    reasons: list[dict[str, str]] = []
    for addition in rule_set.also_notify:
        if matches(addition.when, assessment, grading):
            added = [r for r in addition.notify if r not in notify and r not in extra]
            if added:  # a reason is given only for someone it really adds
                extra += added
                reasons.append({**addition.reason, "roles": ",".join(added)})
    return Decision(
        level,
        advising.respond_within_minutes,
        tuple(notify),
        advising.advice,
        advising.id,
        tuple(extra),
        tuple(reasons),
    )


# --- loading and validating ----------------------------------------------------------------------


TERM_CONDITION_KEYS = {"term", "grade_at_least", "grade"}


def _grade_keys(condition: dict[str, Any]) -> dict[str, Any]:
    return {k: condition[k] for k in ("grade", "grade_at_least") if k in condition}


def _check_term(condition: dict[str, Any], path: str, problems: list[tuple[str, str]]) -> None:
    """A term condition needs a grade of at least 1: without one (or with 0) it would hold for a
    patient without the symptom, and a term the engine never grades would never hold."""
    term = condition["term"]
    if term not in GRADED_TERMS:
        problems.append((f"{path}.term", f"unknown term {term!r}: the engine never grades it"))
    grades = _grade_keys(condition)
    if not grades:
        problems.append((f"{path}.grade_at_least", "a term condition needs grade_at_least (>= 1)"))
    for key, value in grades.items():
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            problems.append((f"{path}.{key}", "must be a whole grade from 1 to 5"))


class RuleSetError(ValueError):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{path}: {reason}" for path, reason in problems))
        self.problems = problems


def _check_condition(when: Any, path: str, problems: list[tuple[str, str]]) -> None:
    if not isinstance(when, dict) or not when:
        problems.append((path, "must be a non-empty mapping of conditions"))
        return
    for key in when:
        if key not in CONDITION_KEYS:
            problems.append(
                (f"{path}.{key}", f"unknown condition (known: {', '.join(sorted(CONDITION_KEYS))})")
            )
    if "grade_at_least" in when and "term" not in when:
        problems.append((f"{path}.grade_at_least", "goes with term"))
    if "term" in when:
        _check_term({"term": when["term"], **_grade_keys(when)}, path, problems)
    for index, item in enumerate(when.get("any_of", []) or []):
        item_path = f"{path}.any_of[{index}]"
        if not isinstance(item, dict) or "term" not in item:
            problems.append((item_path, "each item names a term"))
            continue
        unknown = set(item) - TERM_CONDITION_KEYS
        if unknown:
            problems.append(
                (item_path, f"unknown key(s) {sorted(unknown)} (known: term, grade_at_least)")
            )
        _check_term(item, item_path, problems)
    for key, known in (("treatment", TREATMENTS), ("source", SOURCES)):
        values = when.get(key, [])
        for value in values if isinstance(values, list) else [values]:
            if value not in known:
                problems.append(
                    (f"{path}.{key}", f"unknown {key} {value!r} (known: {', '.join(known)})")
                )
    flags = when.get("flag", [])
    for flag in flags if isinstance(flags, list) else [flags]:
        if flag not in FLAGS:
            problems.append((f"{path}.flag", f"unknown flag {flag!r} (known: {', '.join(FLAGS)})"))
    includes = when.get("observation_includes", {})
    if not isinstance(includes, dict):
        problems.append((f"{path}.observation_includes", "must map an observation to an item"))


def parse(data: dict[str, Any], base: RuleSet | None = None) -> RuleSet:
    """Build a RuleSet from its file data; ``base`` is the rule set it extends, if any."""
    problems: list[tuple[str, str]] = []
    if not isinstance(data, dict):
        raise RuleSetError([("", "must be a mapping")])
    for key in ("id", "version", "title", "source", "rules"):
        if key not in data:
            problems.append((key, "required field is missing"))
    rules: list[Rule] = list(base.rules) if base else []
    seen = {rule.id for rule in rules}
    for index, raw in enumerate(data.get("rules", []) or []):
        path = f"rules[{index}]"
        if not isinstance(raw, dict):
            problems.append((path, "must be a mapping"))
            continue
        for key in raw:
            if key not in RULE_KEYS:
                problems.append((f"{path}.{key}", "unknown field"))
        _check_condition(raw.get("when"), f"{path}.when", problems)
        if raw.get("level") not in LEVELS[1:]:
            problems.append((f"{path}.level", f"must be one of {', '.join(LEVELS[1:])}"))
        notify = raw.get("notify", [])
        for role in notify:
            if role not in ROLES:
                problems.append(
                    (f"{path}.notify", f"unknown role {role!r} (known: {', '.join(ROLES)})")
                )
        within = raw.get("respond_within_minutes")
        if within is not None and (not isinstance(within, int) or within < 0):
            problems.append(
                (f"{path}.respond_within_minutes", "must be a whole number of minutes ≥ 0")
            )
        advice = raw.get("advice") or {}
        if not advice.get("fr"):
            problems.append(
                (f"{path}.advice.fr", "give the advice in French (what the patient reads)")
            )
        if raw.get("id") in seen:
            problems.append((f"{path}.id", f"duplicate rule id {raw.get('id')!r}"))
        seen.add(str(raw.get("id")))
        if not problems:
            rules.append(
                Rule(
                    str(raw["id"]),
                    dict(raw["when"]),
                    raw["level"],
                    tuple(notify),
                    within,
                    dict(advice),
                    str(raw.get("source", "")),
                )
            )
    escalation: dict[str, Escalation] = dict(base.escalation) if base else {}
    for level, spec in (data.get("escalation") or {}).items():
        if level not in LEVELS[1:] or not isinstance(spec, dict):
            problems.append((f"escalation.{level}", "unknown level or not a mapping"))
            continue
        escalation[level] = Escalation(
            tuple(spec.get("notify", [])), int(spec.get("within_minutes", 60))
        )
    also_notify = _parse_also_notify(data.get("also_notify"), base, seen, problems)
    if problems:
        raise RuleSetError(problems)
    return RuleSet(
        str(data["id"]),
        int(data["version"]),
        dict(data["title"]),
        str(data["source"]),
        tuple(rules),
        escalation,
        int(data.get("max_escalations", base.max_escalations if base else 3)),
        also_notify,
    )


def _parse_also_notify(
    raw_rules: Any, base: RuleSet | None, seen: set[str], problems: list[tuple[str, str]]
) -> tuple[ExtraRecipients, ...]:
    """Recipients added to an alert without changing its level (e.g. intensive care, neurology)."""
    parsed = list(base.also_notify) if base else []
    if raw_rules is not None and not isinstance(raw_rules, list):
        problems.append(("also_notify", "must be a list"))
        return tuple(parsed)
    for index, raw in enumerate(raw_rules or []):
        path = f"also_notify[{index}]"
        if not isinstance(raw, dict):
            problems.append((path, "must be a mapping"))
            continue
        for key in raw:
            if key not in ALSO_NOTIFY_KEYS:
                problems.append((f"{path}.{key}", "unknown field"))
        _check_condition(raw.get("when"), f"{path}.when", problems)
        notify = raw.get("notify") or []
        if not notify or any(role not in ROLES for role in notify):
            problems.append((f"{path}.notify", f"name at least one of: {', '.join(ROLES)}"))
        if not (raw.get("reason") or {}).get("fr"):
            problems.append((f"{path}.reason.fr", "say why, in French (citing the source)"))
        if raw.get("id") in seen:
            problems.append((f"{path}.id", f"duplicate rule id {raw.get('id')!r}"))
        seen.add(str(raw.get("id")))
        if not problems:
            parsed.append(
                ExtraRecipients(
                    str(raw["id"]), dict(raw["when"]), tuple(notify), dict(raw["reason"])
                )
            )
    return tuple(parsed)
