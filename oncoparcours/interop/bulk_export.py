"""``GET /fhir/$export``: every patient the caller may see, for one declared purpose (network,
evaluation, research, registry), as NDJSON streamed in chunks (memory flat), **pseudonymised**
(the purposes file says these exports are pseudonymised) and **without the patients who object**
to that purpose on the day of the export (``patients.consent.excluded_patient_ids``).

One line per resource (Patient, Condition, Observation, MedicationStatement); ids and references
are pseudonyms stable for a key and purpose; the Patient keeps sex, birth year and year of death
only (no name, address, phone, INS or GP); clinical dates are kept (delays are what evaluators
measure); free-text notes are dropped."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch

from oncoparcours.core.audit import audit_record, audit_record_many
from oncoparcours.core.models import AuditAction
from oncoparcours.core.pseudonyms import derived_key
from oncoparcours.patients.consent import excluded_patient_ids
from oncoparcours.patients.models import Diagnosis, MolecularFinding, Patient, Sex
from oncoparcours.patients.rules import consent as consent_rules

from . import builders, observations, record_resources, systems
from .readers import Reader

CHUNK = 500
EXPORT_PURPOSES = consent_rules.PURPOSES
TYPES = ("Patient", "Condition", "Observation", "MedicationStatement")
PSEUDONYM = systems.OWN + "NamingSystem/export-pseudonym"


class Pseudonyms:
    def __init__(self, purpose: str) -> None:
        self.key = derived_key(b"oncoparcours-fhir-export-" + purpose.encode())

    def __call__(self, value: Any) -> str:
        return hmac.new(self.key, str(value).encode(), hashlib.sha256).hexdigest()[:32]


def _patient(patient: Patient, alias: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": alias,
        "meta": {"profile": [systems.CANCER_PATIENT]},
        "identifier": [{"system": PSEUDONYM, "value": alias}],
        "gender": builders.GENDER[Sex(patient.sex)],
        "birthDate": str(patient.birth_date.year),
    }
    if patient.deceased_on:
        resource["deceasedDateTime"] = str(patient.deceased_on.year)
    return resource


def _rewrite(resource: dict[str, Any], alias: Any, patient_alias: str) -> dict[str, Any]:
    """Replace the row ids and references by pseudonyms; drop our own identifiers and notes."""
    resource = dict(resource)
    resource["id"] = alias(resource["id"])
    resource.pop("identifier", None)
    resource.pop("note", None)
    resource["subject"] = {"reference": f"Patient/{patient_alias}"}
    for focus in resource.get("focus", []):
        kind, _, key = focus["reference"].partition("/")
        focus["reference"] = f"{kind}/{alias(key)}"
    return resource


def _resources(patient: Patient, alias: Pseudonyms, types: set[str]) -> Iterator[dict[str, Any]]:
    patient_alias = alias(patient.pk)
    if "Patient" in types:
        yield _patient(patient, patient_alias)
    for diagnosis in patient.diagnoses.all():
        if "Condition" in types:
            condition = builders.condition_resource(diagnosis)
            yield _rewrite(condition, alias, patient_alias)
        if "Observation" in types:
            for staging in diagnosis.stagings.all():
                staging.diagnosis = diagnosis
                yield _rewrite(observations.staging_observation(staging), alias, patient_alias)
    if "Observation" in types:
        # One Observation per molecular result in force (the single source, issue 15).
        for finding in patient.current_molecular:  # type: ignore[attr-defined]
            found = record_resources.molecular_observation(finding)
            yield _rewrite(found, alias, patient_alias)
        for status in patient.performance_statuses.all():
            yield _rewrite(observations.performance_observation(status), alias, patient_alias)
    if "MedicationStatement" in types:
        for course in patient.treatments.all():
            yield _rewrite(record_resources.medication_statement(course), alias, patient_alias)


def export_lines(*, reader: Reader, purpose: str, types: set[str]) -> Iterator[bytes]:
    """NDJSON lines, chunk by chunk (keyset on the patient id), each chunk's patients audited."""
    alias = Pseudonyms(purpose)
    excluded = excluded_patient_ids(purposes=[purpose])
    patients = (
        Patient.objects.filter(reader.patient_filter("pk"))
        .exclude(pk__in=excluded)
        .order_by("pk")
        .prefetch_related(
            Prefetch(
                "diagnoses",
                queryset=Diagnosis.objects.prefetch_related("stagings"),
            ),
            Prefetch(
                "molecular",
                queryset=MolecularFinding.objects.current()
                .select_related("from_biomarker")
                .order_by("sampled_on", "pk"),
                to_attr="current_molecular",
            ),
            "performance_statuses",
            "treatments",
        )
    )
    last = None
    exported = 0
    token = builders.VALIDATE.set(False)
    try:
        while True:
            chunk = list((patients.filter(pk__gt=last) if last else patients)[:CHUNK])
            if not chunk:
                break
            lines = [
                json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
                for patient in chunk
                for resource in _resources(patient, alias, types)
            ]
            audit_record_many(
                [
                    {
                        **reader.audit(),
                        "action": AuditAction.EXPORT,
                        "patient_id": patient.pk,
                        "details": {"what": "FHIR $export", "purpose": purpose},
                    }
                    for patient in chunk
                ]
            )
            exported += len(chunk)
            last = chunk[-1].pk
            yield b"".join(lines)
    finally:
        builders.VALIDATE.reset(token)
    audit_record(
        **reader.audit(),
        action=AuditAction.EXPORT,
        details={"what": "FHIR $export", "purpose": purpose, "patients": exported},
    )
