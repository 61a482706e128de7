"""A patient on several treatments at once (chemotherapy with immunotherapy, say), or under an
organisation's rule set that predates the newest default: the report is triaged for every
treatment and by every rule set given, and the strictest answer wins — the highest level, then
the shortest deadline; a tie keeps the first rule set (the organisation's own) and the first
treatment in ``TREATMENT_ORDER``. Flags and CAR-T grades are gathered from every evaluation, and
every extra recipient any of them names is notified. Pure (no Django)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import grading, policy

# Tie-breaking order only: the decision itself is always the strictest.
TREATMENT_ORDER = ("car_t", "chemotherapy", "immune_checkpoint_inhibitor", "other")


@dataclass(frozen=True)
class Triaged:
    treatments: tuple[str, ...]
    treatment: str  # the one whose evaluation decided
    grading: grading.Grading  # grades, CRS/ICANS and flags gathered from every evaluation
    decision: policy.Decision
    rule_set: policy.RuleSet  # the one whose rule decided


def _strictness(decision: policy.Decision) -> tuple[int, int]:
    minutes = decision.respond_within_minutes
    return policy.RANK[decision.level], -(minutes if minutes is not None else 10**9)


def _ordered(treatments: Sequence[str]) -> tuple[str, ...]:
    distinct = {t for t in treatments if t in TREATMENT_ORDER} or {"other"}
    return tuple(t for t in TREATMENT_ORDER if t in distinct)


def _merged(gradings: list[grading.Grading]) -> grading.Grading:
    crs = max((g.crs for g in gradings if g.crs is not None), default=None)
    icans_of = [g for g in gradings if g.icans is not None]
    icans = max(icans_of, key=lambda g: g.icans or 0) if icans_of else None
    flags = tuple(sorted({flag for g in gradings for flag in g.flags}))
    return dataclasses.replace(
        gradings[0],
        crs=crs,
        icans=icans.icans if icans else None,
        ice_score=icans.ice_score if icans else None,
        max_grade=max(g.max_grade for g in gradings),
        flags=flags,
    )


def triage(
    assessment: grading.Assessment,
    *,
    treatments: Sequence[str],
    rule_sets: Sequence[policy.RuleSet],
) -> Triaged:
    """``assessment`` is a validated one (its own treatment is ignored); ``rule_sets`` start with
    the organisation's active set, then any floor it must never be laxer than."""
    chosen = _ordered(treatments)
    gradings: list[grading.Grading] = []
    best: tuple[tuple[int, int], str, policy.Decision, policy.RuleSet] | None = None
    extra: list[str] = []
    reasons: list[dict[str, str]] = []
    for treatment in chosen:
        variant = dataclasses.replace(assessment, treatment=treatment)
        graded = grading.grade(variant)
        gradings.append(graded)
        for rule_set in rule_sets:
            decision = policy.decide(rule_set, variant, graded)
            extra += [r for r in decision.also_notify if r not in extra]
            reasons += [r for r in decision.also_notify_reasons if r not in reasons]
            key = _strictness(decision)
            if best is None or key > best[0]:
                best = (key, treatment, decision, rule_set)
    assert best is not None
    _key, treatment, decision, rule_set = best
    added = tuple(r for r in extra if r not in decision.notify)
    decision = dataclasses.replace(
        decision,
        also_notify=added,
        also_notify_reasons=tuple(
            reason for reason in reasons if set(reason.get("roles", "").split(",")) & set(added)
        ),
    )
    return Triaged(chosen, treatment, _merged(gradings), decision, rule_set)


def as_result(triaged: Triaged, language: str = "fr") -> dict[str, Any]:
    """What a report stores: the contract's output plus the treatments considered."""
    return {
        **grading.grading_as_dict(triaged.grading),
        "alert": triaged.decision.as_dict(language),
        "rule_set": triaged.rule_set.label,
        "treatments": list(triaged.treatments),
        "treatment": triaged.treatment,
    }
