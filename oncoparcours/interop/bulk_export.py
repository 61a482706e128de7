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
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection

from oncoparcours.celltherapy.models import HaemoglobinResult
from oncoparcours.core.audit import audit_record, audit_record_many
from oncoparcours.core.models import AuditAction
from oncoparcours.core.pseudonyms import derived_key
from oncoparcours.patients.consent import excluded_patient_ids
from oncoparcours.patients.models import (
    Diagnosis,
    MolecularFinding,
    Patient,
    PerformanceStatus,
    Staging,
    TreatmentCourse,
)
from oncoparcours.patients.rules import consent as consent_rules

from . import adverse_resources as adverse
from . import appointment_resources as appointments
from . import (
    builders,
    export_pathways,
    export_records,
    ndjson,
    observations,
    record_resources,
    systems,
)
from . import celltherapy_appointments as cell
from . import encounter_resources as encounters
from . import product_resources as products
from .export_workers import ChunkWorkers, shareable_database
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
    """HMAC pseudonyms, keyed per purpose **and recipient** (the system the export is for): two
    purposes' files, or two recipients' files of the same purpose, cannot be joined by id. Those
    of the current chunk are remembered (a patient's id is in every reference of their
    resources), and forgotten at the next chunk (``forget``)."""

    def __init__(self, purpose: str, *, recipient: str) -> None:
        self.key = self.key_of(purpose, recipient=recipient)
        self.known: dict[Any, str] = {}

    @staticmethod
    def key_of(purpose: str, *, recipient: str) -> bytes:
        if not recipient:
            raise ValueError("an export's pseudonyms are keyed for one recipient")
        context = f"oncoparcours-fhir-export-{purpose}/{recipient}".encode()
        return derived_key(context)

    @classmethod
    def with_key(cls, key: bytes) -> Pseudonyms:
        """The pseudonyms of a purpose whose key was derived elsewhere (a worker process)."""
        alias = cls.__new__(cls)
        alias.key, alias.known = key, {}
        return alias

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


# What the export reads of the patient row itself (``_patient``), as a tuple; nothing else.
PATIENT_FIELDS = ("pk", "sex", "birth_date", "deceased_on")
GENDER = {sex.value: fhir for sex, fhir in builders.GENDER.items()}


def _patient(patient: tuple[Any, ...], alias: str) -> dict[str, Any]:
    _, sex, birth_date, deceased_on = patient
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": alias,
        "meta": {"profile": [systems.CANCER_PATIENT]},
        "identifier": [{"system": PSEUDONYM, "value": alias}],
        "gender": GENDER[sex],
        "birthDate": str(birth_date.year),
    }
    if deceased_on:
        resource["deceasedDateTime"] = str(deceased_on.year)
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
    """The patient ids of one chunk, and the rows several sources share (read once, when first
    asked): the reports (their Observations and QuestionnaireResponse), the pathway instances
    with their activities (CarePlan, and the activities as Task), and the record's rows (the
    diagnoses for their Conditions and their stage groups' Observations), by patient."""

    def __init__(self, ids: list[Any]) -> None:
        self.ids = ids

    @functools.cached_property
    def reports(self) -> list[export_records.ReportRow]:
        return export_records.report_rows(self.ids)

    @functools.cached_property
    def pathways(self) -> export_pathways.Pathways:
        return export_pathways.Pathways(self.ids)

    @functools.cached_property
    def diagnosis_rows(self) -> list[tuple[Any, ...]]:
        """The diagnoses of the chunk's patients, in the order of the patient's ``diagnoses``."""
        return list(
            Diagnosis.objects.filter(patient_id__in=self.ids).values_list(
                *export_records.DIAGNOSIS_FIELDS
            )
        )

    @functools.cached_property
    def diagnoses(self) -> dict[Any, list[tuple[Any, ...]]]:
        return _by(self.diagnosis_rows, export_records.DIAGNOSIS_PATIENT)

    @functools.cached_property
    def stagings(self) -> dict[Any, list[tuple[Any, ...]]]:
        """Each diagnosis' stagings (in the order of its ``stagings``), asked for the diagnoses
        in their order, as the patients' prefetch did."""
        diagnoses = [row[export_records.DIAGNOSIS_PK] for row in self.diagnosis_rows]
        if not diagnoses:
            return {}
        rows = Staging.objects.filter(diagnosis_id__in=diagnoses).values_list(
            *export_records.STAGING_FIELDS
        )
        return _by(rows, export_records.STAGING_DIAGNOSIS)

    def of_patient(self, model: Any, fields: Sequence[Any]) -> dict[Any, list[tuple[Any, ...]]]:
        """The rows of a patient relation, by patient (in the model's own order); ``fields``
        start with the row's id and its patient's."""
        return _by(model.objects.filter(patient_id__in=self.ids).values_list(*fields), 1)

    @functools.cached_property
    def molecular(self) -> dict[Any, list[MolecularFinding]]:
        """The molecular results in force (read as models: their builder reads many fields)."""
        found: dict[Any, list[MolecularFinding]] = defaultdict(list)
        for finding in (
            MolecularFinding.objects.current()
            .filter(patient_id__in=self.ids)
            .select_related("from_biomarker")
            .order_by("sampled_on", "pk")
        ):
            found[finding.patient_id].append(finding)
        return found


def _by(rows: Iterable[tuple[Any, ...]], at: int) -> dict[Any, list[tuple[Any, ...]]]:
    grouped: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        grouped[row[at]].append(row)
    return grouped


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
    Source(
        "Observation",
        lambda chunk: chunk.reports,
        _own_patient,
        export_records.report_observations_of,
    ),
    Source(
        "QuestionnaireResponse",
        lambda chunk: chunk.reports,
        _own_patient,
        lambda row, alias: [export_records.questionnaire_response(row, alias)],
    ),
    Source(
        "AdverseEvent",
        # Events in force only: a corrected event is replaced by its correction, as in searches.
        lambda chunk: (
            adverse._events()
            .filter(patient_id__in=chunk.ids, superseded_by__isnull=True)
            .order_by("onset", "pk")
        ),
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


class Record:
    """The record's rows of a chunk's patients that the asked types need (one query each), by
    patient: diagnoses (Condition; with their stagings, Observation), molecular results and
    performance statuses (Observation), treatments (MedicationStatement)."""

    def __init__(self, shared: Chunk, types: set[str]) -> None:
        empty: dict[Any, list[Any]] = {}
        observation = "Observation" in types
        self.diagnoses = shared.diagnoses if observation or "Condition" in types else empty
        self.stagings = shared.stagings if observation else empty
        self.molecular = shared.molecular if observation else empty
        self.performance = (
            shared.of_patient(PerformanceStatus, export_records.PERFORMANCE_FIELDS)
            if observation
            else empty
        )
        self.treatments = (
            shared.of_patient(TreatmentCourse, export_records.TREATMENT_FIELDS)
            if "MedicationStatement" in types
            else empty
        )


def _chunk_rows(shared: Chunk, types: set[str]) -> dict[Any, list[tuple[Source, Any]]]:
    """The rows of every further source for the chunk's patients (one query each), by patient."""
    by_patient: dict[Any, list[tuple[Source, Any]]] = defaultdict(list)
    for source in SOURCES:
        if source.type in types:
            for row in source.rows(shared):
                by_patient[source.patient_of(row)].append((source, row))
    return by_patient


NONE: list[Any] = []


def _resources(
    patient: tuple[Any, ...],
    alias: Pseudonyms,
    types: set[str],
    record: Record,
    more: list[tuple[Source, Any]],
) -> Iterator[dict[str, Any]]:
    pk = patient[0]
    patient_alias = alias(pk)
    if "Patient" in types:
        yield _patient(patient, patient_alias)
    condition, observation = "Condition" in types, "Observation" in types
    for diagnosis in record.diagnoses.get(pk, NONE):
        if condition:
            yield export_records.condition(diagnosis, alias)
        if observation:
            for staging in record.stagings.get(diagnosis[0], NONE):
                yield export_records.staging(staging, pk, alias)
    if observation:
        # One Observation per molecular result in force (the single source, issue 15).
        for finding in record.molecular.get(pk, NONE):
            found = record_resources.molecular_observation(finding)
            yield _rewrite(found, alias)
        for status in record.performance.get(pk, NONE):
            yield export_records.performance(status, alias)
    for course in record.treatments.get(pk, NONE):
        yield export_records.medication_statement(course, alias)
    for source, row in more:
        yield from source.build(row, alias)


def chunk_block(chunk: Sequence[tuple[Any, ...]], alias: Pseudonyms, types: set[str]) -> bytes:
    """The NDJSON lines of one chunk's patients, one resource a line (its pseudonyms are
    forgotten after it: nothing of a chunk is kept while the next one is built)."""
    shared = Chunk([patient[0] for patient in chunk])
    record = Record(shared, types)
    more = _chunk_rows(shared, types)
    lines = [
        ndjson.encode(resource)
        for patient in chunk
        for resource in _resources(patient, alias, types, record, more.get(patient[0], NONE))
    ]
    alias.forget()
    if not lines:
        return b""
    lines.append(b"")
    return b"\n".join(lines)


def _pages(patients: Any) -> Iterator[list[tuple[Any, ...]]]:
    """The patients' rows, CHUNK at a time (keyset on the id)."""
    last = None
    while True:
        chunk = list((patients.filter(pk__gt=last) if last else patients)[:CHUNK])
        if not chunk:
            return
        last = chunk[-1][0]
        yield chunk


def _blocks(
    pages: Iterator[list[tuple[Any, ...]]], key: bytes, types: set[str]
) -> Iterator[tuple[list[tuple[Any, ...]], bytes]]:
    """(chunk, its NDJSON) in order: built by worker processes once there is more than one
    chunk and the database can be shared (``EXPORT_WORKERS`` > 1), in process otherwise."""
    first = next(pages, None)
    if first is None:
        return
    workers = settings.EXPORT_WORKERS
    if len(first) < CHUNK or workers < 2 or not shareable_database(connection.settings_dict):
        alias = Pseudonyms.with_key(key)
        for chunk in itertools.chain([first], pages):
            yield chunk, chunk_block(chunk, alias, types)
        return
    pool = ChunkWorkers(workers, key, types)
    try:
        yield from pool.blocks(itertools.chain([first], pages))
    finally:
        pool.close()


def recipient_of(reader: Reader) -> str:
    """Whom an export's pseudonyms are keyed for: the registered system (bulk export is for
    systems only)."""
    if reader.client is None:
        raise ValueError("bulk export is for registered systems")
    return f"client:{reader.client.pk}"


def exported_patients(reader: Reader, purpose: str) -> Any:
    """The rows (``PATIENT_FIELDS``) of the patients ``reader`` may see who do not object to
    ``purpose`` today, by id."""
    excluded = excluded_patient_ids(purposes=[purpose])
    return (
        Patient.objects.filter(reader.patient_filter("pk"))
        .exclude(pk__in=excluded)
        .order_by("pk")
        .values_list(*PATIENT_FIELDS)
    )


def export_lines(
    *,
    reader: Reader,
    purpose: str,
    types: set[str],
    on_chunk: Callable[[int], None] | None = None,
    audit_details: dict[str, Any] | None = None,
) -> Iterator[bytes]:
    """NDJSON lines, chunk by chunk (keyset on the patient id), each chunk's patients audited
    (with ``audit_details``) before its lines are sent; ``on_chunk`` is told how many patients
    each chunk held (it may raise to stop the export). Pseudonyms are keyed for the purpose and
    the reader's system."""
    patients = exported_patients(reader, purpose)
    key = Pseudonyms.key_of(purpose, recipient=recipient_of(reader))
    details = {"what": "FHIR $export", "purpose": purpose, **(audit_details or {})}
    exported = 0
    token = builders.VALIDATE.set(False)
    try:
        for chunk, block in _blocks(_pages(patients), key, types):
            audit_record_many(
                [
                    {
                        **reader.audit(),
                        "action": AuditAction.EXPORT,
                        "patient_id": patient[0],
                        "details": details,
                    }
                    for patient in chunk
                ]
            )
            exported += len(chunk)
            if on_chunk is not None:
                on_chunk(len(chunk))
            # Nothing of this chunk is kept while the next one is read (memory flat).
            del chunk
            yield block
            del block
    finally:
        builders.VALIDATE.reset(token)
    audit_record(
        **reader.audit(),
        action=AuditAction.EXPORT,
        details={**details, "patients": exported},
    )
