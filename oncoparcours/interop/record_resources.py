"""Tumour markers (mCODE TumorMarkerTest Observation) and anticancer treatments (mCODE
CancerRelatedMedicationStatement) built from the record, each carrying what the record holds
so that an export re-imports without loss."""

from __future__ import annotations

from typing import Any

from oncoparcours.patients.models import Biomarker, TreatmentCourse

from . import systems
from .builders import own_identifier, validated


def _detail(code: str, value: str) -> dict[str, Any]:
    return {
        "code": {"coding": [{"system": systems.OWN_RESULT_DETAIL, "code": code}], "text": code},
        "valueString": value,
    }


def biomarker_observation(marker: Biomarker) -> dict[str, Any]:
    codings = [{"system": systems.OWN_MARKER, "code": marker.marker}]
    if marker.marker in systems.MARKER_LOINC:
        codings.insert(0, {"system": systems.LOINC, "code": systems.MARKER_LOINC[marker.marker]})
    results = [{"system": systems.OWN_RESULT, "code": marker.result}]
    if marker.result in systems.RESULT_LOINC:
        results.insert(0, {"system": systems.LOINC, "code": systems.RESULT_LOINC[marker.result]})
    components = [
        _detail(name, value)
        for name, value in (("alteration", marker.alteration), ("value", marker.value))
        if value
    ]
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(marker.pk),
        "meta": {"profile": [systems.TUMOR_MARKER]},
        "identifier": [own_identifier(marker.pk)],
        "status": "final",
        "category": [{"coding": [{"system": systems.OBSERVATION_CATEGORY, "code": "laboratory"}]}],
        "code": {"coding": codings, "text": marker.marker},
        "subject": {"reference": f"Patient/{marker.diagnosis.patient_id}"},
        "focus": [{"reference": f"Condition/{marker.diagnosis_id}"}],
        "effectiveDateTime": marker.tested_on.isoformat(),
        "valueCodeableConcept": {"coding": results, "text": marker.result_label},
    }
    if components:
        resource["component"] = components
    return validated(resource)


def _status(course: TreatmentCourse) -> str:
    if course.ended_on is None:
        return "active"
    return "completed" if course.end_reason == "completed" else "stopped"


def medication_statement(course: TreatmentCourse) -> dict[str, Any]:
    period = {"start": course.started_on.isoformat()}
    if course.ended_on:
        period["end"] = course.ended_on.isoformat()
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": str(course.pk),
        "meta": {"profile": [systems.CANCER_MEDICATION]},
        "identifier": [own_identifier(course.pk)],
        "status": _status(course),
        "medicationCodeableConcept": {
            "coding": [{"system": systems.OWN_TREATMENT_KIND, "code": course.kind}],
            "text": course.regimen,
        },
        "subject": {"reference": f"Patient/{course.patient_id}"},
        "effectivePeriod": period,
    }
    if course.end_reason:
        resource["statusReason"] = [
            {"coding": [{"system": systems.OWN_END_REASON, "code": course.end_reason}]}
        ]
    if course.line:
        resource["extension"] = [{"url": systems.OWN_LINE, "valueInteger": course.line}]
    if course.note:
        resource["note"] = [{"text": course.note}]
    return validated(resource)
