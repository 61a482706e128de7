"""The vectorised full re-match (``rules/bulk.py``) gives exactly the per-patient evaluator's
value for every patient and every arm: a property test over random trees of every criterion type
and random cohorts (small vocabularies, so that values collide and every branch is reached), and
the benchmark's synthetic registry on a seeded cohort."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oncoparcours.trials.rules.bulk import Cohort, indices_of, to_bits
from oncoparcours.trials.rules.facts import (
    DiagnosisFacts,
    NegativeFacts,
    PatientFacts,
    VariantFacts,
)
from oncoparcours.trials.rules.tree import compile_tree, tree_problems

CODES = ["C18.7", "C34.1", "C43.9", "C50.9", "C92.0", "C61", "D47.2", "C71"]
MORPHOLOGY = ["", "8140/3", "8720/3", "9440/3"]
GENES = ["BRAF", "KRAS", "NTRK3", "ETV6", "EGFR"]
PROTEINS = ["", "p.V600E", "p.V600=", "p.V600K", "p.G12C", "p.R213*", "p.V6001"]
TYPES = ["snv", "indel", "fusion", "amplification", "deletion"]

diagnosis = st.builds(DiagnosisFacts, st.sampled_from(CODES), st.sampled_from(["", "C34.1",
                      "C50.9"]), st.sampled_from(MORPHOLOGY))  # fmt: skip
variant = st.builds(VariantFacts, st.sampled_from(GENES), st.sampled_from(TYPES),
                    st.sampled_from([None, 15, 19]), st.sampled_from(PROTEINS),
                    st.sampled_from(["", "NTRK3", "ETV6"]),
                    st.sampled_from([None, 1, 2, 3, 4, 5]))  # fmt: skip
negative = st.builds(NegativeFacts, st.sampled_from(GENES),
                     st.sampled_from(["", *TYPES]), st.sampled_from([None, 15]))  # fmt: skip
maybe = st.none() | st.integers(0, 4)
patient = st.builds(
    PatientFacts,
    age=st.integers(15, 90),
    sex=st.sampled_from(["F", "M", "X"]),
    diagnoses=st.lists(diagnosis, max_size=3).map(tuple),
    metastatic=st.sampled_from([None, True, False]),
    stage_group=st.sampled_from(["", "III", "IVA", "II"]),
    prior_lines=maybe,
    prior_drugs=st.frozensets(st.sampled_from(["vemurafenib", "folfox", "pembrolizumab"])),
    prior_classes=st.frozensets(st.sampled_from(["chemotherapy", "immunotherapy"])),
    ecog=maybe,
    labs=st.dictionaries(st.sampled_from(["creatinine"]), st.sampled_from([50.0, 120.0])),
    variants=st.lists(variant, max_size=3).map(tuple),
    negatives=st.lists(negative, max_size=2).map(tuple),
    tmb=st.sampled_from([None, 2.0, 10.0, 25.5]),
    msi=st.sampled_from(["", "msi_h", "mss", "dmmr", "pmmr", "msi_l"]),
    ihc=st.dictionaries(st.sampled_from(["HER2", "ER"]), st.sampled_from(
        [("her2_score", 2.0), ("her2_score", 3.0), ("percent", 0.5), ("percent", 40.0)])),
)  # fmt: skip
# A minimum above the maximum is refused by the tree validation (it can never be met).
bounds = st.fixed_dictionaries({}, optional={"min": st.sampled_from([1, 10, 18]),
                                             "max": st.sampled_from([2, 20, 75])}).filter(
    lambda b: b.get("min", 0) <= b.get("max", 1000))  # fmt: skip
ecog_bounds = st.fixed_dictionaries({}, optional={"min": st.sampled_from([0, 1, 2]),
                                                  "max": st.sampled_from([2, 3, 5])})  # fmt: skip
codes = st.lists(st.sampled_from(["C18", "C34", "C43", "C5", "C92", "D47"]), min_size=1,
                 max_size=2)  # fmt: skip
criterion = st.one_of(
    st.fixed_dictionaries({"criterion": st.just("disease")}, optional={
        "icd10": codes, "group": st.sampled_from(["solid", "haematological"]),
        "exclude_icd10": codes, "exclude_morphology": st.just(["8720"]),
        "morphology": st.just(["8140"]), "topography": st.just(["C34"])}),
    st.fixed_dictionaries({"criterion": st.just("variant"), "gene": st.sampled_from(GENES)},
        optional={"alteration_type": st.sampled_from([*TYPES, "mutation", "cnv"]),
                  "protein_change": st.sampled_from(["p.V600E", "p.R213*"]),
                  "protein_position": st.sampled_from(["p.V600", "p.G12"]),
                  "exon": st.sampled_from([15, 19]), "wild_type": st.booleans()}),
    st.fixed_dictionaries({"criterion": st.just("variant"), "gene": st.sampled_from(GENES),
                           "alteration_type": st.just("fusion"),
                           "fusion_partner": st.sampled_from(["NTRK3", "ETV6"])}),
    bounds.map(lambda b: {"criterion": "tmb", **b}),
    bounds.map(lambda b: {"criterion": "age", **b}),
    bounds.map(lambda b: {"criterion": "line", **b}),
    ecog_bounds.map(lambda b: {"criterion": "ecog", **b}),
    bounds.map(lambda b: {"criterion": "lab", "test": "creatinine", **b}),
    st.sampled_from([{"criterion": "msi", "status": "msi_h"}, {"criterion": "msi", "status": "mss"},
        {"criterion": "sex", "sex": "F"}, {"criterion": "stage", "metastatic": True},
        {"criterion": "stage", "stage_groups": ["III", "IV"]}, {"criterion": "to_curate"},
        {"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3},
        {"criterion": "ihc", "marker": "ER", "scale": "percent", "below": 1},
        {"criterion": "prior_drug", "drugs": ["vemurafenib"], "classes": ["immunotherapy"]}]),
)  # fmt: skip
tree = st.recursive(
    criterion,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=4).map(lambda c: {"and": c}),
        st.lists(inner, min_size=1, max_size=4).map(lambda c: {"or": c}),
        inner.map(lambda c: {"not": c}),
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees=st.lists(tree, min_size=1, max_size=5), cohort=st.lists(patient, max_size=25))
def test_bulk_values_equal_the_per_patient_evaluator(trees, cohort):
    bulk = Cohort(cohort)
    for node in trees:
        assert tree_problems(node) == []
        sets = bulk.arm_sets(node)
        evaluate = compile_tree(node)
        for index, facts in enumerate(cohort):
            assert bulk.value_of(sets, index) == evaluate(facts, None), (node, facts)


def test_bulk_equals_on_the_benchmark_registry():
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
    import trials_match as bench

    from oncoparcours.trials.rules import facts

    rng = random.Random(15)
    trees = [bench.arm_tree(rng) for _ in range(200)]
    cohort = [bench.patient(rng, facts) for _ in range(400)]
    bulk = Cohort(cohort)
    for node in trees:
        sets, evaluate = bulk.arm_sets(node), compile_tree(node)
        assert [bulk.value_of(sets, i) for i in range(len(cohort))] == [
            evaluate(f, None) for f in cohort
        ]


@given(st.sets(st.integers(0, 300)))
def test_bit_sets_round_trip(indices):
    assert indices_of(to_bits(sorted(indices), 301)) == sorted(indices)
