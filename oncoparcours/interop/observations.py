"""Observations built from the record: TNM stage groups (with their T, N and M categories as
components) and performance status (ECOG / Karnofsky), as mCODE profiles them; the vital signs
and grades of the follow-up reports are built in ``report_observations``."""

from __future__ import annotations

from typing import Any

from oncoparcours.celltherapy.models import HaemoglobinResult
from oncoparcours.patients.models import (
    MolecularFinding,
    PerformanceScale,
    PerformanceStatus,
    Staging,
)

from . import systems
from .builders import own_identifier, validated
from .lab_observations import haemoglobin_observation
from .record_resources import molecular_observation
from .report_observations import Derived, derived_observation


def _loinc(code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": systems.LOINC, "code": code, "display": display}]}


def staging_observation(staging: Staging) -> dict[str, Any]:
    prefix = "c" if staging.kind == "clinical" else "p"
    categories = systems.TNM_CATEGORY_CODES[staging.kind]
    components = [
        {
            "code": _loinc(categories[letter], f"{letter} category"),
            "valueCodeableConcept": {
                "coding": [
                    {
                        "system": systems.OWN_TNM_CATEGORY,
                        "code": f"{prefix}{letter}{value.removeprefix(letter)}",
                    }
                ],
                "text": f"{prefix}{letter}{value.removeprefix(letter)}",
            },
        }
        for letter, value in (("T", staging.t), ("N", staging.n), ("M", staging.m))
        if value
    ]
    resource = {
        "resourceType": "Observation",
        "id": str(staging.pk),
        "meta": {"profile": [systems.TNM_STAGE_GROUP]},
        "identifier": [own_identifier(staging.pk)],
        "status": "final",
        "code": _loinc(systems.STAGE_GROUP_CODE[staging.kind], f"{staging.kind} stage group"),
        "subject": {"reference": f"Patient/{staging.diagnosis.patient_id}"},
        "focus": [{"reference": f"Condition/{staging.diagnosis_id}"}],
        "effectiveDateTime": staging.staged_on.isoformat(),
        "method": {"text": f"TNM UICC/AJCC, edition {staging.edition}"},
        "component": components,
    }
    if staging.stage_group:
        resource["valueCodeableConcept"] = {
            "coding": [{"system": systems.OWN_STAGE_GROUP, "code": staging.stage_group}],
            "text": staging.stage_group,
        }
    else:
        resource["dataAbsentReason"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                    "code": "unknown",
                }
            ]
        }
    return validated(resource)


def performance_observation(status: PerformanceStatus) -> dict[str, Any]:
    ecog = status.scale == PerformanceScale.ECOG
    resource = {
        "resourceType": "Observation",
        "id": str(status.pk),
        "meta": {"profile": [systems.ECOG_STATUS if ecog else systems.KARNOFSKY_STATUS]},
        "identifier": [own_identifier(status.pk)],
        "status": "final",
        "category": [{"coding": [{"system": systems.OBSERVATION_CATEGORY, "code": "survey"}]}],
        "code": _loinc(
            systems.ECOG_CODE if ecog else systems.KARNOFSKY_CODE,
            "ECOG performance status" if ecog else "Karnofsky performance status",
        ),
        "subject": {"reference": f"Patient/{status.patient_id}"},
        "effectiveDateTime": status.recorded_on.isoformat(),
        "valueInteger": status.value,
    }
    return validated(resource)


def observation_resource(
    row: Staging | PerformanceStatus | MolecularFinding | Derived | HaemoglobinResult,
) -> dict[str, Any]:
    if isinstance(row, HaemoglobinResult):
        return haemoglobin_observation(row)
    if isinstance(row, Derived):
        return derived_observation(row)
    if isinstance(row, MolecularFinding):
        return molecular_observation(row)
    if isinstance(row, Staging):
        return staging_observation(row)
    return performance_observation(row)
