"""Triage as the contract describes it: rule sets from versioned files, evaluation of one or many
assessments to the contract's JSON, and vignette checks. No database access (the CLI, the forms
and the API all go through here, so the same rules apply everywhere)."""

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


@cache
def _file_data(code: str) -> dict[str, Any]:
    path = RULESET_DIR / f"{code}.yaml"
    if not path.is_file():
        raise KeyError(code)
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def rule_set_from_data(data: dict[str, Any]) -> policy.RuleSet:
    base = None
    if data.get("extends"):
        base = load_rule_set(str(data["extends"]))
    return policy.parse({k: v for k, v in data.items() if k != "extends"}, base=base)


@cache
def load_rule_set(code: str) -> policy.RuleSet:
    """A rule set shipped as a file, by id (``default``) or label (``default@1``)."""
    name, _, version = code.partition("@")
    rule_set = rule_set_from_data(_file_data(name))
    if version and int(version) != rule_set.version:
        raise KeyError(code)
    return rule_set


def shipped_rule_sets() -> list[str]:
    return sorted(path.stem for path in RULESET_DIR.glob("*.yaml"))


def evaluate_one(item: Any, rule_set: policy.RuleSet, language: str = "fr") -> dict[str, Any]:
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


def _compare(case: dict[str, Any], result: dict[str, Any], at_least: bool) -> list[str]:
    if "error" in result:
        return [f"input refused: {result['error']['field']}: {result['error']['message']}"]
    expected = case["expected"]
    problems = []
    actual_grades = {g["term"]: g["grade"] for g in result["grades"]}
    if "grades" in expected and actual_grades != expected["grades"]:
        problems.append(f"grades {actual_grades} ≠ expected {expected['grades']}")
    for key in ("crs", "icans"):
        if key in expected:
            actual = result[key]["grade"] if result[key] else None
            if actual != expected[key]:
                problems.append(f"{key} {actual} ≠ expected {expected[key]}")
    if "max_grade" in expected and result["max_grade"] != expected["max_grade"]:
        problems.append(f"max_grade {result['max_grade']} ≠ expected {expected['max_grade']}")
    level, wanted = result["alert"]["level"], expected.get("level")
    if wanted is not None:
        if at_least and policy.RANK[level] < policy.RANK[wanted]:
            problems.append(f"level {level} is laxer than {wanted}")
        elif not at_least and level != wanted:
            problems.append(f"level {level} ≠ expected {wanted}")
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


def shipped_vignettes(code: str) -> dict[str, Any] | None:
    path = VIGNETTE_DIR / f"{code}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
