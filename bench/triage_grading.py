"""Benchmark of the grading engine (issues 4 and 12): validate + grade + triage (the newest
default rule set, default@2) of assessments, in one process on one core. Target: >= 20,000
assessments per second.

The assessments are a fixed, seeded mix of what the platform receives: self-reports on
immunotherapy (0 to 6 answers, with chest pain, muscle weakness and headache), self-reports on
chemotherapy (fever, its duration, a neutrophil count), nurse visits with temperature and lab
values in multiples of the upper limit, CAR-T clinician assessments with CRS and ICANS inputs
(ICE items) and relatives' neurological watches. A tenth of the patients are on chemotherapy and
immunotherapy at once: they are triaged for both and the strictest answer kept.

    .venv/bin/python bench/triage_grading.py [--assessments 200000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import common

SELF_REPORT_ANSWERS: dict[str, list[Any]] = {
    "temperature_c": [36.6, 37.4, 38.1, 38.9, 39.6, 40.3],
    "stools_over_baseline_per_day": [0, 1, 2, 3, 4, 5, 7, 9],
    "blood_or_mucus_in_stool": [False, True],
    "abdominal_pain": ["none", "mild", "moderate", "severe"],
    "dyspnea": ["none", "moderate_exertion", "minimal_exertion", "at_rest"],
    "fatigue": ["none", "relieved_by_rest", "limits_instrumental_adl", "limits_self_care_adl"],
    "pruritus": ["none", "mild_localized", "widespread_intermittent", "widespread_constant"],
    "nausea": ["none", "appetite_loss", "reduced_intake", "inadequate_intake"],
    "rash_bsa_percent": [0.0, 5.0, 20.0, 40.0],
    "chest_pain": ["none", "none", "mild", "moderate"],
    "muscle_weakness": ["none", "symptomatic_not_limiting", "limits_instrumental_adl"],
    "headache": ["none", "mild", "moderate"],
}
CHEMOTHERAPY_ANSWERS: dict[str, list[Any]] = {
    "temperature_c": [36.8, 37.5, 38.1, 38.6, 39.4],
    "fever_hours_at_or_above_38": [0.5, 1, 3],
    "neutrophils_g_per_l": [0.3, 0.8, 1.2, 2.5, 4.0],
    "nausea": ["none", "appetite_loss", "reduced_intake"],
    "vomiting": ["none", "no_intervention", "outpatient_iv_hydration"],
}
NEURO = ["confusion", "word_finding_difficulty", "handwriting_change", "tremor"]


def assessment(rng: random.Random) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.15:
        keys = rng.sample(sorted(CHEMOTHERAPY_ANSWERS), rng.randint(1, 4))
        return {
            "context": {"treatment": "chemotherapy", "source": "patient"},
            "observations": {key: rng.choice(CHEMOTHERAPY_ANSWERS[key]) for key in keys},
        }
    if roll < 0.2:
        return {
            "context": {"treatment": "car_t", "source": "caregiver"},
            "observations": {"neuro_changes": rng.sample(NEURO, rng.randint(0, 2))},
        }
    if roll < 0.7:
        keys = rng.sample(sorted(SELF_REPORT_ANSWERS), rng.randint(0, 6))
        return {
            "context": {"treatment": "immune_checkpoint_inhibitor", "source": "patient"},
            "observations": {key: rng.choice(SELF_REPORT_ANSWERS[key]) for key in keys},
        }
    if roll < 0.85:
        return {
            "context": {"treatment": "immune_checkpoint_inhibitor", "source": "nurse"},
            "observations": {
                "temperature_c": rng.choice(SELF_REPORT_ANSWERS["temperature_c"]),
                "alt_x_uln": rng.choice([1.0, 2.5, 4.0, 12.0, 25.0]),
                "bilirubin_x_uln": rng.choice([0.8, 1.2, 2.0, 4.0]),
            },
        }
    ice = {
        "orientation": rng.randint(0, 4),
        "naming": rng.randint(0, 3),
        "commands": 1,
        "writing": rng.randint(0, 1),
        "attention": rng.randint(0, 1),
    }
    return {
        "context": {
            "treatment": "car_t",
            "source": "clinician",
            "days_since_infusion": rng.randint(0, 14),
        },
        "observations": {
            "temperature_c": rng.choice([37.0, 38.2, 39.1, 40.2]),
            "hypotension": rng.choice(["none", "fluid_responsive", "one_vasopressor"]),
            "oxygen": rng.choice(["none", "low_flow_nasal_cannula", "high_flow_or_face_mask"]),
            "ice": ice,
            "consciousness": rng.choice(["awake", "awake", "wakes_to_voice"]),
            "seizure": "none",
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assessments", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # one core
    from oncoparcours.monitoring import triage
    from oncoparcours.monitoring.rules import grading, policy, strictest

    rule_set = triage.load_rule_set("default")
    rng = random.Random(20261123)
    inputs = [assessment(rng) for _ in range(args.assessments)]
    both = [rng.random() < 0.1 for _ in inputs]  # on chemotherapy and immunotherapy at once
    levels: dict[str, int] = {}
    rates = []
    for _round in range(args.rounds):
        started = time.perf_counter()
        for raw, combined in zip(inputs, both, strict=True):
            valid, error = grading.validate(raw)
            if error is not None or valid is None:
                raise SystemExit(f"bench input refused: {error}")
            if combined:
                decision = strictest.triage(
                    valid,
                    treatments=("chemotherapy", "immune_checkpoint_inhibitor"),
                    rule_sets=(rule_set,),
                ).decision
            else:
                decision = policy.decide(rule_set, valid, grading.grade(valid))
            levels[decision.level] = levels.get(decision.level, 0) + 1
        rates.append(args.assessments / (time.perf_counter() - started))
    figures = {
        "assessments_per_round": args.assessments,
        "rounds": args.rounds,
        "per_second_median": round(sorted(rates)[len(rates) // 2]),
        "per_second_min": round(min(rates)),
        "microseconds_per_assessment_median": round(1e6 / sorted(rates)[len(rates) // 2], 1),
        "levels": {k: v // args.rounds for k, v in sorted(levels.items())},
    }
    path = common.save("triage-grading", figures)
    print(
        f"Grading: {figures['per_second_median']:,} assessments/s median over {args.rounds} "
        f"rounds (min {figures['per_second_min']:,}), "
        f"{figures['microseconds_per_assessment_median']} µs each; levels {figures['levels']}"
    )
    print(f"Saved {path}")


if __name__ == "__main__":
    main()
