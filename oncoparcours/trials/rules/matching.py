"""Matching a patient against many arms, and ranking the arms that may suit.

Arms are pre-indexed by what they require at the top of their tree (an ICD-10 category or a
disease group, a gene) so that a patient is evaluated only against arms that can be met or to
verify; the index never hides an arm whose result would not be NOT_MET (tested in
``trials/tests/test_rules_matching.py`` against the plain evaluation of every arm)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from oncoparcours.directory.rules.geo import distance_km

from .criteria import MET, NOT_MET, UNKNOWN
from .diseases import UNCERTAIN, group_of
from .facts import PatientFacts
from .tree import Evaluator, LeafResult, compile_tree


@dataclass(slots=True)
class ArmSpec:
    key: str  # the arm's id
    label: str
    tree: dict[str, Any]
    sites: tuple[tuple[float, float], ...] = ()  # open French sites (latitude, longitude)
    payload: Any = None  # the caller's object for this arm (the Arm row)
    site_names: tuple[str, ...] = ()  # the names of ``sites``, in the same order
    # French sites enrolling by invitation: listed, never counted in ``sites`` (the distance).
    invitation_sites: tuple[str, ...] = ()
    evaluate: Evaluator = field(init=False)
    disease_keys: frozenset[str] | None = field(init=False)
    gene_keys: frozenset[str] | None = field(init=False)

    def __post_init__(self) -> None:
        self.evaluate = compile_tree(self.tree)
        self.disease_keys, self.gene_keys = anchors(self.tree)


@dataclass(frozen=True, slots=True)
class ArmMatch:
    arm: ArmSpec
    value: int  # MET or UNKNOWN (arms not met are not listed)
    leaves: tuple[LeafResult, ...]
    unknowns: int
    distance_km: float | None
    site: str = ""  # the nearest open French site's name, when known

    def sort_key(self) -> tuple[int, int, float, str]:
        distance = math.inf if self.distance_km is None else self.distance_km
        return (0 if self.value == MET else 1, self.unknowns, distance, self.arm.label)


def _top_level(tree: dict[str, Any]) -> list[dict[str, Any]]:
    return list(tree["and"]) if "and" in tree else [tree]


def _disease_keys(node: dict[str, Any]) -> frozenset[str] | None:
    if node.get("criterion") != "disease":
        return None
    if node.get("group"):
        return frozenset({f"group:{node['group']}"})
    prefixes = [p.upper().replace(".", "") for p in node.get("icd10", ())]
    if not prefixes or any(len(p) < 3 for p in prefixes):
        return None
    return frozenset(p[:3] for p in prefixes)


def _gene_keys(node: dict[str, Any]) -> frozenset[str] | None:
    if node.get("criterion") == "variant" and not node.get("wild_type"):
        return frozenset({node["gene"]})
    if "or" in node:
        genes = [_gene_keys(child) for child in node["or"]]
        if genes and all(g is not None for g in genes):
            return frozenset().union(*genes)  # type: ignore[arg-type]
    return None


def anchors(tree: dict[str, Any]) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """(disease keys, genes) that a patient must have for the arm not to be NOT_MET, taken from
    the top-level AND; None when the tree gives no such requirement."""
    disease: frozenset[str] | None = None
    genes: frozenset[str] | None = None
    for node in _top_level(tree):
        keys = _disease_keys(node)
        if keys is not None:
            disease = keys if disease is None else disease & keys
        found = _gene_keys(node)
        if found is not None:
            genes = found if genes is None else genes & found
    return disease, genes


def patient_disease_keys(facts: PatientFacts) -> set[str]:
    keys = set()
    for d in facts.diagnoses:
        code = d.icd10.upper().replace(".", "")
        keys.add(code[:3])
        group = group_of(code)
        if group == UNCERTAIN:  # to verify for both groups: never hidden by the index
            keys.update(("group:solid", "group:haematological"))
        elif group:
            keys.add(f"group:{group}")
    return keys


class Matcher:
    """Arms indexed once; ``candidates`` and ``match`` per patient."""

    def __init__(self, arms: list[ArmSpec]) -> None:
        self.arms = arms
        self.by_disease: dict[str, list[ArmSpec]] = defaultdict(list)
        self.unanchored: list[ArmSpec] = []
        for arm in arms:
            if arm.disease_keys is None:
                self.unanchored.append(arm)
            for key in arm.disease_keys or ():
                self.by_disease[key].append(arm)

    def candidates(self, facts: PatientFacts) -> list[ArmSpec]:
        if not facts.diagnoses:
            pool: list[ArmSpec] = self.arms
        else:
            seen: dict[str, ArmSpec] = {a.key: a for a in self.unanchored}
            for key in patient_disease_keys(facts):
                for arm in self.by_disease.get(key, ()):
                    seen[arm.key] = arm
            pool = list(seen.values())
        # No pruning by gene: a gene without a recorded variant is to verify, not absent (the
        # genes a test covered are not recorded), so such arms may still be proposed to verify.
        return pool

    def values(self, facts: PatientFacts) -> list[tuple[ArmSpec, int]]:
        """Fast path (full re-match): every candidate arm's value, without reasons."""
        results = []
        for arm in self.candidates(facts):
            value = arm.evaluate(facts, None)
            if value != NOT_MET:
                results.append((arm, value))
        return results

    def match(self, facts: PatientFacts) -> list[ArmMatch]:
        """The arms met or to verify, with every criterion's result, best first."""
        matches = []
        for arm in self.candidates(facts):
            out: list[LeafResult] = []
            value = arm.evaluate(facts, out)
            if value == NOT_MET:
                continue
            unknowns = sum(1 for leaf in out if leaf.value == UNKNOWN)
            distance, site = nearest_site(facts, arm)
            matches.append(ArmMatch(arm, value, tuple(out), unknowns, distance, site))
        return sorted(matches, key=ArmMatch.sort_key)


def nearest(facts: PatientFacts, sites: tuple[tuple[float, float], ...]) -> float | None:
    if facts.latitude is None or facts.longitude is None or not sites:
        return None
    return min(distance_km(facts.latitude, facts.longitude, lat, lon) for lat, lon in sites)


def nearest_site(facts: PatientFacts, arm: ArmSpec) -> tuple[float | None, str]:
    """(distance in km, name) of the arm's nearest open French site; (None, "") when the
    patient's or the sites' locations are unknown."""
    if facts.latitude is None or facts.longitude is None or not arm.sites:
        return None, ""
    distances = [distance_km(facts.latitude, facts.longitude, lat, lon) for lat, lon in arm.sites]
    best = min(range(len(distances)), key=distances.__getitem__)
    names = arm.site_names
    return distances[best], names[best] if best < len(names) else ""
