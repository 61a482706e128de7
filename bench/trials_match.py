"""Benchmark of trial matching (issue 15): full re-match of a synthetic cohort against a
synthetic registry, in one process on one core (pure rules, ``oncoparcours.trials.rules``: the
vectorised engine of ``rules/bulk.py``, cohort indexing included in the time), and re-matching
one patient with every criterion's reason and the ranking (``rules/matching.py``). Targets: 100,000
patients × 500 arms ≤ 10 s; one patient ≤ 50 ms.

The arms are a seeded mix of what a registry holds: organ trials with a driver (ICD-10 category
+ gene, exact or wildcard protein change, age, ECOG), organ trials without biomarker (metastatic,
lines, ECOG), solid-tumour baskets on one to three genes, haematological trials, MSI-H / TMB
baskets, and a few biomarker-only trials with no disease criterion. Patients have one or two
cancers, 70 % a sequencing result (0–4 variants, fusions included), half a TMB, 40 % an MSI
status, 70 % an ECOG, and coordinates in metropolitan France.

    .venv/bin/python bench/trials_match.py [--patients 100000] [--arms 500] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import common

SOLID = ["C15", "C16", "C18", "C19", "C20", "C22", "C25", "C34", "C43", "C50", "C53", "C54",
         "C56", "C61", "C64", "C67", "C71", "C73", "C49", "C41"]  # fmt: skip
HAEM = ["C81", "C83", "C85", "C90", "C91", "C92"]
GENES = ["BRAF", "KRAS", "NRAS", "EGFR", "ALK", "ROS1", "RET", "MET", "ERBB2", "PIK3CA",
         "NTRK1", "NTRK2", "NTRK3", "FGFR2", "FGFR3", "IDH1", "IDH2", "BRCA1", "BRCA2", "KIT",
         "PDGFRA", "FLT3", "NPM1", "TP53", "CDKN2A", "PTEN", "ESR1", "AKT1", "MAP2K1",
         "NF1"]  # fmt: skip
CHANGES = {"BRAF": ["p.V600E", "p.V600K", "p.G469A"], "KRAS": ["p.G12C", "p.G12D", "p.G13D"],
           "EGFR": ["p.L858R", "p.T790M", "p.E746_A750del"], "PIK3CA": ["p.H1047R", "p.E545K"],
           "IDH1": ["p.R132H"], "ERBB2": ["p.S310F"]}  # fmt: skip
FUSION_GENES = {"ALK": "EML4", "ROS1": "CD74", "RET": "KIF5B", "NTRK1": "TPM3", "NTRK3": "ETV6",
                "FGFR2": "BICC1"}  # fmt: skip


def gene_criterion(rng: random.Random, gene: str) -> dict:
    criterion: dict = {"criterion": "variant", "gene": gene}
    if gene in FUSION_GENES and rng.random() < 0.8:
        criterion["alteration_type"] = "fusion"
    elif gene in CHANGES and rng.random() < 0.7:
        change = rng.choice(CHANGES[gene])
        criterion["protein_change"] = change if rng.random() < 0.5 else change[:-1] + "*"
    return criterion


def arm_tree(rng: random.Random) -> dict:
    roll = rng.random()
    age = {"criterion": "age", "min": 18}
    ecog = {"criterion": "ecog", "max": rng.choice([1, 2])}
    if roll < 0.40:
        disease = {"criterion": "disease", "icd10": rng.sample(SOLID, rng.choice([1, 1, 2]))}
        return {"and": [disease, gene_criterion(rng, rng.choice(GENES)), age, ecog]}
    if roll < 0.60:
        disease = {"criterion": "disease", "icd10": [rng.choice(SOLID)]}
        return {"and": [disease, {"criterion": "stage", "metastatic": True},
                        {"criterion": "line", "max": rng.choice([1, 2, 3])}, ecog]}  # fmt: skip
    if roll < 0.75:
        genes = rng.sample(GENES, rng.choice([1, 2, 3]))
        either = [gene_criterion(rng, g) for g in genes]
        return {"and": [{"criterion": "disease", "group": "solid"},
                        either[0] if len(either) == 1 else {"or": either}, age]}  # fmt: skip
    if roll < 0.85:
        disease = {"criterion": "disease", "group": "haematological"}
        return {"and": [disease, gene_criterion(rng, rng.choice(["FLT3", "NPM1", "IDH1", "IDH2"]))]}
    if roll < 0.95:
        marker = (
            {"criterion": "msi", "status": "msi_h"} if rng.random() < 0.5
            else {"criterion": "tmb", "min": 10}
        )  # fmt: skip
        exclusion = {"not": {"criterion": "disease", "icd10": ["C18", "C19", "C20"]}}
        return {"and": [{"criterion": "disease", "group": "solid"}, marker, exclusion, age]}
    return {"and": [gene_criterion(rng, rng.choice(GENES)), age]}


def patient(rng: random.Random, facts_module):
    f = facts_module
    haem = rng.random() < 0.12
    codes = [rng.choice(HAEM if haem else SOLID) for _ in range(rng.choice([1, 1, 1, 2]))]
    diagnoses = tuple(f.DiagnosisFacts(f"{c}.{rng.randint(0, 9)}") for c in codes)
    sequenced = rng.random() < 0.7
    variants = []
    for _ in range(rng.randint(0, 4) if sequenced else 0):
        gene = rng.choice(GENES)
        if gene in FUSION_GENES and rng.random() < 0.5:
            variants.append(f.VariantFacts(FUSION_GENES[gene], "fusion", None, "", gene, 5))
        else:
            change = rng.choice(CHANGES.get(gene, [""]))
            variants.append(f.VariantFacts(gene, "snv", None, change, "", 5))
    return f.PatientFacts(
        age=rng.randint(18, 90),
        sex=rng.choice("FM"),
        diagnoses=diagnoses,
        metastatic=rng.choice([True, False, None]),
        prior_lines=rng.choice([None, 0, 1, 2, 3]),
        ecog=rng.choice([0, 1, 2, 3]) if rng.random() < 0.7 else None,
        sequenced=sequenced,
        variants=tuple(variants),
        tmb=round(rng.uniform(0, 30), 1) if rng.random() < 0.5 else None,
        msi=rng.choice(["msi_h", "mss", "mss", "mss"]) if rng.random() < 0.4 else "",
        latitude=rng.uniform(43.0, 50.5),
        longitude=rng.uniform(-1.5, 7.5),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--arms", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # one core
    from oncoparcours.trials.rules import facts
    from oncoparcours.trials.rules.bulk import Cohort, indices_of
    from oncoparcours.trials.rules.matching import ArmSpec, Matcher

    rng = random.Random(20261203)
    started = time.perf_counter()
    arms = [
        ArmSpec(f"arm{i}", f"arm {i}", arm_tree(rng),
                tuple((rng.uniform(43, 50.5), rng.uniform(-1.5, 7.5)) for _ in range(3)))
        for i in range(args.arms)
    ]  # fmt: skip
    matcher = Matcher(arms)
    index_seconds = time.perf_counter() - started
    cohort = [patient(rng, facts) for _ in range(args.patients)]
    trees = {spec.key: spec.tree for spec in arms}
    full, build, listing, results = [], [], [], {"met": 0, "to_verify": 0, "candidates": 0}
    for _round in range(args.rounds):
        started = time.perf_counter()
        bulk = Cohort(cohort)  # the cohort indexed by value, inside the timed full re-match
        built = time.perf_counter()
        sets = {key: bulk.arm_sets(tree) for key, tree in trees.items()}
        full.append(time.perf_counter() - started)
        build.append(built - started)
        results = {
            "met": sum(met.bit_count() for met, _verify in sets.values()),
            "to_verify": sum(verify.bit_count() for _met, verify in sets.values()),
        }
        started = time.perf_counter()  # the (patient, arm) pairs as lists, e.g. to store them
        pairs = sum(len(indices_of(met)) + len(indices_of(verify)) for met, verify in sets.values())
        listing.append(time.perf_counter() - started)
        assert pairs == results["met"] + results["to_verify"]
    results["candidates"] = sum(len(matcher.candidates(p)) for p in cohort[:10_000]) // min(
        10_000, len(cohort)
    )
    unindexed = []  # the per-patient engine (index by disease), for comparison, 5,000 patients
    started = time.perf_counter()
    for one in cohort[:5000]:
        matcher.values(one)
    unindexed.append(time.perf_counter() - started)
    single = []
    for one in cohort[:2000]:
        started = time.perf_counter()
        matcher.match(one)
        single.append((time.perf_counter() - started) * 1000)
    figures = {
        "patients": args.patients,
        "arms": args.arms,
        "rounds": args.rounds,
        "index_build_seconds": round(index_seconds, 3),
        "full_rematch_seconds_median": round(sorted(full)[len(full) // 2], 2),
        "full_rematch_seconds_max": round(max(full), 2),
        "cohort_index_seconds_median": round(sorted(build)[len(build) // 2], 2),
        "pairs_listing_seconds_median": round(sorted(listing)[len(listing) // 2], 2),
        "per_patient_engine_seconds_for_5000": round(unindexed[0], 2),
        "arms_met_per_round": results["met"],
        "arms_to_verify_per_round": results["to_verify"],
        "candidate_arms_per_patient_mean": results["candidates"],
        "one_patient_ms": common.summary(single),
    }
    path = common.save("trials-match", figures)
    print(
        f"Full re-match: {args.patients:,} patients × {args.arms} arms in "
        f"{figures['full_rematch_seconds_median']} s median over {args.rounds} rounds "
        f"(max {figures['full_rematch_seconds_max']} s); {results['met']:,} arms met, "
        f"{results['to_verify']:,} to verify; ~{results['candidates']} candidate arms/patient"
    )
    print(
        f"  of which indexing the cohort {figures['cohort_index_seconds_median']} s; listing the "
        f"pairs {figures['pairs_listing_seconds_median']} s; per-patient engine on 5,000 "
        f"patients {figures['per_patient_engine_seconds_for_5000']} s"
    )
    print(f"One patient with reasons and ranking: {figures['one_patient_ms']} ms")
    print(f"Saved {path}")


if __name__ == "__main__":
    main()
