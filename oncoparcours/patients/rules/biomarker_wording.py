"""How a biomarker result reads, by kind of marker (pure; no database).

A protein measured by immunohistochemistry (PD-L1, HER2, hormone receptors) is "positive" or
"negative" with its value; a gene is "mutated" or "not mutated (wild type)"; a fusion gene is
"rearranged" or not; MGMT is "methylated" or not; MSI is "unstable" or "stable". A marker we do
not know keeps the neutral "positive / altered" wording. See docs/clinical-rules.md.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EXPRESSION = frozenset({"PD-L1", "HER2", "ER", "RE", "PR", "RP", "RH", "HR", "KI-67", "KI67"})
GENES = frozenset(
    {
        "EGFR",
        "KRAS",
        "NRAS",
        "BRAF",
        "IDH1",
        "IDH2",
        "PIK3CA",
        "BRCA1",
        "BRCA2",
        "TP53",
        "KIT",
        "PDGFRA",
        "MET",
        "ERBB2",
        "FLT3",
        "NPM1",
        "HRAS",
        "POLE",
        "ESR1",
        "TERT",
    }
)
FUSIONS = frozenset({"ALK", "ROS1", "RET", "NTRK", "NTRK1", "NTRK2", "NTRK3", "FGFR2"})

WORDING: dict[str, dict[str, Promise]] = {
    "expression": {"positive": _("positive"), "negative": _("negative")},
    "gene": {"positive": _("mutated"), "negative": _("not mutated (wild type)")},
    "fusion": {"positive": _("rearranged"), "negative": _("not rearranged")},
    "methylation": {"positive": _("methylated"), "negative": _("not methylated")},
    "msi": {"positive": _("unstable (MSI)"), "negative": _("stable (MSS)")},
    "other": {"positive": _("positive / altered"), "negative": _("negative / not altered")},
}
COMMON: dict[str, Promise] = {
    "equivocal": _("equivocal"),
    "not_assessable": _("not assessable"),
}


def marker_kind(marker: str, alteration: str = "") -> str:
    name = marker.strip().upper()
    if name in EXPRESSION:
        return "expression"
    if name == "MGMT":
        return "methylation"
    if name in {"MSI", "DMMR", "MMR"}:
        return "msi"
    if name in FUSIONS or "fusion" in alteration.lower() or "réarrang" in alteration.lower():
        return "fusion"
    if name in GENES:
        return "gene"
    return "other"


def result_label(marker: str, result: str, alteration: str = "") -> str:
    """The result as a reader expects it for this marker, e.g. "négatif" for PD-L1, "non muté
    (sauvage)" for EGFR."""
    if result in COMMON:
        return str(COMMON[result])
    wording = WORDING[marker_kind(marker, alteration)]
    return str(wording.get(result, result))


def gene_scope(gene: str, exon: int | None = None) -> str:
    """The part of the gene a result speaks of: "EGFR exon 19", or "EGFR" for the whole gene.

    Every wording of a molecular result goes through it: a negative limited to one exon must
    never read as the whole gene wild type ("EGFR exon 19 non muté", not "EGFR non muté")."""
    if not exon:
        return gene
    return str(_("%(gene)s exon %(exon)s")) % {"gene": gene, "exon": exon}
