"""FHIR searches and reads, scoped to the caller's care teams and audited (one event per
patient whose data is returned)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from oncoparcours.celltherapy.models import HaemoglobinResult
from oncoparcours.core.audit import audit_record, audit_record_many
from oncoparcours.core.models import AuditAction
from oncoparcours.directory.rules import icd10
from oncoparcours.monitoring.labels import TERM_LABELS
from oncoparcours.monitoring.models import Report
from oncoparcours.patients.models import (
    Diagnosis,
    MolecularFinding,
    Patient,
    PerformanceStatus,
    Staging,
    TreatmentCourse,
    search_key,
)

from . import lab_observations, report_observations
from .models import BulkExportJob
from .readers import Reader
from .rules import lab_codes
from .rules.search import (
    DateRange,
    SearchError,
    parse_date,
    parse_reference,
    parse_token,
)
from .systems import (
    ECOG_CODE,
    ICD10,
    KARNOFSKY_CODE,
    LOINC,
    OBSERVATION_CATEGORY,
    OWN_ADVERSE_TERM,
    OWN_LAB_RESULT,
    OWN_OBSERVATION_CATEGORY,
    RFC3986,
    STAGE_GROUP_CODE,
)

PATIENT_PARAMETERS = ("_id", "identifier", "name", "family", "given", "birthdate", "gender")
CONDITION_PARAMETERS = ("_id", "patient", "subject", "code")
GENDER_CODES = {"female": "F", "male": "M", "other": "X"}


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    total: int


def _uuid(parameter: str, raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise SearchError(parameter, "an id (UUID) is expected") from None


def _date_filter(field: str, found: DateRange) -> Q:
    condition = Q()
    if found.start is not None:
        condition &= Q(**{f"{field}__gte": found.start})
    if found.end is not None:
        condition &= Q(**{f"{field}__lt": found.end})
    return ~condition if found.negate else condition


def _patient_filters(params: Mapping[str, list[str]]) -> Q:
    condition = Q()
    for raw in params.get("_id", []):
        condition &= Q(pk=_uuid("_id", raw))
    for raw in params.get("identifier", []):
        system, value = parse_token(raw)
        if system not in (None, RFC3986) or not value.startswith("urn:uuid:"):
            raise SearchError("identifier", f"only {RFC3986}|urn:uuid:<id> identifiers are known")
        condition &= Q(pk=_uuid("identifier", value.removeprefix("urn:uuid:")))
    for name in ("name", "family", "given"):
        for raw in params.get(name, []):
            if not search_key(raw):
                raise SearchError(name, "a name is expected")
            condition &= Q(search_text__contains=search_key(raw))
    for raw in params.get("birthdate", []):
        condition &= _date_filter("birth_date", parse_date("birthdate", raw))
    for raw in params.get("gender", []):
        if raw not in GENDER_CODES:
            raise SearchError("gender", "female, male or other is expected")
        condition &= Q(sex=GENDER_CODES[raw])
    return condition


def page_of(queryset: QuerySet[Any], count: int, page: int) -> Page:
    total = queryset.count()
    rows = list(queryset[(page - 1) * count : page * count])
    return Page(rows=rows, total=total)


def _audit_reads(reader: Reader, patient_ids: set[uuid.UUID], what: str) -> None:
    audit_record_many(
        [
            {
                **reader.audit(),
                "action": AuditAction.VIEW,
                "patient_id": patient_id,
                "details": {"what": what},
            }
            for patient_id in sorted(patient_ids)
        ]
    )


def patient_search(
    *, reader: Reader, params: Mapping[str, list[str]], count: int, page: int
) -> Page:
    queryset = (
        Patient.objects.filter(reader.patient_filter("pk"))
        .filter(_patient_filters(params))
        .select_related("gp")
        .order_by("sort_name", "pk")
    )
    found = page_of(queryset, count, page)
    _audit_reads(reader, {p.pk for p in found.rows}, "FHIR Patient search")
    return found


def patient_visible(*, reader: Reader, patient_id: str, what: str) -> Patient | None:
    """The patient if the reader may see them; a refusal is audited (the caller audits what
    it does with a patient found)."""
    try:
        key = uuid.UUID(patient_id)
    except ValueError:
        return None
    patient = (
        Patient.objects.filter(reader.patient_filter("pk"), pk=key).select_related("gp").first()
    )
    if patient is None:
        audit_record(
            **reader.audit(), action=AuditAction.DENIED, patient_id=key, details={"what": what}
        )
    return patient


def patient_read(*, reader: Reader, patient_id: str) -> Patient | None:
    patient = patient_visible(reader=reader, patient_id=patient_id, what="FHIR Patient")
    if patient is not None:
        audit_record(
            **reader.audit(),
            action=AuditAction.VIEW,
            patient_id=patient.pk,
            obj=patient,
            details={"what": "FHIR Patient"},
        )
    return patient


def _id_and_patient(params: Mapping[str, list[str]]) -> Q:
    """``_id`` and ``patient`` / ``subject`` of a resource whose row has a ``patient_id``."""
    condition = Q()
    for raw in params.get("_id", []):
        condition &= Q(pk=_uuid("_id", raw))
    for name in ("patient", "subject"):
        for raw in params.get(name, []):
            condition &= Q(patient_id=_uuid(name, parse_reference(name, raw, "Patient")))
    return condition


def _condition_filters(params: Mapping[str, list[str]]) -> Q:
    condition = _id_and_patient(params)
    for raw in params.get("code", []):
        system, code = parse_token(raw)
        if system not in (None, ICD10):
            raise SearchError("code", f"only ICD-10 codes ({ICD10}) are searchable")
        try:
            condition &= Q(icd10=icd10.normalise(code))
        except ValueError:
            raise SearchError("code", "an ICD-10 code such as C34.1 is expected") from None
    return condition


def condition_search(
    *, reader: Reader, params: Mapping[str, list[str]], count: int, page: int
) -> Page:
    queryset = (
        Diagnosis.objects.filter(reader.patient_filter())
        .filter(_condition_filters(params))
        .order_by("patient_id", "-is_primary", "diagnosed_on", "pk")
    )
    found = page_of(queryset, count, page)
    _audit_reads(reader, {d.patient_id for d in found.rows}, "FHIR Condition search")
    return found


def _row_read(model: Any, reader: Reader, raw_id: str, what: str) -> Any:
    """One row with a ``patient_id`` of the reader's care teams, its read audited (``model``: a
    model, or a queryset carrying what the resource needs)."""
    try:
        key = uuid.UUID(raw_id)
    except ValueError:
        return None
    rows = model if isinstance(model, QuerySet) else model.objects.all()
    row = rows.filter(reader.patient_filter(), pk=key).first()
    if row is not None:
        audit_record(
            **reader.audit(),
            action=AuditAction.VIEW,
            patient_id=row.patient_id,
            obj=row,
            details={"what": what},
        )
    return row


def condition_read(*, reader: Reader, condition_id: str) -> Diagnosis | None:
    found: Diagnosis | None = _row_read(Diagnosis, reader, condition_id, "FHIR Condition")
    return found


OBSERVATION_PARAMETERS = ("_id", "patient", "subject", "category", "code", "date")
STAGE_CODES = {code: kind for kind, code in STAGE_GROUP_CODE.items()}
PERFORMANCE_CODES = {ECOG_CODE: "ecog", KARNOFSKY_CODE: "karnofsky"}
# Category codes a search may ask for (HL7 observation-category, and our toxicity-grade): stage
# groups carry none, performance statuses "survey", molecular results and lab values
# "laboratory".
CATEGORIES = ("vital-signs", "survey", "laboratory", report_observations.GRADE_CATEGORY)
NOTHING = Q(pk__in=[])


@dataclass
class ObservationFilters:
    """One filter per source table, and what the report-derived Observations must match (their
    code and category live in the report's JSON: the database keeps only the reports holding
    the keys asked for, then each derived Observation is checked exactly in Python)."""

    staging: Q
    performance: Q
    markers: Q
    reports: Q
    haemoglobin: Q
    derived_ids: set[str] | None = None
    derived_codes: list[set[tuple[str | None, str]]] | None = None
    derived_categories: list[set[str]] | None = None

    def keeps(self, derived: report_observations.Derived) -> bool:
        if self.derived_ids is not None and derived.id not in self.derived_ids:
            return False
        for codes in self.derived_codes or []:
            if derived.code not in codes and (None, derived.code[1]) not in codes:
                return False
        return all(
            set(derived.categories) & categories for categories in self.derived_categories or []
        )


def _observation_id(raw: str, filters: ObservationFilters) -> None:
    derived = report_observations.ID_PATTERN.match(raw)
    haemoglobin = lab_observations.ID_PATTERN.match(raw)
    if derived is None and haemoglobin is None:
        key = _uuid("_id", raw)
        filters.staging &= Q(pk=key)
        filters.performance &= Q(pk=key)
        filters.markers &= Q(pk=key)
        filters.reports &= NOTHING
        filters.haemoglobin &= NOTHING
        return
    filters.staging &= NOTHING
    filters.performance &= NOTHING
    filters.markers &= NOTHING
    if haemoglobin is not None:
        filters.reports &= NOTHING
        filters.haemoglobin &= Q(pk=int(haemoglobin["key"]))
        return
    assert derived is not None
    filters.haemoglobin &= NOTHING
    filters.reports &= Q(pk=uuid.UUID(derived["report"]))
    filters.derived_ids = {raw} if filters.derived_ids is None else filters.derived_ids & {raw}


def _holding(reports: Q, wanted: tuple[str, str]) -> Q:
    found = report_observations.rows_holding(wanted)
    # OR-ing an empty Q() would keep ``reports`` unchanged (Django drops it): be explicit.
    return Q() if found is None else reports | found


def _observation_code(raw: str, filters: ObservationFilters) -> None:
    """A comma-separated list is an OR; repeated ``code`` parameters are an AND. Molecular
    results are not searchable by code (their marker is read from several fields)."""
    staging, performance, reports, haemoglobin = NOTHING, NOTHING, NOTHING, NOTHING
    any_report = False  # a grade is asked for: the database cannot tell which reports hold it
    derived: set[tuple[str | None, str]] = set()
    report_labs = {report_observations.lab_code(lab): lab for lab in lab_codes.report_labs()}
    for token in raw.split(","):
        system, code = parse_token(token)
        if system in (None, LOINC) and code in STAGE_CODES:
            staging |= Q(kind=STAGE_CODES[code])
        elif system in (None, LOINC) and code in PERFORMANCE_CODES:
            performance |= Q(scale=PERFORMANCE_CODES[code])
        elif system in (None, LOINC) and code == lab_codes.haemoglobin().loinc:
            haemoglobin = Q()
        elif system in (None, LOINC) and code in report_observations.VITAL_CODES:
            pulse = code == report_observations.PULSE_OXIMETRY
            wanted = (LOINC, report_observations.VITAL_SIGNS[2].loinc if pulse else code)
            derived.add(wanted)
            reports = _holding(reports, wanted)
        elif (system or LOINC, code) in report_labs or (system or OWN_LAB_RESULT, code) in (
            report_labs
        ):
            wanted = (LOINC, code) if (LOINC, code) in report_labs else (OWN_LAB_RESULT, code)
            derived.add(wanted)
            reports = _holding(reports, wanted)
        elif system in (None, OWN_ADVERSE_TERM) and code in TERM_LABELS:
            any_report = True
            derived.add((OWN_ADVERSE_TERM, code))
        else:
            known = ", ".join(
                [
                    *STAGE_CODES,
                    *PERFORMANCE_CODES,
                    *report_observations.VITAL_CODES,
                    *(code for system, code in report_labs if system == LOINC),
                    str(lab_codes.haemoglobin().loinc),
                ]
            )
            raise SearchError(
                "code",
                f"a LOINC code among {known}, a code of {OWN_LAB_RESULT}, or a term of "
                f"{OWN_ADVERSE_TERM}, is expected",
            )
    filters.staging &= staging
    filters.performance &= performance
    filters.markers &= NOTHING
    filters.reports &= Q() if any_report else reports
    filters.haemoglobin &= haemoglobin
    filters.derived_codes = [*(filters.derived_codes or []), derived]


def _observation_category(raw: str, filters: ObservationFilters) -> None:
    wanted: set[str] = set()
    for token in raw.split(","):
        system, code = parse_token(token)
        if code not in CATEGORIES or system not in (
            None,
            OBSERVATION_CATEGORY,
            OWN_OBSERVATION_CATEGORY,
        ):
            raise SearchError("category", f"one of {', '.join(CATEGORIES)} is expected")
        wanted.add(code)
    filters.staging &= NOTHING
    if "survey" not in wanted:
        filters.performance &= NOTHING
    if "laboratory" not in wanted:
        filters.markers &= NOTHING
        filters.haemoglobin &= NOTHING
    told = [report_observations.rows_of_category(code) for code in sorted(wanted)]
    if all(condition is not None for condition in told):
        reports = NOTHING
        for condition in told:
            assert condition is not None
            reports |= condition
        filters.reports &= reports
    filters.derived_categories = [*(filters.derived_categories or []), wanted]


def _observation_filters(params: Mapping[str, list[str]]) -> ObservationFilters:
    """A code or category of one kind empties the tables of the other kinds."""
    filters = ObservationFilters(Q(), Q(), Q(), Q(), Q())
    for raw in params.get("_id", []):
        _observation_id(raw, filters)
    for name in ("patient", "subject"):
        for raw in params.get(name, []):
            key = _uuid(name, parse_reference(name, raw, "Patient"))
            filters.staging &= Q(diagnosis__patient_id=key)
            filters.performance &= Q(patient_id=key)
            filters.markers &= Q(patient_id=key)
            filters.reports &= Q(patient_id=key)
            filters.haemoglobin &= Q(patient_id=key)
    for raw in params.get("code", []):
        _observation_code(raw, filters)
    for raw in params.get("category", []):
        _observation_category(raw, filters)
    for raw in params.get("date", []):
        found = parse_date("date", raw)
        filters.staging &= _date_filter("staged_on", found)
        filters.performance &= _date_filter("recorded_on", found)
        filters.markers &= _date_filter("sampled_on", found)
        filters.reports &= _date_filter("submitted_at__date", found)
        filters.haemoglobin &= _date_filter("measured_on", found)
    return filters


def _report_rows(reader: Reader, filters: ObservationFilters) -> list[Any]:
    """The report-derived Observations matching, newest report first (one query)."""
    reports = (
        Report.objects.filter(reader.patient_filter(), filters.reports)
        .only(
            "pk", "patient_id", "submitted_at", "source", "observations", "vitals", "result",
            "rule_set_label",
        )
        .order_by("-submitted_at", "pk")
    )  # fmt: skip
    return [
        derived
        for report in reports
        for derived in report_observations.derived_of(report)
        if filters.keeps(derived)
    ]


def _markers() -> QuerySet[MolecularFinding]:
    return MolecularFinding.objects.current().select_related("from_biomarker")


def observation_search(
    *, reader: Reader, params: Mapping[str, list[str]], count: int, page: int
) -> Page:
    """Stage groups first, then performance statuses, each newest first, then the molecular
    results in force, then the EFS haemoglobin results, then the vital signs, lab values and
    grades of the follow-up reports, newest report first; one page may span them."""
    filters = _observation_filters(params)
    tables: list[QuerySet[Any]] = [
        Staging.objects.filter(reader.patient_filter("diagnosis__patient_id"), filters.staging)
        .select_related("diagnosis")
        .order_by("-staged_on", "pk"),
        PerformanceStatus.objects.filter(reader.patient_filter(), filters.performance).order_by(
            "-recorded_on", "pk"
        ),
        _markers().filter(reader.patient_filter(), filters.markers).order_by("-sampled_on", "pk"),
        HaemoglobinResult.objects.filter(reader.patient_filter(), filters.haemoglobin).order_by(
            "-measured_on", "-pk"
        ),
    ]
    derived = _report_rows(reader, filters)
    start, end = (page - 1) * count, page * count
    rows: list[Any] = []
    before = 0
    for table in tables:
        size = table.count()
        rows += list(table[min(max(start - before, 0), size) : min(max(end - before, 0), size)])
        before += size
    rows += derived[max(start - before, 0) : max(end - before, 0)]
    patients = {getattr(row, "patient_id", None) or row.diagnosis.patient_id for row in rows}
    _audit_reads(reader, patients, "FHIR Observation search")
    return Page(rows=rows, total=before + len(derived))


def _derived_read(reader: Reader, observation_id: str) -> Any:
    found = report_observations.ID_PATTERN.match(observation_id)
    if found is None:
        return None
    report = Report.objects.filter(reader.patient_filter(), pk=uuid.UUID(found["report"])).first()
    if report is None:
        return None
    return next((d for d in report_observations.derived_of(report) if d.id == observation_id), None)


def observation_read(*, reader: Reader, observation_id: str) -> Any:
    haemoglobin = lab_observations.ID_PATTERN.match(observation_id)
    try:
        key = uuid.UUID(observation_id)
    except ValueError:
        row: Any = (
            HaemoglobinResult.objects.filter(
                reader.patient_filter(), pk=int(haemoglobin["key"])
            ).first()
            if haemoglobin is not None
            else _derived_read(reader, observation_id)
        )
    else:
        row = (
            Staging.objects.filter(reader.patient_filter("diagnosis__patient_id"), pk=key)
            .select_related("diagnosis")
            .first()
            or PerformanceStatus.objects.filter(reader.patient_filter(), pk=key).first()
            or _markers().filter(reader.patient_filter(), pk=key).first()
        )
    if row is None:
        return None
    patient_id = row.diagnosis.patient_id if isinstance(row, Staging) else row.patient_id
    audit_record(
        **reader.audit(),
        action=AuditAction.VIEW,
        patient_id=patient_id,
        obj=row.report if isinstance(row, report_observations.Derived) else row,
        details={"what": "FHIR Observation"},
    )
    return row


MEDICATION_PARAMETERS = ("_id", "patient", "subject")


def _medication_filters(params: Mapping[str, list[str]]) -> Q:
    return _id_and_patient(params)


def medication_search(
    *, reader: Reader, params: Mapping[str, list[str]], count: int, page: int
) -> Page:
    queryset = (
        TreatmentCourse.objects.filter(reader.patient_filter())
        .filter(_medication_filters(params))
        .order_by("patient_id", "-started_on", "pk")
    )
    found = page_of(queryset, count, page)
    _audit_reads(reader, {c.patient_id for c in found.rows}, "FHIR MedicationStatement search")
    return found


def medication_read(*, reader: Reader, statement_id: str) -> TreatmentCourse | None:
    found: TreatmentCourse | None = _row_read(
        TreatmentCourse, reader, statement_id, "FHIR MedicationStatement"
    )
    return found


def bulk_job_for(reader: Reader, job_id: str) -> BulkExportJob | None:
    """The job if it is the reader's system's (anyone else: None, answered 404)."""
    if reader.client is None:
        return None
    try:
        key = uuid.UUID(job_id)
    except ValueError:
        return None
    return BulkExportJob.objects.filter(pk=key, client=reader.client).first()
