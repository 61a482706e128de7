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
all its patients (the reports once for their Observations and QuestionnaireResponse, the
activities once for the CarePlans and the Tasks), and nothing of a chunk is kept while the next
one is read: memory stays flat whatever the number of patients."""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

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
from . import (
    builders,
    export_pathways,
    ndjson,
    observations,
    record_resources,
    report_observations,
    systems,
)
from . import celltherapy_appointments as cell
from . import encounter_resources as encounters
from . import product_resources as products
from . import report_resources as reports
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
    """HMAC pseudonyms; those of the current chunk are remembered (a patient's id is in every
    reference of their resources), and forgotten at the next chunk (``forget``)."""

    def __init__(self, purpose: str) -> None:
        self.key = derived_key(b"oncoparcours-fhir-export-" + purpose.encode())
        self.known: dict[Any, str] = {}

    def __call__(self, value: Any) -> str:
        # Remembered under the value given (a UUID read, or the text of a reference): the same
        # pseudonym either way, and no text made again for a value seen in this chunk.
        found = self.known.get(value)
        if found is None:
            text = str(value)
            found = hmac.new(self.key, text.encode(), hashlib.sha256).hexdigest()[:32]
            self.known[value] = found
        return found

    def forget(self) -> None:
        self.known = {}


# What the export reads of the patient row itself (``_patient``); the rest is not loaded.
PATIENT_FIELDS = ("pk", "sex", "birth_date", "deceased_on")


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


# The keys ``_scrub`` looks at; every other key is copied (its value scrubbed).
SPECIAL = DROPPED | CODING_ONLY | {"reference", "display"}
PLAIN = (str, int, bool)  # floats: ``ndjson.number``


def _scrub(node: dict[str, Any], alias: Any) -> dict[str, Any]:
    """A copy of ``node`` without the dropped elements, references pseudonymised; elements left
    empty ({}, [] or None) are dropped. Called for every element of every resource: the common
    case (a key not in ``SPECIAL``, a string value) is tested first."""
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key in SPECIAL:
            if key in DROPPED:
                continue
            if key == "display":
                if "reference" in node:
                    continue  # the name of the professional or place referred to
            elif key == "reference":
                if isinstance(value, str) and "/" in value:
                    kind, _, target = value.partition("/")
                    result[key] = f"{kind}/{alias(target)}"
                    continue
            else:  # CODING_ONLY
                if not (isinstance(value, dict) and "coding" in value):
                    continue
                value = {"coding": value["coding"]}
        if value.__class__ in PLAIN:
            result[key] = value
        elif value.__class__ is float:
            result[key] = ndjson.number(value)
        elif isinstance(value, dict):
            value = _scrub(value, alias)
            if value:
                result[key] = value
        elif isinstance(value, list):
            value = _scrub_list(value, alias)
            if value:
                result[key] = value
        elif value is not None:
            result[key] = value
    return result


def _scrub_list(node: list[Any], alias: Any) -> list[Any]:
    kept: list[Any] = []
    for item in node:
        if isinstance(item, dict):
            if ("url" in item or "linkId" in item) and _free_text(item):
                continue
            item = _scrub(item, alias)
            if item:
                kept.append(item)
        elif isinstance(item, list):
            item = _scrub_list(item, alias)
            if item:
                kept.append(item)
        elif item.__class__ is float:
            kept.append(ndjson.number(item))
        elif item is not None:
            kept.append(item)
    return kept


def _free_text(item: dict[str, Any]) -> bool:
    return item.get("url") in FREE_TEXT_EXTENSIONS or item.get("linkId") in FREE_TEXT_ITEMS


def _rewrite(resource: dict[str, Any], alias: Any) -> dict[str, Any]:
    """Replace the row ids and references by pseudonyms; drop our own identifiers, the names
    beside references and free text."""
    scrubbed: dict[str, Any] = _scrub(resource, alias)
    scrubbed["id"] = alias(resource["id"])
    return scrubbed


class Chunk:
    """The patient ids of one chunk, and the rows two sources share (read once, when first
    asked): the reports (their Observations and QuestionnaireResponse) and the pathway
    instances with their activities (CarePlan, and the activities as Task)."""

    def __init__(self, ids: list[Any]) -> None:
        self.ids = ids

    @functools.cached_property
    def reports(self) -> list[Report]:
        return list(Report.objects.filter(patient_id__in=self.ids).order_by("submitted_at", "pk"))

    @functools.cached_property
    def pathways(self) -> export_pathways.Pathways:
        return export_pathways.Pathways(self.ids)


@dataclass(frozen=True)
class Source:
    """One more table read per chunk: the rows of the chunk's patients, the patient each row
    belongs to, and the resources it yields, pseudonymised."""

    type: str
    rows: Callable[[Chunk], Iterable[Any]]
    patient_of: Callable[[Any], Any]
    build: Callable[[Any, Pseudonyms], list[dict[str, Any]]]


def scrubbed(
    builder: Callable[[Any], list[dict[str, Any]]],
) -> Callable[[Any, Pseudonyms], list[dict[str, Any]]]:
    """An API builder's resources, then scrubbed (``_rewrite``)."""
    return lambda row, alias: [_rewrite(resource, alias) for resource in builder(row)]


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
        lambda chunk: HaemoglobinResult.objects.filter(patient_id__in=chunk.ids).order_by(
            "measured_on", "pk"
        ),
        _own_patient,
        scrubbed(lambda row: [observations.observation_resource(row)]),
    ),
    Source("Observation", lambda chunk: chunk.reports, _own_patient, scrubbed(_derived)),
    Source(
        "QuestionnaireResponse",
        lambda chunk: chunk.reports,
        _own_patient,
        scrubbed(lambda row: [reports.report_resource(row)]),
    ),
    Source(
        "AdverseEvent",
        lambda chunk: adverse._events().filter(patient_id__in=chunk.ids).order_by("onset", "pk"),
        _own_patient,
        scrubbed(lambda row: [adverse.adverse_event_resource(row)]),
    ),
    Source(
        "CarePlan",
        lambda chunk: chunk.pathways.careplan_rows(),
        lambda row: row[0][export_pathways.PLAN_PATIENT],
        lambda row, alias: [export_pathways.careplan(row, alias)],
    ),
    Source(
        "Task",
        lambda chunk: chunk.pathways.task_rows(),
        lambda row: row[0][export_pathways.STEP_PATIENT],
        lambda row, alias: [export_pathways.task(row, alias)],
    ),
    Source(
        "Appointment",
        lambda chunk: (
            appointments.visits_in_force()
            .filter(patient_id__in=chunk.ids)
            .order_by("tour__plan__day", "start", "pk")
        ),
        _own_patient,
        scrubbed(lambda row: [appointments.appointment_resource(row)]),
    ),
    Source(
        "Appointment",
        lambda chunk: cell.bookings().filter(patient_id__in=chunk.ids).order_by("day", "pk"),
        _own_patient,
        scrubbed(lambda row: [appointments.appointment_resource(row)]),
    ),
    Source(
        "Appointment",
        lambda chunk: cell.infusions().filter(patient_id__in=chunk.ids).order_by("day", "pk"),
        _own_patient,
        scrubbed(lambda row: [appointments.appointment_resource(row)]),
    ),
    Source(
        "Encounter",
        lambda chunk: (
            encounters.agenda_items()
            .filter(case__patient_id__in=chunk.ids)
            .order_by("session__starts_at", "pk")
        ),
        lambda row: row.case.patient_id,
        scrubbed(lambda row: [encounters.encounter_resource(row)]),
    ),
    Source(
        "BiologicallyDerivedProduct",
        lambda chunk: (
            products._orders().filter(patient_id__in=chunk.ids).order_by("created_at", "pk")
        ),
        _own_patient,
        scrubbed(lambda row: [products.product_resource(row)]),
    ),
)


def _chunk_rows(chunk: Sequence[Patient], types: set[str]) -> dict[Any, list[tuple[Source, Any]]]:
    """The rows of every further source for the chunk's patients (one query each), by patient."""
    shared = Chunk([patient.pk for patient in chunk])
    by_patient: dict[Any, list[tuple[Source, Any]]] = defaultdict(list)
    for source in SOURCES:
        if source.type in types:
            for row in source.rows(shared):
                by_patient[source.patient_of(row)].append((source, row))
    return by_patient


def _resources(
    patient: Patient, alias: Pseudonyms, types: set[str], more: list[tuple[Source, Any]]
) -> Iterator[dict[str, Any]]:
    patient_alias = alias(patient.pk)
    if "Patient" in types:
        yield _patient(patient, patient_alias)
    for diagnosis in patient.export_diagnoses:  # type: ignore[attr-defined]
        if "Condition" in types:
            condition = builders.condition_resource(diagnosis)
            yield _rewrite(condition, alias)
        if "Observation" in types:
            for staging in diagnosis.export_stagings:
                staging.diagnosis = diagnosis
                yield _rewrite(observations.staging_observation(staging), alias)
    if "Observation" in types:
        # One Observation per molecular result in force (the single source, issue 15).
        for finding in patient.current_molecular:  # type: ignore[attr-defined]
            found = record_resources.molecular_observation(finding)
            yield _rewrite(found, alias)
        for status in patient.export_performance:  # type: ignore[attr-defined]
            yield _rewrite(observations.performance_observation(status), alias)
    if "MedicationStatement" in types:
        for course in patient.export_treatments:  # type: ignore[attr-defined]
            yield _rewrite(record_resources.medication_statement(course), alias)
    for source, row in more:
        yield from source.build(row, alias)


def _chunk_block(chunk: Sequence[Patient], alias: Pseudonyms, types: set[str]) -> bytes:
    """The NDJSON lines of one chunk's patients, one resource a line."""
    more = _chunk_rows(chunk, types)
    lines = [
        ndjson.encode(resource)
        for patient in chunk
        for resource in _resources(patient, alias, types, more.get(patient.pk, []))
    ]
    if not lines:
        return b""
    lines.append(b"")
    return b"\n".join(lines)


def export_lines(*, reader: Reader, purpose: str, types: set[str]) -> Iterator[bytes]:
    """NDJSON lines, chunk by chunk (keyset on the patient id), each chunk's patients audited."""
    alias = Pseudonyms(purpose)
    excluded = excluded_patient_ids(purposes=[purpose])
    patients = (
        Patient.objects.filter(reader.patient_filter("pk"))
        .exclude(pk__in=excluded)
        .order_by("pk")
        .only(*PATIENT_FIELDS)
        # Prefetched as lists (``to_attr``): no queryset made per patient.
        .prefetch_related(
            Prefetch(
                "diagnoses",
                queryset=Diagnosis.objects.prefetch_related(
                    Prefetch("stagings", to_attr="export_stagings")
                ),
                to_attr="export_diagnoses",
            ),
            Prefetch(
                "molecular",
                queryset=MolecularFinding.objects.current()
                .select_related("from_biomarker")
                .order_by("sampled_on", "pk"),
                to_attr="current_molecular",
            ),
            Prefetch("performance_statuses", to_attr="export_performance"),
            Prefetch("treatments", to_attr="export_treatments"),
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
            block = _chunk_block(chunk, alias, types)
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
            # Nothing of this chunk is kept while the next one is read (memory flat).
            del chunk
            alias.forget()
            yield block
            del block
    finally:
        builders.VALIDATE.reset(token)
    audit_record(
        **reader.audit(),
        action=AuditAction.EXPORT,
        details={"what": "FHIR $export", "purpose": purpose, "patients": exported},
    )
