"""Validation of a tumour molecular result (pure: no Django). Input is the text of each field as
typed in the form or read from a CSV cell; output is typed values, or problem codes per field
(the caller words them). Value domains and their sources are listed in docs/trials.md."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("variant", "tmb", "msi", "ihc", "negative")
# "mutation": an SNV or an indel, which one not reported ("EGFR muté"); a criterion on an SNV or
# an indel reads it "to verify".
ALTERATION_TYPES = ("snv", "indel", "mutation", "fusion", "amplification", "deletion")
MSI_STATUSES = ("msi_h", "msi_l", "mss", "dmmr", "pmmr")
IHC_SCALES = ("her2_score", "percent", "cps")
# HGNC approved symbols: upper-case letters and digits, sometimes a hyphen or "orf" (C11orf95).
HGNC_SYMBOL = re.compile(r"^[A-Z][A-Z0-9]*(?:orf[0-9]+)?(?:-[A-Z0-9]+)?$")
# HGVS protein change, one-letter amino acids: p.V600E, p.G12C, p.E746_A750del, p.W288fs*12,
# p.Q61*, p.A767_V769dup, p.(V600E) (predicted).
PROTEIN_CHANGE = re.compile(
    r"^p\.\(?[A-Z*][0-9]+(?:_[A-Z][0-9]+)?"
    r"(?:[A-Z*]|del|dup|ins[A-Z]+|delins[A-Z]+|fs\*?[0-9]*|=|ext\*?[0-9]*)\)?$"
)
# HGNC-approved symbols the platform knows (data file citing HGNC): an unknown one is refused.
GENE_FILE = Path(__file__).with_name("data") / "hgnc_genes.txt"
KNOWN_GENES = frozenset(
    line.strip()
    for line in GENE_FILE.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
# Variant classes, five tiers (ACMG/AMP 2015; AMP/ASCO/CAP 2017 for somatic oncogenicity).
CLASSES = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
CLASS_WORDS = {
    "benign": 1, "benin": 1, "bénin": 1, "likely benign": 2, "probablement benin": 2,
    "probablement bénin": 2, "vus": 3, "vsi": 3, "likely pathogenic": 4,
    "probablement pathogene": 4, "probablement pathogène": 4, "pathogenic": 5,
    "pathogene": 5, "pathogène": 5,
}  # fmt: skip
HER2_SCORES = {"0": 0.0, "1+": 1.0, "2+": 2.0, "3+": 3.0}
# How a gene result was obtained (optional): the words of a report or a table for each method.
METHODS = ("ish", "ngs", "pcr", "other")
METHOD_WORDS = {
    "fish": "ish", "cish": "ish", "sish": "ish", "ddish": "ish", "hybridation in situ": "ish",
    "in situ hybridisation": "ish", "in situ hybridization": "ish", "séquençage": "ngs",
    "sequencage": "ngs", "sequencing": "ngs", "panel ngs": "ngs", "autre": "other",
}  # fmt: skip
MAX_TMB = 1000.0
MAX_EXON = 200


@dataclass
class Checked:
    values: dict[str, object] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ".").replace("%", "").strip())
    except ValueError:
        return None


def _date(text: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    return None


def normalise_protein_change(text: str) -> str:
    text = text.strip()
    if text and not text.startswith("p."):
        text = "p." + text
    return text


def _gene(raw: dict[str, str], name: str, out: Checked) -> str:
    gene = raw.get(name, "").strip().upper().replace("ORF", "orf")
    if not gene:
        if name == "gene":
            out.problems[name] = "required"
    elif not HGNC_SYMBOL.match(gene):
        out.problems[name] = "not_hgnc_symbol"
    elif gene not in KNOWN_GENES:
        out.problems[name] = "unknown_gene"
    return gene


def _classification(raw: dict[str, str], out: Checked) -> None:
    """Optional: a variant without its class is kept, and matching reads it "to verify"."""
    text = raw.get("classification", "").strip().lower().removeprefix("classe ").strip()
    text = text.removeprefix("class ").strip()
    value = CLASSES.get(text) or CLASS_WORDS.get(text) if text else None
    if text and value is None:
        out.problems["classification"] = "not_variant_class"
    out.values["classification"] = value


def _check_negative(raw: dict[str, str], out: Checked) -> None:
    """A gene tested without alteration ("KRAS non muté", "ALK négatif"): the gene, and what was
    looked for when the report says so (an alteration type, an exon); blank = any alteration."""
    gene = _gene(raw, "gene", out)
    alteration = raw.get("alteration_type", "").strip().lower()
    if alteration and alteration not in ALTERATION_TYPES:
        out.problems["alteration_type"] = "unknown_choice"
    exon_text = raw.get("exon", "").strip()
    exon = None
    if exon_text:
        exon = int(exon_text) if exon_text.isdigit() else None
        if exon is None or not 1 <= exon <= MAX_EXON:
            out.problems["exon"] = "not_exon_number"
    out.values.update(gene=gene, alteration_type=alteration, exon=exon)


def _check_variant(raw: dict[str, str], out: Checked) -> None:
    gene = _gene(raw, "gene", out)
    _classification(raw, out)
    alteration = raw.get("alteration_type", "").strip().lower()
    if alteration not in ALTERATION_TYPES:
        out.problems["alteration_type"] = "required" if not alteration else "unknown_choice"
    exon_text = raw.get("exon", "").strip()
    exon = None
    if exon_text:
        exon = int(exon_text) if exon_text.isdigit() else None
        if exon is None or not 1 <= exon <= MAX_EXON:
            out.problems["exon"] = "not_exon_number"
    protein = normalise_protein_change(raw.get("protein_change", ""))
    if protein and not PROTEIN_CHANGE.match(protein):
        out.problems["protein_change"] = "not_protein_change"
    partner = _gene(raw, "fusion_partner", out)
    if partner and alteration != "fusion":
        out.problems["fusion_partner"] = "partner_without_fusion"
    if protein and alteration in ("fusion", "amplification", "deletion"):
        out.problems["protein_change"] = "protein_change_not_for_this_alteration"
    out.values.update(
        gene=gene, alteration_type=alteration, exon=exon, protein_change=protein,
        fusion_partner=partner,
    )  # fmt: skip


def _method(raw: dict[str, str], out: Checked) -> None:
    """Optional: blank is "not recorded" (an ERBB2 amplification then does not decide a 2+)."""
    text = " ".join(raw.get("method", "").strip().lower().split())
    value = text if text in METHODS else METHOD_WORDS.get(text)
    if text and value is None:
        out.problems["method"] = "unknown_choice"
    out.values["method"] = value or ""


def _check_tmb(raw: dict[str, str], out: Checked) -> None:
    value = _number(raw.get("tmb", ""))
    if value is None:
        out.problems["tmb"] = "required" if not raw.get("tmb", "").strip() else "not_number"
    elif not 0 <= value <= MAX_TMB:
        out.problems["tmb"] = "tmb_out_of_range"
    out.values["tmb"] = value


def _check_msi(raw: dict[str, str], out: Checked) -> None:
    status = raw.get("msi_status", "").strip().lower().replace("-", "_")
    if status not in MSI_STATUSES:
        out.problems["msi_status"] = "required" if not status else "unknown_choice"
    out.values["msi_status"] = status


def _check_ihc(raw: dict[str, str], out: Checked) -> None:
    marker = raw.get("ihc_marker", "").strip().upper()
    if not marker:
        out.problems["ihc_marker"] = "required"
    scale = raw.get("ihc_scale", "").strip().lower()
    if scale not in IHC_SCALES:
        out.problems["ihc_scale"] = "required" if not scale else "unknown_choice"
    text = raw.get("ihc_value", "").strip()
    value = HER2_SCORES.get(text) if scale == "her2_score" else _number(text)
    if value is None:
        out.problems["ihc_value"] = "required" if not text else "not_ihc_value"
    elif scale == "her2_score" and value not in HER2_SCORES.values():
        out.problems["ihc_value"] = "not_her2_score"
    elif scale == "percent" and not 0 <= value <= 100:
        out.problems["ihc_value"] = "not_percentage"
    elif scale == "cps" and not 0 <= value <= 100:
        out.problems["ihc_value"] = "not_cps"
    out.values.update(ihc_marker=marker, ihc_scale=scale, ihc_value=value)


CHECKS = {
    "variant": _check_variant,
    "tmb": _check_tmb,
    "msi": _check_msi,
    "ihc": _check_ihc,
    "negative": _check_negative,
}
# The fields each kind of result reads: a value typed in another kind's field would be lost
# silently (a TMB typed with a variant), so it is refused.
FIELDS = {
    "variant": (
        "gene",
        "alteration_type",
        "exon",
        "protein_change",
        "fusion_partner",
        "classification",
        "method",
    ),
    "negative": ("gene", "alteration_type", "exon", "method"),
    "tmb": ("tmb",),
    "msi": ("msi_status",),
    "ihc": ("ihc_marker", "ihc_scale", "ihc_value"),
}


def check_finding(raw: dict[str, str], *, birth_date: dt.date, today: dt.date) -> Checked:
    """Validate one result given as text per field; ``problems`` maps a field to a code."""
    out = Checked()
    kind = raw.get("kind", "").strip().lower()
    if kind not in KINDS:
        out.problems["kind"] = "required" if not kind else "unknown_choice"
    else:
        CHECKS[kind](raw, out)
        mine = FIELDS[kind]
        for names in FIELDS.values():
            for name in names if names is not mine else ():
                if name not in mine and str(raw.get(name) or "").strip():
                    out.problems[name] = "not_for_this_kind"
    if kind in ("variant", "negative"):
        _method(raw, out)
        # An in situ hybridisation of ERBB2 tests its copy number: its result is about the
        # amplification (otherwise the record would not read it as the ISH of a HER2 2+).
        if (
            out.values.get("gene") == "ERBB2"
            and out.values.get("method") == "ish"
            and out.values.get("alteration_type") != "amplification"
            and "alteration_type" not in out.problems
        ):
            out.problems["alteration_type"] = "erbb2_ish_is_amplification"
    sampled_on = _date(raw.get("sampled_on", ""))
    if sampled_on is None:
        out.problems["sampled_on"] = "required" if not raw.get("sampled_on") else "not_date"
    elif sampled_on > today:
        out.problems["sampled_on"] = "date_in_future"
    elif sampled_on < birth_date:
        out.problems["sampled_on"] = "date_before_birth"
    source = raw.get("source", "").strip()
    if not source:
        out.problems["source"] = "required"
    out.values.update(kind=kind, sampled_on=sampled_on, source=source[:120])
    return out
