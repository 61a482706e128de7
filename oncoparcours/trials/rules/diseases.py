"""Disease groups by ICD-10 code (WHO ICD-10, chapter II "Neoplasms", blocks C00–C97, D45–D47).

- "solid": malignant neoplasms of stated sites other than lymphoid and haematopoietic tissue,
  secondary and unspecified sites (C00–C80) and neuroendocrine tumours (C7A/C7B are ICD-10-CM
  only; not used here).
- "haematological": malignant neoplasms of lymphoid, haematopoietic and related tissue
  (C81–C96) and the myelodysplastic / myeloproliferative neoplasms D45, D46, D47.1, D47.3–D47.5;
  MGUS (D47.2) is in neither; C97 and the other D47 codes are to verify for a group criterion.
"""

from __future__ import annotations

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
