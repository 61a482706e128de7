"""Disease groups by ICD-10 code (WHO ICD-10, chapter II "Neoplasms", blocks C00–C97, D45–D47).

- "solid": malignant neoplasms of stated sites other than lymphoid and haematopoietic tissue,
  secondary and unspecified sites (C00–C80) and neuroendocrine tumours (C7A/C7B are ICD-10-CM
  only; not used here).
- "haematological": malignant neoplasms of lymphoid, haematopoietic and related tissue
  (C81–C96) and the myelodysplastic / myeloproliferative neoplasms D45, D46, D47.
"""

from __future__ import annotations

GROUPS = ("solid", "haematological")


def group_of(icd10: str) -> str:
    code = icd10.upper().replace(".", "")
    if len(code) < 3 or not code[1:3].isdigit():
        return ""
    letter, number = code[0], int(code[1:3])
    if letter == "C" and number <= 80:
        return "solid"
    if (letter == "C" and 81 <= number <= 96) or (letter == "D" and number in (45, 46, 47)):
        return "haematological"
    return ""


def icd10_matches(icd10: str, prefixes: list[str] | tuple[str, ...]) -> bool:
    code = icd10.upper().replace(".", "")
    return any(code.startswith(p.upper().replace(".", "")) for p in prefixes)


def icdo_matches(code: str, prefixes: list[str] | tuple[str, ...]) -> bool:
    text = code.upper().replace(".", "").replace("/", "")
    return any(text.startswith(p.upper().replace(".", "").replace("/", "")) for p in prefixes)
