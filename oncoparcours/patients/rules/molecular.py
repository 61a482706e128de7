"""Validation of a tumour molecular result (pure: no Django). Input is the text of each field as
typed in the form or read from a CSV cell; output is typed values, or problem codes per field
(the caller words them). Value domains and their sources are listed in docs/trials.md."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

KINDS = ("variant", "tmb", "msi", "ihc")
ALTERATION_TYPES = ("snv", "indel", "fusion", "amplification", "deletion")
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
HER2_SCORES = {"0": 0.0, "1+": 1.0, "2+": 2.0, "3+": 3.0}
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


def _check_variant(raw: dict[str, str], out: Checked) -> None:
    gene = raw.get("gene", "").strip().upper().replace("ORF", "orf")
    if not gene:
        out.problems["gene"] = "required"
    elif not HGNC_SYMBOL.match(gene):
        out.problems["gene"] = "not_hgnc_symbol"
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
    partner = raw.get("fusion_partner", "").strip().upper()
    if partner and not HGNC_SYMBOL.match(partner):
        out.problems["fusion_partner"] = "not_hgnc_symbol"
    if partner and alteration != "fusion":
        out.problems["fusion_partner"] = "partner_without_fusion"
    if protein and alteration in ("fusion", "amplification", "deletion"):
        out.problems["protein_change"] = "protein_change_not_for_this_alteration"
    out.values.update(
        gene=gene, alteration_type=alteration, exon=exon, protein_change=protein,
        fusion_partner=partner,
    )  # fmt: skip


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


CHECKS = {"variant": _check_variant, "tmb": _check_tmb, "msi": _check_msi, "ihc": _check_ihc}
# The fields each kind of result reads: a value typed in another kind's field would be lost
# silently (a TMB typed with a variant), so it is refused.
FIELDS = {
    "variant": ("gene", "alteration_type", "exon", "protein_change", "fusion_partner"),
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
        for other, names in FIELDS.items():
            for name in names if other != kind else ():
                if str(raw.get(name) or "").strip():
                    out.problems[name] = "not_for_this_kind"
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
