"""One evaluator per typed criterion: ``(criterion, facts) -> (value, what the patient has)``.

Values are Kleene's: NOT_MET < UNKNOWN < MET ("unknown" is shown as "to verify"). A fact that is
not recorded gives UNKNOWN, never NOT_MET. Criterion fields: docs/trials.md."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .diseases import (
    UNCERTAIN,
    group_of,
    icd10_matches,
    icdo_matches,
    morphology_excluded,
    morphology_meets,
)
from .facts import NegativeFacts, PatientFacts, VariantFacts

NOT_MET, UNKNOWN, MET = 0, 1, 2
Outcome = tuple[int, str]
NOTHING = ""
# Two results of the same marker that disagree (a variant and a negative result of what the
# criterion asks, two classes of one variant, two scores or statuses of one specimen) are never
# resolved silently: the criterion is to verify and "what the patient has" names both results,
# "discordant|" then the results as the criterion's own found values, joined by DISCORDANT_SEP.
DISCORDANT = "discordant|"
DISCORDANT_SEP = "\x1f"


def discordant(*found: str) -> Outcome:
    return UNKNOWN, DISCORDANT + DISCORDANT_SEP.join(dict.fromkeys(found))


def _disease_one(c: dict[str, Any], icd10: str, topography: str, morphology: str) -> int:
    if icd10_matches(icd10, c.get("exclude_icd10", ())):
        return NOT_MET
    parts = []
    excluded_morphology = c.get("exclude_morphology")
    if excluded_morphology:  # an exclusion with the histology unknown stays to verify
        excluded = morphology_excluded(morphology, excluded_morphology) if morphology else UNKNOWN
        parts.append(MET - excluded)
    if c.get("icd10"):
        parts.append(MET if icd10_matches(icd10, c["icd10"]) else NOT_MET)
    if c.get("group"):
        group = group_of(icd10)
        parts.append(UNKNOWN if group == UNCERTAIN else MET if group == c["group"] else NOT_MET)
    if c.get("topography"):
        parts.append(
            UNKNOWN if not topography else MET if icdo_matches(topography, c["topography"]) else 0
        )
    if c.get("morphology"):
        # ICD-O-3 behaviour digit: a criterion without it means malignant (/3, /6, /9); a
        # patient code without it is to verify (``diseases.morphology_meets``).
        parts.append(UNKNOWN if not morphology else morphology_meets(morphology, c["morphology"]))
    return min(parts) if parts else MET


def disease(c: dict[str, Any], f: PatientFacts) -> Outcome:
    """Met only when every primary cancer of the patient meets it: with several cancers the
    biomarkers are not tied to one of them, so differing answers are to verify (safer reading:
    a melanoma with BRAF V600E and a prostate cancer never meet "solid tumour except
    melanoma")."""
    if not f.diagnoses:
        return UNKNOWN, NOTHING
    label = ", ".join(d.icd10 + (f" {d.morphology}" if d.morphology else "") for d in f.diagnoses)
    values = {_disease_one(c, d.icd10, d.topography, d.morphology) for d in f.diagnoses}
    if len(values) == 1:
        return values.pop(), label
    return UNKNOWN, label


def _bare(protein: str) -> str:
    return protein.replace("(", "").replace(")", "")


def protein_matches(wanted: str, found: str) -> bool:
    """Exact HGVS protein change ("*" is a stop codon there, as in ``p.R213*``)."""
    return not wanted or _bare(found) == _bare(wanted)


AMINO_ACIDS = frozenset("ACDEFGHIKLMNPQRSTVWY")


def position_matches(position: str, found: str) -> bool:
    """``p.V600`` (``protein_position``): a missense change of that residue at that position
    (``p.V600E``, ``p.V600K``), as MatchMiner's wildcard reads it — not a frameshift, stop,
    deletion or insertion there (a truncating change at a hotspot is not the hotspot), not
    ``p.V6001…`` and not the silent ``p.V600=`` / ``p.V600V``."""
    if not position:
        return True
    found = _bare(found)
    rest = found[len(position) :] if found.startswith(position) else ""
    return len(rest) == 1 and rest in AMINO_ACIDS and rest != position[2]


def is_silent(protein: str) -> bool:
    """``p.S455=``, ``p.(S455=)`` or ``p.G12G``: no change of the protein."""
    bare = _bare(protein)
    if bare.endswith("="):
        return True
    match = re.fullmatch(r"p\.([A-Z])\d+([A-Z])", bare)
    return match is not None and match.group(1) == match.group(2)


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
        and position_matches(c.get("protein_position", ""), v.protein_change)
        and not is_silent(v.protein_change)  # a silent change is no mutation
    )


def wild_type_broken_by(c: dict[str, Any], v: VariantFacts) -> bool:
    """A recorded variant that contradicts a wild-type criterion: a non-silent change in the gene
    of the criterion's kind, exon and position (a KRAS amplification does not break "KRAS
    mutation wild type"; BRAF G469A does not break "BRAF V600 wild type")."""
    return (
        involves(v, c["gene"])
        and type_matches(c.get("alteration_type", ""), v.alteration_type)
        and (not c.get("exon") or v.exon == c["exon"])
        and position_matches(c.get("protein_position", ""), v.protein_change)
        and protein_matches(c.get("protein_change", ""), v.protein_change)
        and not is_silent(v.protein_change)
    )


def negative_covers(c: dict[str, Any], n: NegativeFacts) -> bool:
    """A negative result answers a gene criterion when it looked for everything the criterion
    asks: same gene, every alteration type of the criterion (blank = any), the exon if any."""
    if n.gene != c["gene"] or (c.get("fusion_partner") and n.alteration_type not in ("", "fusion")):
        return False
    wanted = c.get("alteration_type", "")
    types = CATEGORIES.get(wanted, (wanted,)) if wanted else ("",)
    covered = CATEGORIES.get(n.alteration_type, (n.alteration_type,))  # "mutation": SNV, indel
    type_ok = not n.alteration_type or all(t == n.alteration_type or t in covered for t in types)
    exon_ok = n.exon is None or (c.get("exon") is not None and c["exon"] == n.exon)
    return type_ok and exon_ok


def _same_variant(a: VariantFacts, b: VariantFacts) -> bool:
    """One variant in two reports: same gene, protein change (and fusion partner), and
    alteration types that agree ("snv" is a "mutation"). The exon is not compared: one report
    may give it and another not (review L3)."""
    return (
        (a.gene, _bare(a.protein_change), a.fusion_partner)
        == (b.gene, _bare(b.protein_change), b.fusion_partner)
        and (type_matches(a.alteration_type, b.alteration_type)
             or type_matches(b.alteration_type, a.alteration_type))
    )  # fmt: skip


def variant(c: dict[str, Any], f: PatientFacts) -> Outcome:
    """Only a pathogenic / likely pathogenic variant (class 4–5) meets a gene criterion; a
    matching variant of uncertain significance (class 3) or without its class is to verify, a
    benign one (class 1–2) does not meet it. The absence of a variant proves nothing (which
    genes a test covered is not recorded), unless a negative result of the gene covers what the
    criterion asks: then not met — and a wild-type criterion met (docs/clinical-rules.md §8)."""
    covering = [n for n in f.negatives if negative_covers(c, n)]
    covered = bool(covering)
    # The reason names the scope the negative result covered ("EGFR exon 19|wt"): a negative
    # limited to one exon never reads as the whole gene wild type.
    wt = (
        f"{c['gene']} exon {covering[0].exon}|wt"
        if covering and covering[0].exon
        else (f"{c['gene']}|wt")
    )
    if c.get("wild_type"):
        broken = [v for v in f.variants if wild_type_broken_by(c, v)]
        proven = [v for v in broken if v.pathogenic]
        if proven and covered:
            # A pathogenic variant and a result without it: the variant is positive evidence
            # against wild type (review M4) — not met, the reason naming both results.
            return NOT_MET, discordant(proven[0].label(), wt)[1]
        if proven:
            return NOT_MET, proven[0].label()
        unsure = [v for v in broken if not v.benign]
        if unsure:
            return UNKNOWN, unsure[0].label()
        return (MET, wt) if covered else (UNKNOWN, NOTHING)
    found = [v for v in f.variants if variant_matches(c, v)]
    proven = [v for v in found if v.pathogenic]
    if proven and covered:  # a pathogenic variant and a result without it
        return discordant(proven[0].label(), wt)
    if proven:
        # The same variant classified benign by another report: which class holds is to verify.
        benign = [v for v in found if v.benign and any(_same_variant(v, p) for p in proven)]
        if benign:
            return discordant(proven[0].label(), benign[0].label())
        return MET, proven[0].label()
    unsure = [v for v in found if not v.benign]
    if unsure:
        return UNKNOWN, unsure[0].label()
    if found:
        return NOT_MET, found[0].label()
    if covered:
        return NOT_MET, wt
    in_gene = [v for v in f.variants if involves(v, c["gene"])]
    return UNKNOWN, in_gene[0].label() if in_gene else NOTHING


def _range(value: float | None, c: dict[str, Any], label: str) -> Outcome:
    if value is None:
        return UNKNOWN, NOTHING
    low, high, below = c.get("min"), c.get("max"), c.get("below")
    ok = (low is None or value >= low) and (high is None or value <= high)
    ok = ok and (below is None or value < below)
    return (MET if ok else NOT_MET), label


def tmb(c: dict[str, Any], f: PatientFacts) -> Outcome:
    outcomes = [_range(value, c, f"{value:g}") for value in f.tmb_values]
    if len({value for value, _found in outcomes}) > 1:  # two TMB of one specimen disagree
        return discordant(*(found for _value, found in outcomes))
    return _range(f.tmb, c, f"{f.tmb:g}" if f.tmb is not None else "")


MSI_HIGH = frozenset({"msi_h", "dmmr"})
MSI_LOW = frozenset({"mss", "msi_l", "pmmr"})


def msi(c: dict[str, Any], f: PatientFacts) -> Outcome:
    if not f.msi:
        return UNKNOWN, NOTHING
    statuses = f.msi_values or (f.msi,)
    if len({s in MSI_HIGH for s in statuses}) > 1:  # MSI-H and MSS on one specimen
        return discordant(*statuses)
    wanted_high = c.get("status", "msi_h") == "msi_h"
    high = f.msi in MSI_HIGH
    return (MET if high == wanted_high else NOT_MET), f.msi


Results = tuple[bool, bool]  # (an amplified result, a not-amplified result)


def _ish_results(f: PatientFacts) -> tuple[Results, Results]:
    """The ERBB2 amplification results read beside the HER2 IHC score: (amplified, not
    amplified) by in situ hybridisation, then (amplified, not amplified) by another method or a
    method not recorded (NGS). (False, False): none; (True, True): contradictory."""
    if f.her2_ish is not None:  # narrowed to the IHC's own specimen (HER2 may differ between
        # a primary tumour and a metastasis: a result of another specimen decides nothing)
        return (True in f.her2_ish, False in f.her2_ish), (
            True in f.her2_other,
            False in f.her2_other,
        )
    # Not narrowed: the variants and negatives carry no method, so none is known to be an ISH.
    amplified = any(
        v.gene == "ERBB2" and v.alteration_type == "amplification" and not v.benign
        for v in f.variants
    )
    # Only a negative about the amplification itself, for the whole gene, is an amplification
    # result: a gene-level NGS negative or an exon-limited one ("ERBB2 exon 20", NSCLC) says
    # nothing about the copy number.
    not_amplified = any(
        n.gene == "ERBB2" and n.alteration_type == "amplification" and n.exon is None
        for n in f.negatives
    )
    return (False, False), (amplified, not_amplified)


def her2_ish(f: PatientFacts) -> bool | None:
    """The ERBB2 amplification result by in situ hybridisation recorded beside the HER2 IHC
    score: True amplified, False not amplified, None not recorded by ISH or contradictory."""
    (amplified, not_amplified), _other = _ish_results(f)
    return None if amplified == not_amplified else amplified


def ihc(c: dict[str, Any], f: PatientFacts) -> Outcome:
    """One IHC result, or several of the same specimen: when they give the criterion different
    answers (HER2 2+ and 3+ on one block), the criterion is to verify, naming both."""
    results = f.ihc_values.get(c["marker"]) or (
        (f.ihc[c["marker"]],) if c["marker"] in f.ihc else ()
    )
    on_scale = [r for r in dict.fromkeys(results) if r[0] == c["scale"]]
    if not on_scale:
        return UNKNOWN, NOTHING
    outcomes = [_ihc_one(c, f, result) for result in on_scale]
    if len({value for value, _found in outcomes}) > 1:
        return discordant(*(found for _value, found in outcomes))
    latest = f.ihc.get(c["marker"])  # they agree: the latest result is the one named
    return _ihc_one(c, f, latest) if latest is not None and latest in on_scale else outcomes[-1]


def _ihc_one(c: dict[str, Any], f: PatientFacts, result: tuple[str, float]) -> Outcome:
    """HER2 2+ is equivocal (ASCO/CAP 2018: positive or negative only after in situ
    hybridisation). The IHC score is kept; the ISH result is an additional fact: where ISH
    decides (a limit at 3+ or at 2+), 2+ without ISH is to verify — an amplification result by
    NGS or by a method not recorded included —, 2+ ISH-negative reads as HER2-negative (≤ 2+:
    met by a HER2-low criterion "1+ to 2+") and 2+ ISH-positive as HER2-positive (≥ 3+: met;
    "≤ 2+" or HER2-low: not met)."""
    if result[0] != c["scale"]:
        return UNKNOWN, NOTHING
    if c["scale"] == "her2_score":
        score = result[1]
        (ish_amplified, ish_not), (other_amplified, other_not) = _ish_results(f)
        amplified, not_amplified = ish_amplified or other_amplified, ish_not or other_not
        # ASCO/CAP 2018 (Wolff et al., J Clin Oncol 2018): a 0/1+ with an amplification, or a
        # 3+ with a not-amplified result, is discordant — the record holds only "amplified /
        # not amplified" (not the ISH group), so neither HER2-low, "≤ 1+" nor 3+ until checked.
        # Contradictory ISH results (amplified and not) contradict the score either way: never
        # read as "no ISH".
        if (score in (0, 1) and amplified) or (score == 3 and not_amplified):
            ish = [label for label, hit in (("ISH+", amplified), ("ISH-", not_amplified)) if hit]
            return discordant(f"{score:g}+", *ish)
        if score == 2 and _range(2.0, c, "")[0] != _range(3.0, c, "")[0]:
            # The criterion's answer depends on the ISH result.
            if amplified and not_amplified:  # contradictory results of the specimen, any method
                found = (("2+ ISH+", ish_amplified), ("2+ ISH-", ish_not),
                         ("2+ other+", other_amplified), ("2+ other-", other_not))  # fmt: skip
                return discordant(*(label for label, hit in found if hit))
            if ish_amplified:
                return _range(3.0, c, "2+ ISH+")
            if ish_not:
                return _range(2.0, c, "2+ ISH-")
            # An amplification result by NGS (or by a method not recorded) does not replace the
            # reflex ISH of an equivocal 2+ (ASCO/CAP 2018): to verify, the reason saying so.
            if other_amplified:
                return UNKNOWN, "2+ other+"
            if other_not:
                return UNKNOWN, "2+ other-"
            return UNKNOWN, "2+"  # positive (3+) or negative (≤ 2+) only after ISH
    return _range(result[1], c, f"{result[1]:g}")


def age(c: dict[str, Any], f: PatientFacts) -> Outcome:
    """Ages are completed years; a limit in months (0.5 = 6 months) decides nothing in its own
    year of age: to verify."""
    for bound in (c.get("min"), c.get("max")):
        if bound is not None and bound != int(bound) and int(bound) == f.age:
            return UNKNOWN, str(f.age)
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
    recorded = f.stage_group.upper().replace(" ", "")
    match = re.match(r"(IV|I{1,3}|0)", recorded)
    group = match.group(1) if match else recorded
    # A sub-group (IIIA, IIIC1, IIE) is within its group (III, II); a criterion naming a
    # sub-group is met by that sub-group only.
    wanted = {g.upper() for g in c.get("stage_groups", ())}
    return (MET if recorded in wanted or group in wanted else NOT_MET), f.stage_group


def line(c: dict[str, Any], f: PatientFacts) -> Outcome:
    return _range(f.prior_lines, c, str(f.prior_lines) if f.prior_lines is not None else "")


def prior_drug(c: dict[str, Any], f: PatientFacts) -> Outcome:
    if f.prior_lines is None and not f.prior_drugs:
        return UNKNOWN, NOTHING
    drugs = [d for d in c.get("drugs", ()) if d in f.prior_drugs]
    classes = [k for k in c.get("classes", ()) if k in f.prior_classes]
    if drugs or classes:
        return MET, ", ".join(drugs + classes)
    # Not found in free-text regimens is no proof (brand names, treatments elsewhere): to verify,
    # so "never treated with X" is never met by default.
    return UNKNOWN, NOTHING


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
