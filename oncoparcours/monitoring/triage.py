"""Triage as the contract describes it: rule sets from versioned files (``<id>@<version>.yaml``),
evaluation of one or many assessments to the contract's JSON, evaluation of a patient on several
treatments at once (the strictest answer wins), and vignette checks. No database access (the CLI,
the forms and the API all go through here, so the same rules apply everywhere)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .rules import grading, policy

RULESET_DIR = Path(__file__).resolve().parent / "rulesets"
VIGNETTE_DIR = RULESET_DIR / "vignettes"


def _versions(name: str) -> list[int]:
    found = []
    for path in RULESET_DIR.glob(f"{name}@*.yaml"):
        version = path.stem.rpartition("@")[2]
        if version.isdigit():
            found.append(int(version))
    return sorted(found)


def latest_label(name: str) -> str:
    """``default`` -> ``default@2``: the newest shipped version of a rule set."""
    versions = _versions(name)
    if not versions:
        raise KeyError(name)
    return f"{name}@{versions[-1]}"


def rule_set_file(label: str) -> dict[str, Any]:
    """The data of a shipped rule-set file (``KeyError`` when there is none)."""
    return _file_data(label)


@cache
def _file_data(label: str) -> dict[str, Any]:
    path = RULESET_DIR / f"{label}.yaml"
    if not path.is_file():
        raise KeyError(label)
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def rule_set_from_data(data: dict[str, Any]) -> policy.RuleSet:
    base = None
    if data.get("extends"):
        parent = str(data["extends"])
        if "@" not in parent:
            raise policy.RuleSetError(
                [("extends", f"pin the version it extends (e.g. {parent}@2), so it never drifts")]
            )
        base = load_rule_set(parent)
    return policy.parse({k: v for k, v in data.items() if k != "extends"}, base=base)


@cache
def load_rule_set(code: str) -> policy.RuleSet:
    """A rule set shipped as a file, by label (``default@1``) or id (``default``: the newest)."""
    name, _, version = code.partition("@")
    if version and not version.isdigit():
        raise KeyError(code)
    label = code if version else latest_label(name)
    rule_set = rule_set_from_data(_file_data(label))
    if rule_set.label != label:
        raise KeyError(code)
    return rule_set


def shipped_rule_sets() -> list[str]:
    """Labels of every shipped rule-set file (``asco-organ-2021@1``, ``default@1``, …)."""
    return sorted(path.stem for path in RULESET_DIR.glob("*@*.yaml"))


def evaluate_one(item: Any, rule_set: policy.RuleSet, language: str = "fr") -> dict[str, Any]:
    """The contract's output for one input (or its error)."""
    assessment, error = grading.validate(item)
    identifier = item.get("id") if isinstance(item, dict) else None
    if error is not None:
        return {"id": identifier, "error": error}
    assert assessment is not None
    result = grading.grade(assessment)
    decision = policy.decide(rule_set, assessment, result)
    return {
        "id": identifier,
        **grading.grading_as_dict(result),
        "alert": decision.as_dict(language),
        "rule_set": rule_set.label,
    }


def evaluate(payload: Any, rule_set: policy.RuleSet, language: str = "fr") -> list[dict[str, Any]]:
    items = payload if isinstance(payload, list) else [payload]
    return [evaluate_one(item, rule_set, language) for item in items]


@dataclass
class VignetteReport:
    checked: int = 0
    disagreements: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.disagreements


def _compare_error(expected: dict[str, Any], result: dict[str, Any]) -> list[str]:
    if "error" not in result:
        return [f"input accepted, expected an error on {expected['error'].get('field')!r}"]
    wanted = expected["error"].get("field")
    if wanted is not None and result["error"]["field"] != wanted:
        return [f"error on {result['error']['field']!r} ≠ expected {wanted!r}"]
    return []


def _compare(case: dict[str, Any], result: dict[str, Any], at_least: bool) -> list[str]:
    expected = case["expected"]
    if "error" in expected:
        return _compare_error(expected, result)
    if "error" in result:
        return [f"input refused: {result['error']['field']}: {result['error']['message']}"]
    problems = []
    actual_grades = {g["term"]: g["grade"] for g in result["grades"]}
    if "grades" in expected and actual_grades != expected["grades"]:
        problems.append(f"grades {actual_grades} ≠ expected {expected['grades']}")
    for key in ("crs", "icans"):
        if key in expected:
            actual = result[key]["grade"] if result[key] else None
            if actual != expected[key]:
                problems.append(f"{key} {actual} ≠ expected {expected[key]}")
    for key in ("max_grade", "flags"):
        if key in expected and result[key] != expected[key]:
            problems.append(f"{key} {result[key]} ≠ expected {expected[key]}")
    alert = result["alert"]
    level, wanted = alert["level"], expected.get("level")
    if wanted is not None:
        if at_least and policy.RANK[level] < policy.RANK[wanted]:
            problems.append(f"level {level} is laxer than {wanted}")
        elif not at_least and level != wanted:
            problems.append(f"level {level} ≠ expected {wanted}")
    within = expected.get("respond_within_minutes", "absent")
    if within != "absent" and not at_least and alert["respond_within_minutes"] != within:
        problems.append(f"respond within {alert['respond_within_minutes']} ≠ expected {within}")
    if "notify" in expected and not at_least and set(alert["notify"]) != set(expected["notify"]):
        problems.append(f"notify {alert['notify']} ≠ expected {expected['notify']}")
    return problems


def check_vignettes(
    data: dict[str, Any], rule_set: policy.RuleSet, base_dir: Path = VIGNETTE_DIR
) -> VignetteReport:
    """Run clinician-written vignettes; every disagreement is reported."""
    report = VignetteReport()
    suites = [(data.get("vignettes", []), False)]
    if data.get("at_least_as_strict_as"):
        included = json.loads(
            (base_dir / data["at_least_as_strict_as"]).read_text(encoding="utf-8")
        )
        suites.append((included.get("vignettes", []), True))
    for cases, at_least in suites:
        for case in cases:
            result = evaluate_one(case["input"], rule_set)
            report.checked += 1
            problems = _compare(case, result, at_least)
            if problems:
                report.disagreements.append({"id": case.get("id"), "problems": problems})
    return report


def shipped_vignettes(label: str) -> dict[str, Any] | None:
    """The clinician-written vignettes of a rule-set version (``vignettes/default@2.json``)."""
    path = VIGNETTE_DIR / f"{label}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
