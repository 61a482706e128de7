"""Eligibility trees: validation of the JSON document, Kleene evaluation, explanation.

Document (schema 1): ``{"schema": 1, "tree": node}``; a node is ``{"and": [node, ...]}``,
``{"or": [node, ...]}``, ``{"not": node}`` or a criterion ``{"criterion": "<type>", ...}``
(types and fields: ``SCHEMA`` below; documented in docs/trials.md)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from oncoparcours.patients.rules.molecular import KNOWN_GENES, MAX_TMB

from .criteria import EVALUATORS, MET, NOT_MET, UNKNOWN
from .diseases import CRITERION_MORPHOLOGY, CRITERION_TOPOGRAPHY, GROUPS
from .facts import PatientFacts

SCHEMA_VERSION = 1
PROVENANCES = ("imported", "curated")
META_FIELDS = {"criterion", "text", "provenance", "curator", "date"}
_str_list = "str_list"
SCHEMA: dict[str, dict[str, str]] = {
    "disease": {
        "icd10": "icd10_list",
        "topography": "icdo_topography_list",
        "morphology": "icdo_morphology_list",
        "group": "group",
        "exclude_icd10": "icd10_list",
        "exclude_morphology": "icdo_morphology_list",
    },
    "variant": {
        "gene": "gene",
        "alteration_type": "alteration_type",
        "exon": "int",
        "protein_change": "protein",
        "protein_position": "protein_position",
        "fusion_partner": "gene",
        "wild_type": "bool",
    },
    "tmb": {"min": "number", "max": "number"},
    "msi": {"status": "msi"},
    "ihc": {
        "marker": "str",
        "scale": "ihc_scale",
        "min": "number",
        "max": "number",
        "below": "number",
    },
    "age": {"min": "number", "max": "number"},
    "sex": {"sex": "sex"},
    "stage": {"metastatic": "bool", "stage_groups": _str_list},
    "line": {"min": "number", "max": "number"},
    "prior_drug": {"drugs": _str_list, "classes": _str_list},
    "ecog": {"min": "number", "max": "number"},
    "lab": {"test": "str", "min": "number", "max": "number", "unit": "str"},
    "to_curate": {},
}
REQUIRED = {"variant": ("gene",), "ihc": ("marker", "scale"), "sex": ("sex",), "lab": ("test",)}
GENE = re.compile(r"^[A-Z][A-Z0-9-]*$")
PROTEIN = re.compile(r"^p\.[A-Z*][0-9]+[A-Za-z0-9_*=]*$")
# A residue and its position ("p.V600"): any change at that position (MatchMiner's wildcard).
PROTEIN_POSITION = re.compile(r"^p\.[A-Z][0-9]+$")
# ICD-10 code or prefix of a disease criterion: a letter and a digit (C5: C50–C59), a third
# character (C18, C7A), an optional subdivision (C50.4, C18.7); "ZZZ" or "cancer" is refused.
ICD10 = re.compile(r"^[A-Z][0-9](?:[0-9A-Z](?:\.[0-9A-Z]{1,2})?)?$")
# What each limit can be, by kind of criterion (the patient side refuses the same values): ECOG
# 0–5 (WHO), age 0–120 years, TMB 0–1000 mut/Mb, HER2 IHC 0–3+, percentages and CPS 0–100,
# prior lines 0–100.
LIMITS: dict[str, tuple[float, float, str]] = {
    "ecog": (0, 5, "ecog_out_of_range"),
    "age": (0, 120, "age_out_of_range"),
    "tmb": (0, MAX_TMB, "tmb_out_of_range"),
    "line": (0, 100, "line_out_of_range"),
    "her2_score": (0, 3, "her2_score_out_of_range"),
    "percent": (0, 100, "percent_out_of_range"),
    "cps": (0, 100, "percent_out_of_range"),
}
CHOICES = {
    "group": GROUPS,
    "alteration_type": ("snv", "indel", "fusion", "amplification", "deletion", "mutation", "cnv"),
    "msi": ("msi_h", "mss"),
    "ihc_scale": ("her2_score", "percent", "cps"),
    "sex": ("F", "M"),
}


# ICD-O-3 codes of a disease criterion (``diseases``): a morphology block (814), type (8140) or
# type and behaviour digit (8140/3); a topography C34 or C34.1.
CODE_LISTS = {
    "icdo_morphology_list": (CRITERION_MORPHOLOGY, "not_icdo_morphology"),
    "icdo_topography_list": (CRITERION_TOPOGRAPHY, "not_icdo_topography"),
}


def _value_problem(kind: str, value: Any) -> str:
    if kind in CODE_LISTS:
        if problem := _value_problem(_str_list, value):
            return problem
        pattern, code = CODE_LISTS[kind]
        return "" if all(pattern.match(v.strip()) for v in value) else code
    if kind == _str_list:
        ok = isinstance(value, list) and all(isinstance(v, str) and v for v in value)
        return "" if ok else "not_text_list"
    if kind in ("number", "int"):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return "" if ok and (kind == "number" or isinstance(value, int)) else "not_number"
    if kind == "bool":
        return "" if isinstance(value, bool) else "not_boolean"
    if kind == "gene":
        if not (isinstance(value, str) and GENE.match(value)):
            return "not_gene"
        return "" if value in KNOWN_GENES else "unknown_gene"
    if kind == "icd10_list":
        if problem := _value_problem(_str_list, value):
            return problem
        return "" if all(ICD10.match(v.strip()) for v in value) else "not_icd10"
    if kind == "protein":
        return "" if isinstance(value, str) and PROTEIN.match(value) else "not_protein_change"
    if kind == "protein_position":
        ok = isinstance(value, str) and PROTEIN_POSITION.match(value) is not None
        return "" if ok else "not_protein_position"
    if kind in CHOICES:
        return "" if value in CHOICES[kind] else "unknown_choice"
    return "" if isinstance(value, str) and value else "not_text"


def tree_problems(node: Any, path: str = "tree") -> list[tuple[str, str]]:
    """Every problem of a tree as (path, code); empty when the tree is valid."""
    if not isinstance(node, dict):
        return [(path, "not_a_node")]
    for operator in ("and", "or"):
        if operator in node:
            children = node[operator]
            if len(node) != 1 or not isinstance(children, list) or not children:
                return [(path, "operator_needs_list")]
            return [p for i, c in enumerate(children) for p in tree_problems(c, f"{path}.{i}")]
    if "not" in node:
        return (
            [(path, "operator_needs_list")]
            if len(node) != 1
            else tree_problems(node["not"], f"{path}.not")
        )
    kind = node.get("criterion")
    if kind not in SCHEMA:
        return [(path, "unknown_criterion")]
    problems = []
    for name, value in node.items():
        if name in META_FIELDS:
            continue
        if name not in SCHEMA[kind]:
            problems.append((f"{path}.{name}", "unknown_field"))
        elif problem := _value_problem(SCHEMA[kind][name], value):
            problems.append((f"{path}.{name}", problem))
    problems += [(f"{path}.{n}", "required") for n in REQUIRED.get(kind, ()) if n not in node]
    if node.get("provenance", "curated") not in PROVENANCES:
        problems.append((f"{path}.provenance", "unknown_choice"))
    problems += _limit_problems(kind, node, path)
    if (
        kind == "variant"
        and node.get("fusion_partner")
        and node.get("alteration_type")
        not in (
            None,
            "fusion",
        )
    ):
        problems.append((f"{path}.fusion_partner", "partner_without_fusion"))
    return problems


def _limit_problems(kind: str, node: dict[str, Any], path: str) -> list[tuple[str, str]]:
    """Limits outside what the measure can be (ECOG ≤ 9, HER2 ≥ 7+) and a minimum above the
    maximum (age 90–18): such a criterion can never be met, or is a typing error."""
    problems = []
    numbers = {
        n: node[n]
        for n in ("min", "max", "below")
        if isinstance(node.get(n), int | float) and not isinstance(node.get(n), bool)
    }
    limits = LIMITS.get(node.get("scale", "") if kind == "ihc" else kind)
    if limits is not None:
        low, high, code = limits
        problems += [(f"{path}.{n}", code) for n, v in numbers.items() if not low <= v <= high]
    if "min" in numbers and "max" in numbers and numbers["min"] > numbers["max"]:
        problems.append((f"{path}.min", "min_above_max"))
    return problems


def document_problems(document: Any) -> list[tuple[str, str]]:
    if not isinstance(document, dict) or document.get("schema") != SCHEMA_VERSION:
        return [("schema", "unsupported_schema")]
    return tree_problems(document.get("tree"))


@dataclass(frozen=True, slots=True)
class LeafResult:
    path: str
    criterion: dict[str, Any]
    value: int
    found: str  # what the patient has, as text ("" when nothing relevant is recorded)


Evaluator = Callable[[PatientFacts, list[LeafResult] | None], int]


def compile_tree(node: dict[str, Any], path: str = "tree") -> Evaluator:
    """A closure evaluating the tree with Kleene logic (AND = min, OR = max, NOT = 2 - v).
    Every leaf is evaluated (no short-circuit) so that every criterion has a reason."""
    if "and" in node or "or" in node:
        combine = min if "and" in node else max
        children = [compile_tree(c, f"{path}.{i}") for i, c in enumerate(next(iter(node.values())))]

        def evaluate_group(f: PatientFacts, out: list[LeafResult] | None) -> int:
            return combine([child(f, out) for child in children])

        return evaluate_group
    if "not" in node:
        inner = compile_tree(node["not"], f"{path}.not")
        return lambda f, out: MET - inner(f, out)
    leaf, criterion = EVALUATORS[node["criterion"]], node

    def evaluate_leaf(f: PatientFacts, out: list[LeafResult] | None) -> int:
        value, found = leaf(criterion, f)
        if out is not None:
            out.append(LeafResult(path, criterion, value, found))
        return value

    return evaluate_leaf


def needs_curation(node: dict[str, Any]) -> bool:
    return any(leaf.get("criterion") == "to_curate" for leaf, _negated in leaves(node))


def leaves(node: dict[str, Any], negated: bool = False) -> list[tuple[dict[str, Any], bool]]:
    """Every criterion of a tree with whether it sits under an odd number of NOTs."""
    if "and" in node or "or" in node:
        return [x for c in next(iter(node.values())) for x in leaves(c, negated)]
    if "not" in node:
        return leaves(node["not"], not negated)
    return [(node, negated)]


__all__ = ["MET", "NOT_MET", "UNKNOWN", "compile_tree", "document_problems", "tree_problems"]
