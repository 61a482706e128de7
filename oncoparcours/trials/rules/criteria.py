"""One evaluator per typed criterion: ``(criterion, facts) -> (value, what the patient has)``.

Values are Kleene's: NOT_MET < UNKNOWN < MET ("unknown" is shown as "to verify"). A fact that is
not recorded gives UNKNOWN, never NOT_MET. Criterion fields: docs/trials.md."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .diseases import group_of, icd10_matches, icdo_matches
from .facts import PatientFacts, VariantFacts

NOT_MET, UNKNOWN, MET = 0, 1, 2
Outcome = tuple[int, str]
NOTHING = ""


def _disease_one(c: dict[str, Any], icd10: str, topography: str, morphology: str) -> int:
    if icd10_matches(icd10, c.get("exclude_icd10", ())):
        return NOT_MET
    excluded_morphology = c.get("exclude_morphology")
    if excluded_morphology and morphology and icdo_matches(morphology, excluded_morphology):
        return NOT_MET
    parts = []
    if c.get("icd10"):
        parts.append(MET if icd10_matches(icd10, c["icd10"]) else NOT_MET)
    if c.get("group"):
        parts.append(MET if group_of(icd10) == c["group"] else NOT_MET)
    if c.get("topography"):
        parts.append(
            UNKNOWN if not topography else MET if icdo_matches(topography, c["topography"]) else 0
        )
    if c.get("morphology"):
        parts.append(
            UNKNOWN if not morphology else MET if icdo_matches(morphology, c["morphology"]) else 0
        )
    return min(parts) if parts else MET


def disease(c: dict[str, Any], f: PatientFacts) -> Outcome:
    if not f.diagnoses:
        return UNKNOWN, NOTHING
    best, label = NOT_MET, ", ".join(d.icd10 for d in f.diagnoses)
    for d in f.diagnoses:
        value = _disease_one(c, d.icd10, d.topography, d.morphology)
        if value > best:
            best, label = value, d.icd10 + (f" {d.morphology}" if d.morphology else "")
    return best, label


def protein_matches(wanted: str, found: str) -> bool:
    """``p.V600*`` (a trailing star) matches any change at that position; else exact."""
    if not wanted:
        return True
    wanted, found = wanted.strip("()"), found.replace("(", "").replace(")", "")
    if wanted.endswith("*") and len(wanted) > 3:
        return found.startswith(wanted[:-1]) and found != wanted[:-1]
    return found == wanted


# Alteration categories of MatchMiner's CTML: "mutation" (SNV or indel), "cnv" (either change).
CATEGORIES = {"mutation": ("snv", "indel"), "cnv": ("amplification", "deletion")}


def type_matches(wanted: str, found: str) -> bool:
    return not wanted or found == wanted or found in CATEGORIES.get(wanted, ())


def _genes_match(c: dict[str, Any], v: VariantFacts) -> bool:
    """A fusion A::B involves both genes: a criterion on either (and its partner on the other)
    matches it, whichever side the laboratory reported first."""
    partner = c.get("fusion_partner", "")
    if v.gene == c["gene"] and (not partner or v.fusion_partner == partner):
        return True
    return v.fusion_partner == c["gene"] and (not partner or v.gene == partner)


def involves(v: VariantFacts, gene: str) -> bool:
    return v.gene == gene or v.fusion_partner == gene


def variant_matches(c: dict[str, Any], v: VariantFacts) -> bool:
    return (
        _genes_match(c, v)
        and type_matches(c.get("alteration_type", ""), v.alteration_type)
        and (not c.get("exon") or v.exon == c["exon"])
        and protein_matches(c.get("protein_change", ""), v.protein_change)
    )


def variant(c: dict[str, Any], f: PatientFacts) -> Outcome:
    found = [v for v in f.variants if variant_matches(c, v)]
    if c.get("wild_type"):
        in_gene = [v for v in f.variants if involves(v, c["gene"])]
        if in_gene:
            return NOT_MET, in_gene[0].label()
        return (MET, NOTHING) if f.sequenced else (UNKNOWN, NOTHING)
    if found:
        return MET, found[0].label()
    if not f.sequenced:
        return UNKNOWN, NOTHING
    in_gene = [v for v in f.variants if involves(v, c["gene"])]
    return NOT_MET, in_gene[0].label() if in_gene else NOTHING


def _range(value: float | None, c: dict[str, Any], label: str) -> Outcome:
    if value is None:
        return UNKNOWN, NOTHING
    low, high = c.get("min"), c.get("max")
    ok = (low is None or value >= low) and (high is None or value <= high)
    return (MET if ok else NOT_MET), label


def tmb(c: dict[str, Any], f: PatientFacts) -> Outcome:
    return _range(f.tmb, c, f"{f.tmb:g}" if f.tmb is not None else "")


MSI_HIGH = frozenset({"msi_h", "dmmr"})
MSI_LOW = frozenset({"mss", "msi_l", "pmmr"})


def msi(c: dict[str, Any], f: PatientFacts) -> Outcome:
    if not f.msi:
        return UNKNOWN, NOTHING
    wanted_high = c.get("status", "msi_h") == "msi_h"
    high = f.msi in MSI_HIGH
    return (MET if high == wanted_high else NOT_MET), f.msi


def ihc(c: dict[str, Any], f: PatientFacts) -> Outcome:
    result = f.ihc.get(c["marker"])
    if result is None or result[0] != c["scale"]:
        return UNKNOWN, NOTHING
    return _range(result[1], c, f"{result[1]:g}")


def age(c: dict[str, Any], f: PatientFacts) -> Outcome:
    return _range(f.age, c, str(f.age))


def sex(c: dict[str, Any], f: PatientFacts) -> Outcome:
    if f.sex not in ("F", "M"):
        return UNKNOWN, NOTHING
    return (MET if f.sex == c["sex"] else NOT_MET), f.sex


def stage(c: dict[str, Any], f: PatientFacts) -> Outcome:
    if "metastatic" in c:
        if f.metastatic is None:
            return UNKNOWN, NOTHING
        return (MET if f.metastatic == c["metastatic"] else NOT_MET), (
            "M1" if f.metastatic else "M0"
        )
    if not f.stage_group:
        return UNKNOWN, NOTHING
    group = f.stage_group.upper().rstrip("ABC")
    return (MET if group in c.get("stage_groups", ()) else NOT_MET), f.stage_group


def line(c: dict[str, Any], f: PatientFacts) -> Outcome:
    return _range(f.prior_lines, c, str(f.prior_lines) if f.prior_lines is not None else "")


def prior_drug(c: dict[str, Any], f: PatientFacts) -> Outcome:
    if f.prior_lines is None and not f.prior_drugs:
        return UNKNOWN, NOTHING
    drugs = [d for d in c.get("drugs", ()) if d in f.prior_drugs]
    classes = [k for k in c.get("classes", ()) if k in f.prior_classes]
    if drugs or classes:
        return MET, ", ".join(drugs + classes)
    return NOT_MET, NOTHING


def ecog(c: dict[str, Any], f: PatientFacts) -> Outcome:
    return _range(f.ecog, c, str(f.ecog) if f.ecog is not None else "")


def lab(c: dict[str, Any], f: PatientFacts) -> Outcome:
    value = f.labs.get(c["test"])
    return _range(value, c, f"{value:g}" if value is not None else "")


def to_curate(c: dict[str, Any], f: PatientFacts) -> Outcome:
    """Eligibility still in free text: always to verify (and the arm is not proposed)."""
    return UNKNOWN, NOTHING


EVALUATORS: dict[str, Callable[[dict[str, Any], PatientFacts], Outcome]] = {
    "disease": disease,
    "variant": variant,
    "tmb": tmb,
    "msi": msi,
    "ihc": ihc,
    "age": age,
    "sex": sex,
    "stage": stage,
    "line": line,
    "prior_drug": prior_drug,
    "ecog": ecog,
    "lab": lab,
    "to_curate": to_curate,
}
BIOMARKER_CRITERIA = frozenset({"variant", "tmb", "msi", "ihc"})
