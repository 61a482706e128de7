"""``GET /fhir/$export``: every patient the caller may see, for one declared purpose (network,
evaluation, research, registry), as NDJSON streamed in chunks (memory flat), **pseudonymised**
(the purposes file says these exports are pseudonymised) and **without the patients who object**
to that purpose on the day of the export (``patients.consent.excluded_patient_ids``).

One line per resource, for every patient-data type the API serves (``TYPES``): Patient,
Condition, Observation (stage groups, performance statuses, molecular results, EFS haemoglobin,
and the vital signs, lab values and grades of the follow-up reports), MedicationStatement,
QuestionnaireResponse, AdverseEvent, CarePlan, Task, Appointment (home visits, EFS bookings,
CAR-T infusions), Encounter and BiologicallyDerivedProduct. The directory and the trial registry
(Practitioner, PractitionerRole, Organization, ResearchStudy) hold no patient data: they are read
through their own searches, not exported.

Pseudonymised: ids and every reference are pseudonyms stable for a key and purpose (a patient's
resources still point to each other); the Patient keeps sex, birth year and year of death only
(no name, address, phone, INS or GP); clinical dates are kept (delays are what evaluators
measure); our identifiers, the names shown beside references, and free text (notes, comments,
reasons written by staff or patients) are dropped. Each chunk reads each type in one query for
all its patients."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from oncoparcours.celltherapy.models import HaemoglobinResult
from oncoparcours.core.audit import audit_record, audit_record_many
from oncoparcours.core.models import AuditAction
from oncoparcours.core.pseudonyms import derived_key
from oncoparcours.monitoring.models import Report
from oncoparcours.patients.consent import excluded_patient_ids
from oncoparcours.patients.models import Diagnosis, MolecularFinding, Patient, Sex
from oncoparcours.patients.rules import consent as consent_rules

from . import adverse_resources as adverse
from . import appointment_resources as appointments
from . import builders, observations, record_resources, report_observations, systems
from . import careplan_resources as careplans
from . import celltherapy_appointments as cell
from . import encounter_resources as encounters
from . import product_resources as products
from . import report_resources as reports
from . import task_resources as tasks
from .readers import Reader

CHUNK = 500
EXPORT_PURPOSES = consent_rules.PURPOSES
TYPES = (
    "Patient",
    "Condition",
    "Observation",
    "MedicationStatement",
    "QuestionnaireResponse",
    "AdverseEvent",
    "CarePlan",
    "Task",
    "Appointment",
    "Encounter",
    "BiologicallyDerivedProduct",
)
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


# Elements that hold free text written by staff or patients: dropped. ``statusReason`` and
# ``cancelationReason`` keep their coding only; the carry-over reason extension goes.
DROPPED = frozenset({"identifier", "note", "comment"})
CODING_ONLY = frozenset({"statusReason", "cancelationReason"})
FREE_TEXT_EXTENSIONS = frozenset({systems.OWN_CARRY_REASON})
FREE_TEXT_ITEMS = frozenset({"comment"})  # QuestionnaireResponse linkId of the free comment


def _scrub(node: Any, alias: Any) -> Any:
    if isinstance(node, list):
        kept = [_scrub(item, alias) for item in node if not _free_text(item)]
        return [item for item in kept if item not in ({}, [], None)]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key in DROPPED:
            continue
        if key in CODING_ONLY:
            value = (
                {"coding": value["coding"]}
                if isinstance(value, dict) and "coding" in value
                else None
            )
            if value is None:
                continue
        if key == "reference" and isinstance(value, str) and "/" in value:
            kind, _, target = value.partition("/")
            value = f"{kind}/{alias(target)}"
        elif key == "display" and "reference" in node:
            continue  # the name of the professional or place referred to
        result[key] = _scrub(value, alias)
    return {key: value for key, value in result.items() if value not in ({}, [], None)}


def _free_text(item: Any) -> bool:
    if not isinstance(item, dict):
        return False
    return item.get("url") in FREE_TEXT_EXTENSIONS or item.get("linkId") in FREE_TEXT_ITEMS


def _rewrite(resource: dict[str, Any], alias: Any, patient_alias: str) -> dict[str, Any]:
    """Replace the row ids and references by pseudonyms; drop our own identifiers, the names
    beside references and free text."""
    scrubbed: dict[str, Any] = _scrub(resource, alias)
    scrubbed["id"] = alias(resource["id"])
    return scrubbed


@dataclass(frozen=True)
class Source:
    """One more table read per chunk: the rows of the chunk's patients, the patient each row
    belongs to, and the resources it yields."""

    type: str
    rows: Callable[[list[Any]], QuerySet[Any]]
    patient_of: Callable[[Any], Any]
    build: Callable[[Any], list[dict[str, Any]]]


def _derived(report: Report) -> list[dict[str, Any]]:
    return [
        report_observations.derived_observation(derived)
        for derived in report_observations.derived_of(report)
    ]


def _own_patient(row: Any) -> Any:
    return row.patient_id


SOURCES = (
    Source(
        "Observation",
        lambda ids: HaemoglobinResult.objects.filter(patient_id__in=ids).order_by(
            "measured_on", "pk"
        ),
        _own_patient,
        lambda row: [observations.observation_resource(row)],
    ),
    Source(
        "Observation",
        lambda ids: Report.objects.filter(patient_id__in=ids).order_by("submitted_at", "pk"),
        _own_patient,
        _derived,
    ),
    Source(
        "QuestionnaireResponse",
        lambda ids: Report.objects.filter(patient_id__in=ids).order_by("submitted_at", "pk"),
        _own_patient,
        lambda row: [reports.report_resource(row)],
    ),
    Source(
        "AdverseEvent",
        lambda ids: adverse._events().filter(patient_id__in=ids).order_by("onset", "pk"),
        _own_patient,
        lambda row: [adverse.adverse_event_resource(row)],
    ),
    Source(
        "CarePlan",
        lambda ids: careplans._instances().filter(patient_id__in=ids).order_by("start_date", "pk"),
        _own_patient,
        lambda row: [careplans.careplan_resource(row)],
    ),
    Source(
        "Task",
        lambda ids: (
            tasks.pathway_steps().filter(patient_id__in=ids).order_by("instance_id", "day", "key")
        ),
        _own_patient,
        lambda row: [tasks.task_resource(row)],
    ),
    Source(
        "Appointment",
        lambda ids: (
            appointments.visits_in_force()
            .filter(patient_id__in=ids)
            .order_by("tour__plan__day", "start", "pk")
        ),
        _own_patient,
        lambda row: [appointments.appointment_resource(row)],
    ),
    Source(
        "Appointment",
        lambda ids: cell.bookings().filter(patient_id__in=ids).order_by("day", "pk"),
        _own_patient,
        lambda row: [appointments.appointment_resource(row)],
    ),
    Source(
        "Appointment",
        lambda ids: cell.infusions().filter(patient_id__in=ids).order_by("day", "pk"),
        _own_patient,
        lambda row: [appointments.appointment_resource(row)],
    ),
    Source(
        "Encounter",
        lambda ids: (
            encounters.agenda_items()
            .filter(case__patient_id__in=ids)
            .order_by("session__starts_at", "pk")
        ),
        lambda row: row.case.patient_id,
        lambda row: [encounters.encounter_resource(row)],
    ),
    Source(
        "BiologicallyDerivedProduct",
        lambda ids: products._orders().filter(patient_id__in=ids).order_by("created_at", "pk"),
        _own_patient,
        lambda row: [products.product_resource(row)],
    ),
)


def _chunk_rows(chunk: Sequence[Patient], types: set[str]) -> dict[Any, list[tuple[Source, Any]]]:
    """The rows of every further source for the chunk's patients (one query each), by patient."""
    ids = [patient.pk for patient in chunk]
    by_patient: dict[Any, list[tuple[Source, Any]]] = defaultdict(list)
    for source in SOURCES:
        if source.type in types:
            for row in source.rows(ids):
                by_patient[source.patient_of(row)].append((source, row))
    return by_patient


def _resources(
    patient: Patient, alias: Pseudonyms, types: set[str], more: list[tuple[Source, Any]]
) -> Iterator[dict[str, Any]]:
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
    for source, row in more:
        for resource in source.build(row):
            yield _rewrite(resource, alias, patient_alias)


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
            more = _chunk_rows(chunk, types)
            lines = [
                json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
                for patient in chunk
                for resource in _resources(patient, alias, types, more.get(patient.pk, []))
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
