"""Full re-match, vectorised: every arm evaluated over the whole cohort at once with Python
integers as bitsets (bit ``i`` = the ``i``-th patient), giving exactly the values of the
per-patient evaluator (``tree.compile_tree``) — proved by the property test of
``trials/tests/test_bulk.py``.

Each criterion yields two sets, the patients for whom it is met and those for whom it is not met
(the rest: to verify). Kleene logic on sets: AND met = ∩ met, not met = ∪ not met; OR the
reverse; NOT swaps them. A criterion is computed once per distinct value of what it reads:

- disease: per distinct diagnosis, then "met" only when every diagnosis of the patient meets it
  and "not met" only when every one does not (mixed answers and no diagnosis: to verify), as in
  ``criteria.disease``;
- variant: per distinct variant; met when one matches, never "not met" (absence proves nothing)
  except a wild-type criterion, not met by a variant in the gene (``criteria.variant``);
  discordant results (a pathogenic variant and a negative result covering it, one variant
  classified both pathogenic and benign) are to verify, except for a wild-type criterion,
  not met by the pathogenic variant;
- prior drug: per regimen word and treatment kind; never "not met" (``criteria.prior_drug``);
- every other criterion reads one value of the patient (age, sex, stage, lines, ECOG, TMB,
  MSI, one IHC marker, one laboratory test): the scalar evaluator is run once per distinct value
  on a patient having it.

Nothing is pruned: an arm's "to verify" patients are every patient neither met nor not met."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from typing import Any

from .criteria import (
    EVALUATORS,
    MET,
    NOT_MET,
    UNKNOWN,
    _disease_one,
    _ish_results,
    _same_variant,
    negative_covers,
    variant_matches,
    wild_type_broken_by,
)
from .facts import PatientFacts

Bits = int
Pair = tuple[Bits, Bits]  # (met, not met)

# What each single-value criterion reads of the patient (its evaluator reads nothing else).
PROJECTIONS: dict[str, Callable[[dict[str, Any], PatientFacts], Hashable]] = {
    "age": lambda c, f: f.age,
    "sex": lambda c, f: f.sex,
    "stage": lambda c, f: (f.metastatic, f.stage_group),
    "line": lambda c, f: f.prior_lines,
    "ecog": lambda c, f: f.ecog,
    "tmb": lambda c, f: (f.tmb, f.tmb_values),
    "msi": lambda c, f: (f.msi, f.msi_values),
    # HER2 also reads the ERBB2 amplification (in situ hybridisation) beside the IHC score; the
    # other results of the same specimen may be discordant (``criteria.discordant``). The key
    # tells "no ISH" from "contradictory ISH" (both ``her2_ish`` None): the raw results of the
    # specimen (by ISH and by another method) and (amplified, not amplified) by ISH and by
    # another method, as ``criteria.ihc`` reads them.
    "ihc": lambda c, f: (
        f.ihc.get(c["marker"]),
        f.ihc_values.get(c["marker"]),
        (f.her2_ish, f.her2_other, _ish_results(f)) if c["marker"] == "HER2" else None,
    ),
    "lab": lambda c, f: f.labs.get(c["test"]),
    "to_curate": lambda c, f: None,
}
PROJECTION_KEYS = {"ihc": "marker", "lab": "test"}  # the criterion field the projection reads


def to_bits(indices: list[int], size: int) -> Bits:
    if not indices:
        return 0
    if len(indices) * 8 < size // 8:  # sparse: shifts are cheaper than a buffer
        value = 0
        for i in indices:
            value |= 1 << i
        return value
    buffer = bytearray((size + 7) // 8)
    for i in indices:
        buffer[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(buffer, "little")


def indices_of(bits: Bits) -> list[int]:
    """The patient indices set in ``bits`` (ascending)."""
    out = []
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for byte_index, byte in enumerate(data):
        while byte:
            low = byte & -byte
            out.append(byte_index * 8 + low.bit_length() - 1)
            byte ^= low
    return out


class Cohort:
    """The patients' facts indexed by value (built once per full re-match)."""

    def __init__(self, patients: list[PatientFacts]) -> None:
        self.patients = patients
        self.size = len(patients)
        self.all: Bits = (1 << self.size) - 1
        self._groups: dict[Hashable, dict[Hashable, Bits]] = {}
        self._representative: dict[Hashable, dict[Hashable, int]] = {}
        self._leaf_cache: dict[str, Pair] = {}
        diagnoses: dict[Any, list[int]] = {}
        variants: dict[Any, list[int]] = {}
        negatives: dict[Any, list[int]] = {}
        words: dict[str, list[int]] = {}
        kinds: dict[str, list[int]] = {}
        nothing_known: list[int] = []
        for i, f in enumerate(patients):
            for d in set(f.diagnoses):
                diagnoses.setdefault(d, []).append(i)
            for v in set(f.variants):
                variants.setdefault(v, []).append(i)
            for n in set(f.negatives):
                negatives.setdefault(n, []).append(i)
            for word in f.prior_drugs:
                words.setdefault(word, []).append(i)
            for kind in f.prior_classes:
                kinds.setdefault(kind, []).append(i)
            if f.prior_lines is None and not f.prior_drugs:
                nothing_known.append(i)
        size = self.size
        self.diagnoses = {d: to_bits(ix, size) for d, ix in diagnoses.items()}
        self.variants = {v: to_bits(ix, size) for v, ix in variants.items()}
        self.negatives = {n: to_bits(ix, size) for n, ix in negatives.items()}
        self.words = {w: to_bits(ix, size) for w, ix in words.items()}
        self.kinds = {k: to_bits(ix, size) for k, ix in kinds.items()}
        self.nothing_known = to_bits(nothing_known, size)

    # --- single-value criteria -------------------------------------------------------------
    def _grouped(self, kind: str, c: dict[str, Any]) -> tuple[dict[Hashable, Bits], dict]:
        field = PROJECTION_KEYS.get(kind)
        key = (kind, c.get(field) if field else None)
        if key not in self._groups:
            project = PROJECTIONS[kind]
            groups: dict[Hashable, list[int]] = {}
            for i, f in enumerate(self.patients):
                groups.setdefault(project(c, f), []).append(i)
            self._groups[key] = {value: to_bits(ix, self.size) for value, ix in groups.items()}
            self._representative[key] = {value: ix[0] for value, ix in groups.items()}
        return self._groups[key], self._representative[key]

    def _single(self, c: dict[str, Any]) -> Pair:
        groups, representative = self._grouped(c["criterion"], c)
        evaluate = EVALUATORS[c["criterion"]]
        met = not_met = 0
        for value, bits in groups.items():
            result, _found = evaluate(c, self.patients[representative[value]])
            if result == MET:
                met |= bits
            elif result == NOT_MET:
                not_met |= bits
        return met, not_met

    # --- criteria over several values ------------------------------------------------------
    def _disease(self, c: dict[str, Any]) -> Pair:
        some = {MET: 0, NOT_MET: 0, UNKNOWN: 0}
        for d, bits in self.diagnoses.items():
            some[_disease_one(c, d.icd10, d.topography, d.morphology)] |= bits
        met = some[MET] & ~some[NOT_MET] & ~some[UNKNOWN]
        not_met = some[NOT_MET] & ~some[MET] & ~some[UNKNOWN]
        return met, not_met

    def _variant(self, c: dict[str, Any]) -> Pair:
        """As ``criteria.variant``: class 4–5 proves, class 3 or none leaves it to verify,
        class 1–2 and a covering negative result answer "no"."""
        proven = unsure = benign = covered = 0
        matches = wild_type_broken_by if c.get("wild_type") else variant_matches
        matched = [(v, bits) for v, bits in self.variants.items() if matches(c, v)]
        for v, bits in matched:
            if v.pathogenic:
                proven |= bits
            elif v.benign:
                benign |= bits
            else:
                unsure |= bits
        for n, bits in self.negatives.items():
            if negative_covers(c, n):
                covered |= bits
        # Discordant results are to verify: a class 4–5 variant and a covering negative result
        # (wild type: not met), or the same variant classified pathogenic and benign.
        if c.get("wild_type"):  # a pathogenic variant breaks it even beside a negative
            return covered & ~proven & ~unsure, proven
        classes = 0
        for v, bits in matched:
            if v.pathogenic:
                for w, other in matched:
                    if w.benign and _same_variant(w, v):
                        classes |= bits & other
        return proven & ~covered & ~classes, (benign | covered) & ~proven & ~unsure

    def _prior_drug(self, c: dict[str, Any]) -> Pair:
        hit = 0
        for drug in c.get("drugs", ()):
            hit |= self.words.get(drug, 0)
        for kind in c.get("classes", ()):
            hit |= self.kinds.get(kind, 0)
        return hit & ~self.nothing_known, 0

    def leaf(self, c: dict[str, Any]) -> Pair:
        key = json.dumps(c, sort_keys=True, default=str)
        cached = self._leaf_cache.get(key)
        if cached is None:
            kind = c["criterion"]
            if kind == "disease":
                cached = self._disease(c)
            elif kind == "variant":
                cached = self._variant(c)
            elif kind == "prior_drug":
                cached = self._prior_drug(c)
            else:
                cached = self._single(c)
            self._leaf_cache[key] = cached
        return cached

    def evaluate(self, node: dict[str, Any]) -> Pair:
        """(met, not met) patient sets of a tree."""
        if "and" in node or "or" in node:
            pairs = [self.evaluate(child) for child in next(iter(node.values()))]
            met, not_met = pairs[0]
            if "and" in node:
                for m, n in pairs[1:]:
                    met, not_met = met & m, not_met | n
            else:
                for m, n in pairs[1:]:
                    met, not_met = met | m, not_met & n
            return met, not_met
        if "not" in node:
            met, not_met = self.evaluate(node["not"])
            return not_met, met
        return self.leaf(node)

    def arm_sets(self, tree: dict[str, Any]) -> tuple[Bits, Bits]:
        """(met, to verify) patient sets of an arm."""
        met, not_met = self.evaluate(tree)
        return met, self.all & ~met & ~not_met

    def value_of(self, sets: tuple[Bits, Bits], index: int) -> int:
        met, to_verify = sets
        return MET if met >> index & 1 else UNKNOWN if to_verify >> index & 1 else NOT_MET


def full_rematch(
    patients: list[PatientFacts], trees: dict[str, dict[str, Any]]
) -> dict[str, tuple[Bits, Bits]]:
    """Every arm's (met, to verify) patient sets over the cohort."""
    cohort = Cohort(patients)
    return {key: cohort.arm_sets(tree) for key, tree in trees.items()}
