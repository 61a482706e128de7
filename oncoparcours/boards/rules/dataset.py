"""The minimal dataset a case needs before it can go on an agenda (pure). Returns the codes of
what is missing; the views turn them into sentences."""

from __future__ import annotations

import datetime as dt
from typing import Any

PERFORMANCE_STATUS_MAX_AGE_DAYS = 90
CONTEXTS_NEEDING_PRIOR_TREATMENTS = frozenset({"relapse", "progression"})
CONTEXTS_NEEDING_HISTOLOGY = frozenset({"new_diagnosis"})


def _haematological(icd10: str) -> bool:
    return icd10[:1] == "C" and icd10[1:3].isdigit() and 81 <= int(icd10[1:3]) <= 96


def _central_nervous_system(icd10: str) -> bool:
    return icd10[:1] == "C" and icd10[1:3].isdigit() and 70 <= int(icd10[1:3]) <= 72


def staging_applies(icd10: str) -> bool:
    """TNM staging is expected for solid tumours (not haematological or CNS cancers)."""
    return bool(icd10) and not _haematological(icd10) and not _central_nervous_system(icd10)


def missing_items(dataset: dict[str, Any], today: dt.date) -> list[str]:
    """``dataset`` keys: question, context, icd10, morphology, stage (TNM or group), performance
    (recorded_on ISO date), prior_treatments, patient_informed, patient_opposed (an opposition to
    the review is in force)."""
    missing = []
    if not (dataset.get("question") or "").strip():
        missing.append("question")
    context = dataset.get("context") or ""
    if not context:
        missing.append("context")
    icd10 = dataset.get("icd10") or ""
    if not icd10:
        missing.append("diagnosis")
    if context in CONTEXTS_NEEDING_HISTOLOGY and not dataset.get("morphology"):
        missing.append("histology")
    if staging_applies(icd10) and not dataset.get("stage"):
        missing.append("stage")
    performance = dataset.get("performance") or {}
    recorded = performance.get("recorded_on")
    if not recorded:
        missing.append("performance_status")
    elif (today - dt.date.fromisoformat(recorded)).days > PERFORMANCE_STATUS_MAX_AGE_DAYS:
        missing.append("performance_status_outdated")
    if (
        context in CONTEXTS_NEEDING_PRIOR_TREATMENTS
        and not (dataset.get("prior_treatments") or "").strip()
    ):
        missing.append("prior_treatments")
    if dataset.get("patient_opposed"):
        # An opposition in force: the patient's new decision is recorded on its own, never
        # implied by the case form.
        missing.append("patient_opposed")
    elif not dataset.get("patient_informed"):
        missing.append("patient_informed")
    return missing
