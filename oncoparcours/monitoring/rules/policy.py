"""Triage policies (rule sets): from grades to an alert level, who is notified, the deadline and
the advice. A rule set is versioned data; a stricter one ``extends`` the default and can only add
rules (the highest level among matching rules wins, so it is never laxer)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .grading import Assessment, Grading

LEVELS = ("none", "routine", "urgent", "immediate", "emergency")
RANK = {level: index for index, level in enumerate(LEVELS)}
ROLES = ("coordination_nurse", "oncologist", "car_t_on_call", "on_call_physician")
CONDITION_KEYS = {
    "max_grade",
    "max_grade_at_least",
    "term",
    "grade_at_least",
    "treatment",
    "source",
    "any_of",
}
RULE_KEYS = {"id", "when", "level", "notify", "respond_within_minutes", "advice"}


@dataclass(frozen=True)
class Rule:
    id: str
    when: dict[str, Any]
    level: str
    notify: tuple[str, ...]
    respond_within_minutes: int | None
    advice: dict[str, str]


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
    if "source" in when and assessment.source not in when["source"]:
        return False
    if "term" in when and not _term_condition(when, grading):
        return False
    return not ("any_of" in when and not any(_term_condition(c, grading) for c in when["any_of"]))


def decide(rule_set: RuleSet, assessment: Assessment, grading: Grading) -> Decision:
    best: Rule | None = None
    for rule in rule_set.rules:
        if not matches(rule.when, assessment, grading):
            continue
        if (
            best is None
            or RANK[rule.level] > RANK[best.level]
            or (
                RANK[rule.level] == RANK[best.level]
                and (rule.respond_within_minutes or 0) < (best.respond_within_minutes or 0)
            )
        ):
            best = rule
    if best is None:
        return NO_ALERT
    return Decision(best.level, best.respond_within_minutes, best.notify, best.advice, best.id)


# --- loading and validating ----------------------------------------------------------------------


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
    for index, item in enumerate(when.get("any_of", []) or []):
        if not isinstance(item, dict) or "term" not in item:
            problems.append((f"{path}.any_of[{index}]", "each item names a term"))


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
                (f"{path}.advice.fr", "give the advice in French (citing its guideline)")
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
    )
