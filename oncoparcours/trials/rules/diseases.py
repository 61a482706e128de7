"""Disease groups by ICD-10 code (WHO ICD-10, chapter II "Neoplasms", blocks C00–C97, D45–D47).

- "solid": malignant neoplasms of stated sites other than lymphoid and haematopoietic tissue,
  secondary and unspecified sites (C00–C80) and neuroendocrine tumours (C7A/C7B are ICD-10-CM
  only; not used here).
- "haematological": malignant neoplasms of lymphoid, haematopoietic and related tissue
  (C81–C96) and the myelodysplastic / myeloproliferative neoplasms D45, D46, D47.1, D47.3–D47.5;
  MGUS (D47.2) is in neither; C97 and the other D47 codes are to verify for a group criterion.
"""

from __future__ import annotations

import re

GROUPS = ("solid", "haematological")


# Codes whose group a trial cannot take for granted: C97 (independent multiple primaries), D47.0
# (histiocytic and mast cell tumours of uncertain behaviour), D47.7 / D47.9 (other / unspecified
# uncertain behaviour of lymphoid, haematopoietic tissue) and D47 without its fourth character.
UNCERTAIN = "uncertain"
# D47 subcategories that are myeloproliferative neoplasms (WHO classification: malignant); D47.2
# (monoclonal gammopathy, MGUS) is a precursor, not a malignancy.
D47_MALIGNANT = ("D471", "D473", "D474", "D475")


def group_of(icd10: str) -> str:
    """ "solid", "haematological", ``UNCERTAIN`` (to verify for a group criterion) or ""."""
    code = icd10.upper().replace(".", "")
    if len(code) < 3 or not code[1:3].isdigit():
        return ""
    letter, number = code[0], int(code[1:3])
    if letter == "C" and number <= 80:
        return "solid"
    if (letter == "C" and 81 <= number <= 96) or (letter == "D" and number in (45, 46)):
        return "haematological"
    if letter == "D" and number == 47:
        if code.startswith(D47_MALIGNANT):
            return "haematological"
        return "" if code.startswith("D472") else UNCERTAIN
    if letter == "C" and number == 97:
        return UNCERTAIN
    return ""


def icd10_matches(icd10: str, prefixes: list[str] | tuple[str, ...]) -> bool:
    code = icd10.upper().replace(".", "")
    return any(code.startswith(p.upper().replace(".", "")) for p in prefixes)


def icdo_matches(code: str, prefixes: list[str] | tuple[str, ...]) -> bool:
    text = code.upper().replace(".", "").replace("/", "")
    return any(text.startswith(p.upper().replace(".", "").replace("/", "")) for p in prefixes)


# ICD-O-3 morphology (WHO, International Classification of Diseases for Oncology, 3rd edition,
# 2000, and its first revision ICD-O-3.1, 2013, and ICD-O-3.2, IACR 2019): a four-digit histology
# type, a slash and the behaviour digit: /0 benign, /1 uncertain or borderline, /2 in situ,
# /3 malignant primary site, /6 malignant metastatic site, /9 malignant, uncertain whether primary
# or metastatic. A trial criterion gives a block (three digits, e.g. 814), a type (8140) or a
# type with its behaviour (8140/3); without the behaviour it means a malignant tumour (/3, /6, /9):
# an in-situ 8500/2 does not meet "8500" (a trial for invasive cancer). docs/clinical-rules.md §8.
# With its digit, a malignant behaviour (/3, /6, /9) against another malignant one is to verify,
# never "no", whether wanted or excluded: /6 and /9 are malignant tumours too (ICD-O-3, "Behaviour
# code": /6 and /9 are not used by cancer registries, whose primary tumour is coded /3), so a
# "8140/3" trial may well want a patient coded 8140/6 from a biopsy of a metastasis; a human checks.
MALIGNANT_BEHAVIOURS = frozenset({"3", "6", "9"})
BEHAVIOURS = frozenset({"0", "1", "2", "3", "6", "9"})
CRITERION_MORPHOLOGY = re.compile(r"^[89][0-9]{2}(?:[0-9](?:/[012369])?)?$")
CRITERION_TOPOGRAPHY = re.compile(r"^C[0-9]{2}(?:\.?[0-9])?$")
NO, UNSURE, YES = 0, 1, 2  # the values of ``criteria`` (NOT_MET, UNKNOWN, MET)


def split_morphology(code: str) -> tuple[str, str]:
    """("8140", "3") for "8140/3"; the behaviour is "" when not given or not an ICD-O-3 digit."""
    text = code.strip().upper().replace(" ", "")
    histology, _slash, behaviour = text.partition("/")
    if not _slash and len(histology) == 5 and histology.isdigit():  # "81403", written unslashed
        histology, behaviour = histology[:4], histology[4]
    return histology, behaviour if behaviour in BEHAVIOURS else ""


def morphology_meets(code: str, wanted: list[str] | tuple[str, ...]) -> int:
    """Whether a patient's ICD-O-3 morphology meets a criterion's list (YES / NO / UNSURE).
    A wanted code without its behaviour digit asks for a malignant tumour; a patient code without
    its behaviour digit is unsure for it (never met) — whether it is in situ is not known — and so
    is another malignant digit than the wanted one (/6 or /9 for a wanted /3)."""
    histology, behaviour = split_morphology(code)
    best = NO
    for prefix in wanted:
        type_wanted, _slash, behaviour_wanted = prefix.strip().partition("/")
        if not histology.startswith(type_wanted):
            continue
        if not behaviour:
            best = max(best, UNSURE)
        elif behaviour == behaviour_wanted or (
            not behaviour_wanted and behaviour in MALIGNANT_BEHAVIOURS
        ):
            return YES
        elif _both_malignant(behaviour, behaviour_wanted):
            best = max(best, UNSURE)
    return best


def _both_malignant(behaviour: str, behaviour_wanted: str) -> bool:
    """Two different malignant behaviour digits (e.g. wanted /3, recorded /6 or /9)."""
    return behaviour in MALIGNANT_BEHAVIOURS and behaviour_wanted in MALIGNANT_BEHAVIOURS


def morphology_excluded(code: str, excluded: list[str] | tuple[str, ...]) -> int:
    """Whether a patient's morphology is among a criterion's exclusions (YES / NO / UNSURE). An
    exclusion without its behaviour digit excludes the histology whatever its behaviour (safer
    reading: an excluded small-cell carcinoma is excluded in situ too); with its digit, a patient
    code without one, or with another malignant digit (/6 or /9 for an excluded /3), is unsure."""
    histology, behaviour = split_morphology(code)
    best = NO
    for prefix in excluded:
        type_wanted, _slash, behaviour_wanted = prefix.strip().partition("/")
        if not histology.startswith(type_wanted):
            continue
        if not behaviour_wanted or behaviour == behaviour_wanted:
            return YES
        if not behaviour or _both_malignant(behaviour, behaviour_wanted):
            best = max(best, UNSURE)
    return best
