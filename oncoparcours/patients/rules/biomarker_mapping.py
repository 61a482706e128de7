"""A simple biomarker entry ("EGFR muté", "HER2 3+", "PD-L1 50 %", "MSI-H", "ALK réarrangé",
"KRAS G12C") turned into a structured molecular result, or refused naming the field when it cannot
be structured without guessing (pure: no Django).

Input: the four fields of the simple entry (marker, result, alteration, value) as typed; the
marker may carry the rest ("KRAS G12C", "HER2 3+"). Output: the fields of a molecular result as
text (``rules.molecular.check_finding`` validates them), or ``(field, code)``. Readings (safer,
for a clinician to confirm — docs/clinical-rules.md §8):

- a gene "muté" without its change is a mutation (SNV or indel, type not reported), with no
  variant class: trial matching reads it "to verify" until the class is given;
- a negative result of a gene is a "gene tested without alteration" of the kind named (mutation,
  fusion, amplification); a negative result for one protein change (BRAF V600E negative) says
  nothing of the rest of the gene: refused;
- IHC results need their value (HER2 score, percentage, CPS): "HER2 negative" may be 0 or 1+, which
  HER2-low trials tell apart; a value contradicting the result (ER positive at 0 %) is refused;
  HER2 2+ is kept as 2+ (equivocal: in situ hybridisation decides, recorded on its own);
- ALK, ROS1, NTRK1–3 "positive" without more are rearrangements (fusion), as the wording rule
  reads them (``biomarker_wording``); RET and FGFR2 need the alteration (mutated or rearranged);
- MGMT promoter methylation and other markers without a structured kind are refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .molecular import KNOWN_GENES, MAX_TMB, PROTEIN_CHANGE, normalise_protein_change

RESULTS = ("positive", "negative", "equivocal", "not_assessable")
IHC_MARKERS = {
    "PD-L1": "PD-L1", "PDL1": "PD-L1", "PD L1": "PD-L1",
    "ER": "ER", "RE": "ER", "RO": "ER", "RH-E": "ER", "ESR": "ER",
    "PR": "PR", "RP": "PR", "PGR": "PR", "RH-P": "PR",
    "HER2": "HER2", "HER2/NEU": "HER2", "C-ERBB2": "HER2", "ERBB2": "HER2", "HER-2": "HER2",
}  # fmt: skip
MSI_MARKERS = {"MSI": "", "MMR": "", "MSI-H": "msi_h", "MSI-L": "msi_l", "MSS": "mss",
               "DMMR": "dmmr", "PMMR": "pmmr", "IMS": ""}  # fmt: skip
TMB_MARKERS = frozenset({"TMB", "CHARGE MUTATIONNELLE"})
NOT_STRUCTURED = frozenset({"MGMT", "KI-67", "KI67", "1P/19Q", "CODELETION 1P/19Q"})
# Genes whose "positive" alone means rearranged (the usual reading of an ALK / ROS1 / NTRK test).
FUSION_BY_DEFAULT = frozenset({"ALK", "ROS1", "NTRK1", "NTRK2", "NTRK3"})
# Not genes but families: which one is meant must be said (NTRK1, NTRK2 or NTRK3).
GENE_FAMILIES = frozenset({"NTRK", "RAS", "FGFR", "IDH"})

FUSION_WORDS = ("fusion", "rearrang", "translocation")
AMPLIFICATION_WORDS = ("amplif",)
DEEP_DELETION_WORDS = ("deletion homozygote", "homozygous deletion", "deep deletion")
# "Perte" is a deep deletion, not a loss of heterozygosity or of (protein) expression.
LOSS = re.compile(r"\bperte\b(?! d.?(?:heterozygotie|expression))")
MUTATION_WORDS = ("mutation", "mute", "mutated", "variant", "altere", "alteration", "positi")
METHYLATION_WORDS = ("methyl",)
PROTEIN_TOKEN = re.compile(
    r"\b(?:p\.)?\(?([A-Z][0-9]+(?:_[A-Z][0-9]+)?"
    r"(?:[A-Z*]|del|dup|ins[A-Z]+|delins[A-Z]+|fs\*?[0-9]*))\)?(?![A-Za-z0-9])"
)
# A negative limited to a position, codon or hotspot says nothing of the rest of the gene.
LIMITED_TEST = re.compile(r"\b[a-z][0-9]+|\bc\.[0-9]|\bcodons?\b|hotspot")
EXON = re.compile(r"\bexons?\s*([0-9]+(?:\s*(?:/|,|et|and|ou|or|-|\+|a|au|to)\s*[0-9]+)*)")
NUMBER = re.compile(r"([0-9]+(?:[.,][0-9]+)?)")
# A minus sign before a number ("-5", "− 5"), not a hyphen inside a range ("1-49") or a name
# ("PD-L1"): a measured value is never negative, and reading "-5" as 5 would flip it.
SIGNED = re.compile(r"(?<![0-9a-z])[-−–]\s*[0-9]")
# In situ hybridisation (FISH, CISH, SISH, DDISH, "ISH", "hybridation in situ") named as the
# test that gave the result. Bare "hybridation" is not enough (NGS hybrid capture, CGH array);
# a text that also names another method or a test not done ("FISH à faire") records no method.
ISH = re.compile(r"\b(?:[fcs]?ish|ddish|hybrid[ai]tion\s+in\s+situ)\b")
NOT_ISH = re.compile(
    r"\b(?:ngs|s[ée]quen\w*|sequencing|panel|cgh|pcr|capture|non\s+fait\w*|pas\s+fait\w*|"
    r"[àa]\s+faire|en\s+attente|en\s+cours|pr[ée]vu\w*|pending|not\s+done|to\s+do)\b"
)


# Any mention of in situ hybridisation (to refuse a score and an ISH result typed as one).
ISH_MENTION = re.compile(r"\b(?:[fcs]?ish|ddish|hybridation|hybridization)\b")


def named_ish(plain: str) -> bool:
    """The wording names in situ hybridisation as the method of this result, and nothing that
    makes it doubtful (another method, a test pending or not done)."""
    return bool(ISH.search(plain)) and not NOT_ISH.search(plain)


HER2_SCORE = re.compile(r"(?<![0-9])([0-3])\s*\+|(?:ihc|score)\s*0\b|^\s*0\s*$")
FUSION_PAIR = re.compile(r"\b([A-Z][A-Z0-9]+)\s*(?:::|-|/)\s*([A-Z][A-Z0-9]+)\b")


@dataclass
class Mapped:
    """The structured fields (text, as typed in the molecular form) or the refusal."""

    values: dict[str, str] = field(default_factory=dict)
    problem: tuple[str, str] | None = None  # (field of the simple entry, code)


def _plain(text: str) -> str:
    """Lower case without accents, for reading French and English words alike."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _refuse(name: str, code: str) -> Mapped:
    return Mapped(problem=(name, code))


def _split_marker(marker: str, alteration: str, value: str) -> tuple[str, str, str]:
    """ "KRAS G12C" typed as the marker: the marker is the first word, the rest is read as the
    alteration (or as the value for an IHC marker: "HER2 3+", "PD-L1 50 %")."""
    text = " ".join(marker.split()).upper()
    if text in IHC_MARKERS or text in MSI_MARKERS or text in TMB_MARKERS or " " not in text:
        return text, alteration, value
    head, rest = text.split(" ", 1)
    if text.startswith(("PD L1", "PD-L1 ")):
        head, rest = "PD-L1", text.split(" ", 1)[1].removeprefix("L1 ")
    if head in IHC_MARKERS or head in TMB_MARKERS:
        return head, alteration, f"{rest} {value}".strip()
    return head, f"{marker.split(' ', 1)[1]} {alteration}".strip(), value


def _ihc(marker: str, result: str, alteration: str, value: str) -> Mapped:
    name = IHC_MARKERS[marker]
    text = f"{value} {alteration}".strip()
    plain = _plain(text)
    if (
        name == "HER2"
        and HER2_SCORE.search(plain)
        and (ISH_MENTION.search(plain) or any(w in plain for w in AMPLIFICATION_WORDS))
    ):
        # "HER2 2+ amplifié", "2+ FISH négatif": two results (the IHC score and the ERBB2
        # amplification by in situ hybridisation), each recorded on its own — read as one, the
        # amplification alone was kept and the IHC score lost (a HER2-low trial reads the score).
        return _refuse("value", "her2_score_and_ish")
    if name == "HER2" and any(w in plain for w in AMPLIFICATION_WORDS):
        # HER2 amplified (in situ hybridisation or NGS): the ERBB2 gene, not the IHC score. The
        # method is kept when the text names in situ hybridisation ("amplifié en FISH"): only
        # then does it decide a 2+ (ASCO/CAP 2018); otherwise it is not recorded.
        method = {"method": "ish"} if named_ish(plain) else {}
        if result == "positive":
            return Mapped(
                {"kind": "variant", "gene": "ERBB2", "alteration_type": "amplification", **method}
            )
        if result == "negative":
            return Mapped(
                {"kind": "negative", "gene": "ERBB2", "alteration_type": "amplification", **method}
            )
        return _refuse("result", "result_not_structured")
    if not NUMBER.search(plain):
        return _refuse("value", "value_required")
    if SIGNED.search(plain):
        return _refuse("value", "value_negative")
    if name == "HER2":
        found = {m.group(1) or "0" for m in HER2_SCORE.finditer(plain)}
        if len(found) != 1:
            return _refuse("value", "not_her2_score")
        score = int(found.pop())
        expected = {3: "positive", 2: "equivocal"}.get(score, "negative")
        if score == 2 and result == "negative":
            return _refuse("value", "her2_2plus_needs_ish")
        if result != expected:
            return _refuse("result", "value_contradicts_result")
        return Mapped({"kind": "ihc", "ihc_marker": "HER2", "ihc_scale": "her2_score",
                       "ihc_value": f"{score}+" if score else "0"})  # fmt: skip
    numbers = NUMBER.findall(plain)
    if len(numbers) != 1:
        return _refuse("value", "value_unreadable")
    number = float(numbers[0].replace(",", "."))
    scale = "cps" if "cps" in plain else "percent"
    if name == "PD-L1" and re.search(r"\bic\b", plain):
        return _refuse("value", "pdl1_ic_not_structured")  # immune cells: neither TPS nor CPS
    if name == "PD-L1" and scale == "percent" and "%" not in text and "tps" not in plain:
        return _refuse("value", "pdl1_scale_required")  # TPS % or CPS: the scale must be said
    if not 0 <= number <= 100:
        return _refuse("value", "value_out_of_range")
    if result == "equivocal":
        return _refuse("result", "result_not_structured")
    if scale == "percent":  # ER, PR (ASCO/CAP 2020) and PD-L1 TPS: positive from 1 %
        if (result == "positive") != (number >= 1):
            return _refuse("result", "value_contradicts_result")
    elif result == "positive" and number == 0:
        return _refuse("result", "value_contradicts_result")
    return Mapped({"kind": "ihc", "ihc_marker": name, "ihc_scale": scale,
                   "ihc_value": f"{number:g}"})  # fmt: skip


# The status said in words (marker and alteration together, lower case without accents).
MSI_WORDS = {
    "msi_l": re.compile(r"\bmsi[- ]?l(?:ow)?\b|\bfaible|\blow\b|bas niveau"),
    "msi_h": re.compile(r"\bmsi[- ]?h(?:igh)?\b|\bhigh\b|haut niveau|\belevee?\b"),
    "mss": re.compile(r"\bmss\b|\bstables?\b|\bstabilite\b"),
    "dmmr": re.compile(r"\bdmmr\b|deficien|deficit|\bperte\b|\bloss\b|\blost\b"),
    "pmmr": re.compile(r"\bpmmr\b|proficien|conserve|maintenu|retained|preserved|intact"),
}
NO_LOSS = re.compile(r"\b(?:pas de|sans|absence de|aucune) perte\b|\bno loss\b")


def _msi(marker: str, result: str, alteration: str) -> Mapped:
    """MSI / MMR: the status said in the marker or the alteration ("MSI, positive, MSI-L") is
    read, never overridden by the result; MSI-L is refused (entered as reported: MSS or MSI-H);
    a bare "MMR positive" is refused (on IHC "positive" often means the proteins are expressed,
    i.e. pMMR): dMMR / pMMR, "perte" or "conservée" must be said."""
    plain = NO_LOSS.sub("conserve", _plain(alteration))
    found = {status for status, words in MSI_WORDS.items() if words.search(plain)}
    if "msi_l" in found:
        return _refuse("alteration", "msi_low")
    if len(found) > 1 and found - {"msi_h", "dmmr"} and found - {"mss", "pmmr"}:
        return _refuse("alteration", "value_contradicts_result")  # "MSS, instabilité élevée"
    if result not in ("positive", "negative"):
        return _refuse("result", "result_not_structured")
    if not found:
        if marker == "MMR" or "mmr" in plain:
            return _refuse("alteration", "mmr_needs_status")
        found = {"msi_h" if result == "positive" else "mss"}
    high = bool(found & {"msi_h", "dmmr"})
    if (result == "positive") != high:
        # "MSI-H" marked negative, "MSS" marked positive: which one is meant is unclear.
        return _refuse("result", "value_contradicts_result")
    # One status per result: the marker's own when both an MSI and an MMR status are said.
    order = (
        ("dmmr", "pmmr", "msi_h", "mss") if "MMR" in marker else ("msi_h", "mss", "dmmr", "pmmr")
    )
    status = next(s for s in order if s in found)
    return Mapped({"kind": "msi", "msi_status": status})


def _tmb(result: str, alteration: str, value: str) -> Mapped:
    plain = _plain(f"{value} {alteration}")
    numbers = NUMBER.findall(plain)
    if len(numbers) != 1:
        return _refuse("value", "value_required" if not numbers else "value_unreadable")
    if SIGNED.search(plain):
        return _refuse("value", "value_negative")
    if float(numbers[0].replace(",", ".")) > MAX_TMB:
        return _refuse("value", "tmb_out_of_range")
    return Mapped({"kind": "tmb", "tmb": numbers[0].replace(",", ".")})


def _alteration_type(plain: str) -> str:
    if any(w in plain for w in FUSION_WORDS):
        return "fusion"
    if any(w in plain for w in AMPLIFICATION_WORDS):
        return "amplification"
    if any(w in plain for w in DEEP_DELETION_WORDS) or LOSS.search(plain):
        return "deletion"
    return ""


def _gene(gene: str, result: str, alteration: str, value: str) -> Mapped:
    text = f"{alteration} {value}".strip()
    plain = _plain(text)
    if any(w in plain for w in METHYLATION_WORDS):
        return _refuse("alteration", "not_structured_marker")
    if result not in ("positive", "negative"):
        return _refuse("result", "result_not_structured")
    if result == "negative" and LIMITED_TEST.search(plain):
        # "KRAS non muté codon 12", "BRAF pas de mutation V600": the other codons are untested.
        return _refuse("alteration", "negative_for_one_change")
    exon = ""
    exons = EXON.search(plain)
    if exons:
        if not exons.group(1).isdigit():  # "exon 19/21": which exon is not said
            return _refuse("alteration", "ambiguous_exon")
        exon = exons.group(1)
    changes = {normalise_protein_change(m.group(1)) for m in PROTEIN_TOKEN.finditer(text)}
    changes = {c for c in changes if PROTEIN_CHANGE.match(c)}
    if len(changes) > 1:
        return _refuse("alteration", "several_changes")
    protein = changes.pop() if changes else ""
    kind = _alteration_type(plain)
    partner = ""
    for pair in FUSION_PAIR.finditer(text.upper()):
        first, second = pair.groups()
        if gene in (first, second) and {first, second} - {gene}:
            partner = ({first, second} - {gene}).pop()
            if partner not in KNOWN_GENES:
                return _refuse("alteration", "unknown_fusion_partner")
            kind = "fusion"
    if protein and kind:
        return _refuse("alteration", "several_changes")
    if "deletion" in plain and not kind and not protein and not exon:
        # An in-frame deletion (indel) or a deep deletion of the gene (CNV): not said.
        return _refuse("alteration", "ambiguous_alteration")
    if protein:
        if result == "negative":
            # "BRAF V600E negative" says nothing of the other changes of the gene.
            return _refuse("alteration", "negative_for_one_change")
        single = re.fullmatch(r"p\.\(?[A-Z][0-9]+[A-Z*]\)?", protein)
        return Mapped({"kind": "variant", "gene": gene,
                       "alteration_type": "snv" if single else "indel",
                       "exon": exon, "protein_change": protein})  # fmt: skip
    if not kind and exon and any(w in plain for w in ("deletion", "insertion", "duplication")):
        kind = "indel"  # an exon 19 deletion, an exon 20 insertion
    if not kind:
        words = not plain or any(w in plain for w in MUTATION_WORDS) or exon
        if gene in FUSION_BY_DEFAULT and not any(w in plain for w in ("mutation", "mute")):
            kind = "fusion"
        elif not words or (gene in ("RET", "FGFR2") and not plain):
            return _refuse("alteration", "ambiguous_alteration")
        else:
            kind = "mutation"
    if result == "negative":
        return Mapped({"kind": "negative", "gene": gene, "alteration_type": kind, "exon": exon})
    return Mapped({"kind": "variant", "gene": gene, "alteration_type": kind, "exon": exon,
                   "fusion_partner": partner})  # fmt: skip


def structure(marker: str, result: str, alteration: str = "", value: str = "") -> Mapped:
    """The structured fields of a simple entry, or the field that cannot be read and why."""
    if not marker.strip():
        return _refuse("marker", "required")
    if result not in RESULTS:
        return _refuse("result", "required" if not result else "unknown_choice")
    if result == "not_assessable":
        return _refuse("result", "not_assessable")
    name, alteration, value = _split_marker(marker, alteration.strip(), value.strip())
    if name in NOT_STRUCTURED:
        return _refuse("marker", "not_structured_marker")
    if name in IHC_MARKERS and not (
        name == "ERBB2" and any(w in _plain(alteration) for w in ("mut", "fusion", "rearr"))
    ):
        return _ihc(name, result, alteration, value)
    if name in MSI_MARKERS:
        mapped = _msi(name, result, f"{name} {alteration}")
        if mapped.problem == ("alteration", "msi_low") and MSI_WORDS["msi_l"].search(_plain(name)):
            return _refuse("marker", "msi_low")  # typed in "Gène ou marqueur": name that field
        return mapped
    if name in TMB_MARKERS:
        return _tmb(result, alteration, value)
    if name in GENE_FAMILIES:
        return _refuse("marker", "gene_family")
    if name not in KNOWN_GENES:
        return _refuse("marker", "unknown_marker")
    return _gene(name, result, alteration, value)


# --- what the structured results say of a marker, for the prognosis rules ---------------------


def marker_results(findings: Iterable[Any]) -> dict[str, str]:
    """The latest result per marker as the prognosis rules read it ("positive", "negative",
    "equivocal"): ER / PR positive from 1 % (ASCO/CAP 2020); HER2 positive at IHC 3+ or 2+ with
    an ERBB2 amplification by in situ hybridisation, negative at 0 / 1+ or at 2+ not amplified by
    ISH, equivocal at 2+ alone or with a result by NGS or by a method not recorded (ASCO/CAP
    2018, Wolff et al. J Clin Oncol 2018); PD-L1 TPS positive from 1 %; MSI-H /
    dMMR positive; a gene with a class 4–5 variant positive, with a variant of uncertain or
    unrecorded class equivocal, tested without alteration negative. Results "to verify" are
    not read. ``findings``: objects with the fields of a molecular result (newest first is not
    required).

    As trial matching reads it (``trials.selectors.facts_for_patients``), only the ERBB2
    amplification results of the latest HER2 score's own specimen (same sampling date) count
    beside that score: HER2 may differ between a primary tumour and a metastasis, and an
    amplified and a not-amplified result of that specimen decide nothing. A score contradicted
    on its specimen is equivocal (safer reading, docs/clinical-rules.md): 0 / 1+ with an
    amplification (ASCO/CAP 2018 ISH groups 2–4 with 0 / 1+ are negative, and the record holds
    only "amplified / not amplified", possibly by NGS), 3+ with a not-amplified result, two
    scores of the latest specimen that read differently. Without a HER2 score, only the latest
    ERBB2 amplification specimen is read (amplified: positive; amplified and not: equivocal)."""
    rows = sorted(findings, key=lambda f: f.sampled_on, reverse=True)
    out: dict[str, str] = {}
    her2_day = None
    her2_scores: list[int] = []  # the HER2 scores of the latest score's specimen
    # (sampling date, amplified, by in situ hybridisation) of the ERBB2 amplification results
    ish: list[tuple[Any, bool, bool]] = []
    for f in rows:
        if f.kind == "ihc" and f.ihc_value is not None:
            if f.ihc_marker == "HER2" and f.ihc_scale == "her2_score":
                if her2_day is None:
                    her2_day = f.sampled_on
                if f.sampled_on == her2_day:
                    her2_scores.append(int(f.ihc_value))
                out.setdefault("HER2", "equivocal")  # read below with the ISH of its specimen
            elif f.ihc_scale == "percent":
                out.setdefault(f.ihc_marker, "positive" if f.ihc_value >= 1 else "negative")
        elif f.kind == "variant":
            benign = f.classification is not None and f.classification <= 2
            if f.gene == "ERBB2" and f.alteration_type == "amplification" and not benign:
                ish.append((f.sampled_on, True, getattr(f, "method", "") == "ish"))
            proven = f.classification is not None and f.classification >= 4
            result = "positive" if proven else "negative" if benign else "equivocal"
            if f.gene != "ERBB2":  # HER2 status: read below from IHC and amplification
                out.setdefault(f.gene, result)
        elif f.kind == "negative":
            # Only a whole-gene result is a gene status: "EGFR exon 19 non muté" says nothing of
            # the other exons, and only a negative of the amplification itself stands for an
            # ISH result of ERBB2 (ASCO/CAP 2018; safer reading, docs/clinical-rules.md).
            if f.exon:
                continue
            if f.gene == "ERBB2" and f.alteration_type == "amplification":
                ish.append((f.sampled_on, False, getattr(f, "method", "") == "ish"))
            elif f.gene != "ERBB2":
                out.setdefault(f.gene, "negative")
        elif f.kind == "msi":
            out.setdefault("MSI", "positive" if f.msi_status in ("msi_h", "dmmr") else "negative")
    if her2_scores:
        own = [(amplified, by_ish) for day, amplified, by_ish in ish if day == her2_day]
        readings = {_her2_reading(score, own) for score in her2_scores}
        out["HER2"] = readings.pop() if len(readings) == 1 else "equivocal"
    elif ish:
        latest = max(day for day, _amplified, _by_ish in ish)
        same = {(amplified, by_ish) for day, amplified, by_ish in ish if day == latest}
        if any(amplified for amplified, _by_ish in same):  # not amplified alone: not read
            # Without a score, only an amplification by in situ hybridisation reads positive;
            # by NGS or a method not recorded it is to check, as in trial matching (ASCO/CAP
            # 2018 defines HER2 status by IHC and ISH).
            out["HER2"] = "positive" if same == {(True, True)} else "equivocal"
    return out


def _her2_reading(score: int, results: list[tuple[bool, bool]]) -> str:
    """One HER2 IHC score read with the ERBB2 amplification results of its specimen, each
    (amplified, by in situ hybridisation). Only an ISH decides a 2+ (ASCO/CAP 2018): by NGS or
    by a method not recorded, the 2+ stays equivocal, as in trial matching."""
    every = {amplified for amplified, _by_ish in results}
    if score == 2:
        if len(every) > 1:  # contradictory results of the specimen, whatever the method
            return "equivocal"
        by_ish = frozenset(amplified for amplified, is_ish in results if is_ish)
        return {frozenset({True}): "positive", frozenset({False}): "negative"}.get(
            by_ish, "equivocal"
        )
    if score == 3:
        return "equivocal" if False in every else "positive"
    return "equivocal" if True in every else "negative"
