"""Side by side with MatchMiner (issue 15): the same synthetic cohort and CTML trials matched by
MatchMiner's engine (``matchengine-V2`` 2.1, Apache-2.0, on mongomock, in a throwaway virtual
environment under ``var/bench/`` that this script creates; never vendored nor imported by the
product) and by ours (the CTML importer, then the vectorised engine of ``trials/rules/bulk.py``).

Compared at arm level on the layer MatchMiner supports (OncoTree diagnosis and its groups, age,
gender, TMB, gene mutations with exact or wildcard protein change, copy-number changes,
structural variants, MSI/MMR). MatchMiner answers match / no match; ours met / not met / to verify
(a fact not recorded, or a variant not found — absence proves nothing for us). Agreement: a
MatchMiner match is our "met", a MatchMiner non-match is our "not met" or "to verify"; every
other pair is a disagreement, printed with both trees and the patient's data.

Speed: matching time only (documents already loaded in mongomock for MatchMiner; the cohort's
facts already built for ours, the cohort index inside the timed part). Targets: 100 % agreement
with every disagreement explained; ours ≥ 50× faster at 6,000 patients × 20 trials.

    .venv/bin/python bench/matchminer_compare.py [--patients 6000] [--trials 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import common

VENV = common.ROOT / "var" / "bench" / "matchminer-venv"
RUNNER = Path(__file__).resolve().parent / "matchminer_runner.py"
PACKAGES = ["mongomock==4.3.0", "mongomock-motor==0.0.36", "networkx", "pyyaml",
            "python-dateutil", "typing_extensions"]  # fmt: skip
TODAY = dt.date.today()

# OncoTree names of the patients, with the ICD-10 code and ICD-O-3 morphology our record holds.
DIAGNOSES = {
    "Cutaneous Melanoma": ("C43.5", "8720/3"),
    "Lung Adenocarcinoma": ("C34.1", "8140/3"),
    "Lung Squamous Cell Carcinoma": ("C34.1", "8070/3"),
    "Colon Adenocarcinoma": ("C18.2", "8140/3"),
    "Rectal Adenocarcinoma": ("C20", "8140/3"),
    "Invasive Breast Carcinoma": ("C50.4", "8500/3"),
    "Papillary Thyroid Cancer": ("C73", "8260/3"),
    "Pancreatic Adenocarcinoma": ("C25.0", "8140/3"),
    "Prostate Adenocarcinoma": ("C61", "8140/3"),
    "Endometrial Carcinoma": ("C54.1", "8380/3"),
    "Bladder Urothelial Carcinoma": ("C67.9", "8120/3"),
    "Diffuse Large B-Cell Lymphoma": ("C83.3", "9680/3"),
    "Acute Myeloid Leukemia": ("C92.0", "9861/3"),
}
ORGAN_TRIAL_NAMES = ["Melanoma", "Non-Small Cell Lung Cancer", "Lung Adenocarcinoma",
                     "Colorectal Adenocarcinoma", "Breast", "Thyroid", "Pancreatic Adenocarcinoma",
                     "Prostate Adenocarcinoma", "Endometrial Carcinoma",
                     "Bladder Urothelial Carcinoma"]  # fmt: skip
MUTATIONS = {"BRAF": ["p.V600E", "p.V600K", "p.G469A"], "KRAS": ["p.G12C", "p.G12D", "p.G13D"],
             "EGFR": ["p.L858R", "p.T790M"], "PIK3CA": ["p.H1047R", "p.E545K"],
             "IDH1": ["p.R132H", "p.R132C"], "FLT3": ["p.D835Y"], "TP53": ["p.R175H", "p.R273C"],
             "ERBB2": ["p.S310F"], "NRAS": ["p.Q61K", "p.Q61R"]}  # fmt: skip
FUSIONS = [("EML4", "ALK"), ("CD74", "ROS1"), ("KIF5B", "RET"), ("TPM3", "NTRK1"),
           ("ETV6", "NTRK3")]  # fmt: skip
AMPLIFIED = ["ERBB2", "MET", "FGFR2"]


# --- the cohort, in both shapes ---------------------------------------------------------------
def make_patient(rng: random.Random, i: int) -> tuple[dict, list[dict], dict]:
    """MatchMiner's clinical document, its genomic documents, and the facts we would record."""
    name = rng.choice(list(DIAGNOSES))
    birth = TODAY - dt.timedelta(days=rng.randint(16 * 365, 90 * 365))
    sample = f"S{i:06d}"
    gender = rng.choice(["Female", "Male"])
    tmb = round(rng.uniform(0, 25), 1) if rng.random() < 0.8 else None
    clinical = {"SAMPLE_ID": sample, "MRN": f"M{i:06d}", "VITAL_STATUS": "alive",
                "BIRTH_DATE": birth.isoformat(), "BIRTH_DATE_INT": int(birth.strftime("%Y%m%d")),
                "GENDER": gender, "ONCOTREE_PRIMARY_DIAGNOSIS_NAME": name}  # fmt: skip
    if tmb is not None:
        clinical["TUMOR_MUTATIONAL_BURDEN_PER_MEGABASE"] = tmb
    genomic, variants = [], []
    base = {"SAMPLE_ID": sample, "CLINICAL_ID": sample, "WILDTYPE": False}
    for _ in range(rng.randint(0, 3)):
        roll = rng.random()
        if roll < 0.7:
            gene = rng.choice(list(MUTATIONS))
            change = rng.choice(MUTATIONS[gene])
            genomic.append({**base, "TRUE_HUGO_SYMBOL": gene, "TRUE_PROTEIN_CHANGE": change,
                            "VARIANT_CATEGORY": "MUTATION"})  # fmt: skip
            variants.append([gene, "snv", change, ""])
        elif roll < 0.85:
            gene = rng.choice(AMPLIFIED)
            genomic.append({**base, "TRUE_HUGO_SYMBOL": gene, "VARIANT_CATEGORY": "CNV",
                            "CNV_CALL": "High level amplification"})  # fmt: skip
            variants.append([gene, "amplification", "", ""])
        else:
            left, right = rng.choice(FUSIONS)
            genomic.append({**base, "TRUE_HUGO_SYMBOL": left, "VARIANT_CATEGORY": "SV",
                            "LEFT_PARTNER_GENE": left, "RIGHT_PARTNER_GENE": right})  # fmt: skip
            variants.append([left, "fusion", "", right])
    msi = rng.choice(["", "msi_h", "mss", "mss"])
    if msi:
        status = "Deficient (MMR-D / MSI-H)" if msi == "msi_h" else "Proficient (MMR-P / MSS)"
        genomic.append({**base, "MMR_STATUS": status, "TRUE_HUGO_SYMBOL": None})
    facts = {"birth": birth.isoformat(), "sex": gender[0], "diagnosis": DIAGNOSES[name],
             "tmb": tmb, "msi": msi, "variants": variants}  # fmt: skip
    return clinical, genomic, facts


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def to_facts(raw: dict):
    from oncoparcours.trials.rules.facts import DiagnosisFacts, PatientFacts, VariantFacts

    icd10, morphology = raw["diagnosis"]
    return PatientFacts(
        age=age_on(dt.date.fromisoformat(raw["birth"]), TODAY),
        sex=raw["sex"],
        diagnoses=(DiagnosisFacts(icd10, "", morphology),),
        sequenced=True,
        variants=tuple(
            VariantFacts(g, k, None, change, partner, 5)
            for g, k, change, partner in raw["variants"]
        ),
        tmb=raw["tmb"],
        msi=raw["msi"],
    )


# --- the trials (CTML, read by both engines) ----------------------------------------------------
def genomic_node(rng: random.Random) -> dict:
    roll = rng.random()
    if roll < 0.45:
        gene = rng.choice(list(MUTATIONS))
        change = rng.choice(MUTATIONS[gene])
        if rng.random() < 0.5:
            return {"hugo_symbol": gene, "protein_change": change}
        return {"hugo_symbol": gene, "wildcard_protein_change": change[:-1]}
    if roll < 0.65:
        return {"hugo_symbol": rng.choice(list(MUTATIONS)), "variant_category": "Mutation"}
    if roll < 0.8:
        return {"hugo_symbol": rng.choice(AMPLIFIED), "variant_category": "CNV",
                "cnv_call": "High level amplification"}  # fmt: skip
    return {"hugo_symbol": rng.choice(FUSIONS)[1], "variant_category": "Structural Variation"}


def arm_match(rng: random.Random) -> list[dict]:
    roll = rng.random()
    adult = {"age_numerical": ">=18"}
    if roll < 0.35:  # organ trial with a driver
        organ = rng.choice(ORGAN_TRIAL_NAMES)
        return [{"and": [{"clinical": {"oncotree_primary_diagnosis": organ, **adult}},
                         {"genomic": genomic_node(rng)}]}]  # fmt: skip
    if roll < 0.55:  # solid-tumour basket, one gene or either of two
        genes = [{"genomic": genomic_node(rng)} for _ in range(rng.choice([1, 2]))]
        either = genes[0] if len(genes) == 1 else {"or": genes}
        return [{"and": [{"clinical": {"oncotree_primary_diagnosis": "_SOLID_", **adult}},
                         either]}]  # fmt: skip
    if roll < 0.65:  # haematological
        gene = rng.choice(["FLT3", "IDH1", "TP53"])
        return [
            {
                "and": [
                    {"clinical": {"oncotree_primary_diagnosis": "_LIQUID_"}},
                    {"genomic": {"hugo_symbol": gene, "variant_category": "Mutation"}},
                ]
            }
        ]
    if roll < 0.8:  # MSI-H basket except colorectal
        return [{"and": [{"clinical": {"oncotree_primary_diagnosis": "_SOLID_", **adult}},
                         {"clinical": {"oncotree_primary_diagnosis":
                                       "!Colorectal Adenocarcinoma"}},
                         {"genomic": {"ms_status": "MSI-H"}}]}]  # fmt: skip
    if roll < 0.9:  # TMB-high basket
        return [{"and": [{"clinical": {"oncotree_primary_diagnosis": "_SOLID_",
                                       "tmb_numerical": ">=10", **adult}}]}]  # fmt: skip
    sex = rng.choice(["Female", "Male"])
    return [{"and": [{"clinical": {"oncotree_primary_diagnosis": rng.choice(ORGAN_TRIAL_NAMES),
                                   "gender": sex, "age_numerical": "<=75"}}]}]  # fmt: skip


def make_trial(rng: random.Random, i: int) -> dict:
    arms = [{"arm_code": f"A{j + 1}", "arm_description": f"arm {j + 1}", "arm_suspended": "N",
             "match": arm_match(rng)} for j in range(rng.choice([1, 2, 2, 3]))]  # fmt: skip
    return {"protocol_no": f"26-{i + 1:03d}", "nct_id": f"NCT0{9000000 + i}",
            "long_title": f"Synthetic trial {i + 1}", "status": "open to accrual",
            "_summary": {"status": [{"value": "open to accrual"}]},
            "treatment_list": {"step": [{"step_code": "1", "arm": arms}]}}  # fmt: skip


# --- running both ------------------------------------------------------------------------------
def ensure_venv() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"Creating the throwaway environment {VENV} (MatchMiner + mongomock)…")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, "--no-deps", "matchengine-V2==2.1"], check=True)
        subprocess.run([*pip, *PACKAGES], check=True)
    return python


def run_matchminer(python: Path, data: dict) -> tuple[float, set[tuple[str, str, str]]]:
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.json", Path(folder) / "out.json"
        source.write_text(json.dumps(data))
        subprocess.run([str(python), str(RUNNER), str(source), str(target)], check=True)
        result = json.loads(target.read_text())
    return result["seconds"], {tuple(m) for m in result["matches"]}


def run_ours(trials: list[dict], cohort: list) -> tuple[float, dict[tuple[str, str], tuple]]:
    from oncoparcours.trials.importers.ctml import parse_ctml
    from oncoparcours.trials.rules.bulk import Cohort

    trees = {}
    for trial in trials:
        parsed = parse_ctml(trial, retrieved=TODAY.isoformat())
        for arm in parsed.arms:
            trees[(trial["protocol_no"], arm.code)] = arm.tree["tree"]
    started = time.perf_counter()
    index = Cohort(cohort)
    sets = {key: index.arm_sets(tree) for key, tree in trees.items()}
    return time.perf_counter() - started, {**sets, "_trees": trees}  # type: ignore[dict-item]


def compare(trials, samples, cohort, theirs, ours) -> dict:
    from oncoparcours.trials.rules.bulk import indices_of

    trees = ours.pop("_trees")
    counts = {"both_match": 0, "both_no": 0, "we_verify_they_no": 0, "they_match_we_not": 0,
              "they_no_we_met": 0}  # fmt: skip
    disagreements = []
    for (protocol, arm), (met, verify) in ours.items():
        met_ix, verify_ix = set(indices_of(met)), set(indices_of(verify))
        for i, sample in enumerate(samples):
            they = (protocol, arm, sample) in theirs
            if they and i in met_ix:
                counts["both_match"] += 1
            elif they:
                counts["they_match_we_not"] += 1
                disagreements.append((protocol, arm, i, "to verify" if i in verify_ix else "no"))
            elif i in met_ix:
                counts["they_no_we_met"] += 1
                disagreements.append((protocol, arm, i, "met"))
            elif i in verify_ix:
                counts["we_verify_they_no"] += 1
            else:
                counts["both_no"] += 1
    per_arm: dict[str, int] = {}
    for protocol, arm, _i, we in disagreements:
        key = f"{protocol} {arm} (ours {we})"
        per_arm[key] = per_arm.get(key, 0) + 1
    pairs = sum(counts.values())
    agreeing = pairs - counts["they_match_we_not"] - counts["they_no_we_met"]
    return {"pairs": pairs, "agreement_percent": round(100 * agreeing / pairs, 3), **counts,
            "disagreements_per_arm": per_arm, "disagreements": disagreements,
            "trees": trees}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=6000)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--show", type=int, default=10, help="disagreements printed")
    args = parser.parse_args()
    rng = random.Random(20261203)
    trials = [make_trial(rng, i) for i in range(args.trials)]
    clinical, genomic, raw = [], [], []
    for i in range(args.patients):
        c, g, f = make_patient(rng, i)
        clinical.append(c)
        genomic.extend(g)
        raw.append(f)
    cohort = [to_facts(f) for f in raw]
    samples = [c["SAMPLE_ID"] for c in clinical]
    python = ensure_venv()
    our_seconds, ours = run_ours(trials, cohort)
    print(f"Ours: {our_seconds:.3f} s; MatchMiner running…", flush=True)
    their_seconds, theirs = run_matchminer(
        python, {"trials": trials, "clinical": clinical, "genomic": genomic}
    )
    result = compare(trials, samples, cohort, theirs, ours)
    arms = len(result.pop("trees"))
    shown = result.pop("disagreements")
    for protocol, arm, i, we in shown[: args.show]:
        trial = next(t for t in trials if t["protocol_no"] == protocol)
        match = next(a for a in trial["treatment_list"]["step"][0]["arm"] if a["arm_code"] == arm)
        theirs_word = "match" if we != "met" else "no match"
        print(f"- {protocol} {arm}: MatchMiner {theirs_word}, ours {we}")
        print(f"  arm: {json.dumps(match['match'])}\n  patient: {json.dumps(raw[i])}")
    figures = {
        "patients": args.patients,
        "trials": args.trials,
        "arms": arms,
        "genomic_documents": len(genomic),
        "matchminer_seconds": round(their_seconds, 2),
        "ours_seconds": round(our_seconds, 4),
        "speed_ratio": round(their_seconds / our_seconds, 1),
        "disagreements": len(shown),
        **result,
    }
    path = common.save("matchminer-compare", figures)
    print(
        f"{args.patients:,} patients × {args.trials} trials ({arms} arms): MatchMiner "
        f"{figures['matchminer_seconds']} s, ours {figures['ours_seconds']} s → "
        f"{figures['speed_ratio']}× faster; agreement {result['agreement_percent']} % over "
        f"{result['pairs']:,} (patient, arm) pairs — both match {result['both_match']:,}, "
        f"both no {result['both_no']:,}, ours to verify / theirs no "
        f"{result['we_verify_they_no']:,}, disagreements {len(shown)}"
    )
    print(f"Saved {path}")


if __name__ == "__main__":
    main()
