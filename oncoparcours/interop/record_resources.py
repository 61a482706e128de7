"""Tumour markers (mCODE TumorMarkerTest Observation) and anticancer treatments (mCODE
CancerRelatedMedicationStatement) built from the record, each carrying what the record holds
so that an export re-imports without loss."""

from __future__ import annotations

from typing import Any

from oncoparcours.patients.models import Biomarker, MolecularFinding, TreatmentCourse
from oncoparcours.patients.rules.biomarker_wording import result_label

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


# The structured fields a molecular result carries in its components (own system), so that a
# receiving OncoParcours keeps them; the reported wording travels as marker / alteration / value.
STRUCTURED_FIELDS = (
    "kind", "gene", "alteration_type", "exon", "protein_change", "fusion_partner",
    "classification", "tmb", "msi_status", "ihc_marker", "ihc_scale", "ihc_value", "method",
)  # fmt: skip


def _reading(finding: MolecularFinding) -> tuple[str, str, str, str]:
    """(marker, result, alteration, value) of a structured result: the wording reported when
    it was entered that way, otherwise read from the structured fields."""
    if finding.reported_marker and finding.reported_result:
        return (
            finding.reported_marker, finding.reported_result, finding.reported_alteration,
            finding.reported_value,
        )  # fmt: skip
    kind = finding.kind
    if kind == "ihc":
        value = finding.ihc_value or 0
        if finding.ihc_scale == "her2_score":
            result = {3: "positive", 2: "equivocal"}.get(int(value), "negative")
        else:
            result = "positive" if value >= 1 else "negative"
        return finding.ihc_marker, result, "", finding.ihc_value_text
    if kind == "msi":
        high = finding.msi_status in ("msi_h", "dmmr")
        return "MSI", "positive" if high else "negative", finding.msi_status, ""
    if kind == "tmb":
        # Worded against 10 mut/Mb (FDA, pembrolizumab, 2020) for the coded result only; the
        # number is the value.
        tmb = finding.tmb or 0
        return "TMB", "positive" if tmb >= 10 else "negative", "", f"{tmb:g} mut/Mb"
    detail = finding.protein_change or (
        f"{finding.gene}::{finding.fusion_partner}" if finding.fusion_partner else ""
    )
    alteration = " ".join(
        part
        for part in (
            finding.alteration_type,
            detail,
            f"exon {finding.exon}" if finding.exon else "",
        )
        if part
    )
    result = "negative" if kind == "negative" else "positive"
    return finding.gene or finding.reported_marker, result, alteration, ""


def molecular_observation(finding: MolecularFinding) -> dict[str, Any]:
    """One current molecular result as an mCODE TumorMarkerTest Observation (issue 15: the
    single source). A result "to verify" goes out "preliminary" with its reported wording as
    text, never a coded result; a variant of class 1–3 or without its class is coded equivocal
    (only classes 4–5 prove the alteration). The record's result travels in an own component
    ("result") so that the export re-imports without loss."""
    marker, result, alteration, value = _reading(finding)
    to_verify = finding.kind == "to_verify"
    coded = result
    if finding.kind == "variant" and finding.classification not in (4, 5):
        coded = "equivocal"
    codings = [{"system": systems.OWN_MARKER, "code": marker}]
    if marker in systems.MARKER_LOINC:
        codings.insert(0, {"system": systems.LOINC, "code": systems.MARKER_LOINC[marker]})
    results = [{"system": systems.OWN_RESULT, "code": coded}] if coded else []
    if coded in systems.RESULT_LOINC:
        results.insert(0, {"system": systems.LOINC, "code": systems.RESULT_LOINC[coded]})
    components = [
        _detail(name, text)
        for name, text in (("result", result), ("alteration", alteration), ("value", value))
        if text
    ]
    components += [
        _detail(name, str(getattr(finding, name)))
        for name in STRUCTURED_FIELDS
        if getattr(finding, name) not in (None, "")
    ]
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(finding.pk),
        "meta": {"profile": [systems.TUMOR_MARKER]},
        "identifier": [own_identifier(finding.pk)],
        "status": "preliminary" if to_verify else "final",
        "category": [{"coding": [{"system": systems.OBSERVATION_CATEGORY, "code": "laboratory"}]}],
        "code": {"coding": codings, "text": marker},
        "subject": {"reference": f"Patient/{finding.patient_id}"},
        "effectiveDateTime": finding.sampled_on.isoformat(),
        "component": components,
    }
    if to_verify:
        resource["valueString"] = finding.reported or str(finding)
    else:
        resource["valueCodeableConcept"] = {
            "coding": results,
            "text": result_label(marker, coded, alteration),
        }
    if finding.method:
        resource["method"] = {"text": str(finding.get_method_display())}
    if finding.from_biomarker_id and finding.from_biomarker is not None:
        resource["focus"] = [{"reference": f"Condition/{finding.from_biomarker.diagnosis_id}"}]
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
