"""Import of an mCODE patient bundle into the record: all or nothing. The bundle is read first
(``rules.bundle_reading``); then every entry is written through the patients services, in one
transaction that is rolled back if any entry is refused. The answer is an OperationOutcome with
one issue per entry: created, updated, unchanged, not kept (warning) or refused (error).
Re-importing the same resources updates the rows they became (``ImportedResource``)."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.patients import permissions
from oncoparcours.patients import services as patient_services
from oncoparcours.patients.identity import check_traits
from oncoparcours.patients.models import (
    Diagnosis,
    MolecularFinding,
    Patient,
    PerformanceStatus,
    Staging,
    TreatmentCourse,
)
from oncoparcours.patients.molecular_services import may_enter_molecular
from oncoparcours.patients.selectors import patient_access_for_user, visible_patient_filter

from .models import ImportedResource
from .rules import mcode_maps
from .rules.bundle_reading import EntryIn, Issue, read_bundle

ROWS: dict[str, type[Any]] = {
    "patient": Patient,
    "diagnosis": Diagnosis,
    "staging": Staging,
    "performance": PerformanceStatus,
    "biomarker": MolecularFinding,  # a tumour marker becomes a molecular result (issue 15)
    "treatment": TreatmentCourse,
}
ORDER = ("patient", "diagnosis", "staging", "performance", "biomarker", "treatment")
GLOBAL = "*"  # namespace of business identifiers (system|value)


@dataclass
class ImportResult:
    outcome: dict[str, Any]
    counts: Counter[str]
    patient_ids: list[uuid.UUID]


class ImportRefused(Exception):
    def __init__(self, outcome: dict[str, Any]) -> None:
        super().__init__("bundle refused")
        self.outcome = outcome


def _entry_number(issue: Issue) -> int:
    found = re.match(r"Bundle\.entry\[(\d+)\]", issue.expression)
    return int(found.group(1)) if found else -1


def _outcome(issues: list[Issue]) -> dict[str, Any]:
    issues = sorted(issues, key=_entry_number)
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": issue.severity,
                "code": {"error": "invalid", "warning": "not-supported"}.get(
                    issue.severity, "informational"
                ),
                "diagnostics": issue.message,
                "expression": [issue.expression],
            }
            for issue in issues
        ]
        or [{"severity": "information", "code": "informational", "diagnostics": "empty bundle"}],
    }


class _Writer:
    def __init__(self, actor: User, source: str, homonym_confirmed: bool) -> None:
        self.actor = actor
        self.source = source
        self.homonym_confirmed = homonym_confirmed
        self.rows: dict[int, Any] = {}  # entry index → record row
        self.accesses: dict[uuid.UUID, Any] = {}  # patient id → the actor's access (read once)
        self.issues: list[Issue] = []
        self.counts: Counter[str] = Counter()
        self.reason = _("FHIR import from %(source)s") % {"source": source}

    def _where(self, entry: EntryIn) -> str:
        return f"Bundle.entry[{entry.index}].resource"

    def _mapping(self, key: str) -> tuple[str, str]:
        return (GLOBAL, key) if key.startswith("identifier:") else (self.source, key)

    def existing(self, entry: EntryIn) -> Any | None:
        model = ROWS[entry.target]
        if entry.local_id is not None:
            found = model.objects.filter(pk=entry.local_id).first()
            if found is not None:
                return found
        for key in entry.keys:
            source, value = self._mapping(key)
            known = ImportedResource.objects.filter(
                source=source, key=value, target=entry.target
            ).first()
            if known is not None:
                return model.objects.filter(pk=known.target_id).first()
        return None

    def _visible(self, patient_id: uuid.UUID) -> bool:
        return Patient.objects.filter(
            visible_patient_filter(self.actor, "pk"), pk=patient_id
        ).exists()

    def write(self, entry: EntryIn) -> None:
        row = self.existing(entry)
        if row is not None:
            patient_id = row.pk if entry.target == "patient" else self._patient_id(row)
            if not self._visible(patient_id):
                raise ApplicationError(
                    _(
                        "This resource is already in OncoParcours for a patient outside your "
                        "care teams: ask that care team to add you."
                    )
                )
            self._require_right(entry.target, patient_id)
            changed = self._update(entry, row)
            self.counts["updated" if changed else "unchanged"] += 1
        else:
            if entry.target in ("staging", "biomarker"):
                self._require_right(entry.target, self._diagnosis(entry).patient_id)
            elif entry.target != "patient":
                self._require_right(entry.target, self._patient(entry).pk)
            row = self._create(entry)
            self.counts["created"] += 1
        self.rows[entry.index] = row
        patient_id = row.pk if entry.target == "patient" else self._patient_id(row)
        for key in entry.keys:
            source, value = self._mapping(key)
            ImportedResource.objects.update_or_create(
                source=source,
                key=value,
                defaults={"target": entry.target, "target_id": row.pk, "patient_id": patient_id},
            )

    def _require_right(self, target: str, patient_id: uuid.UUID) -> None:
        """The import writes what its user may write on the record by hand
        (``patients/permissions.py``): diagnoses and stagings by the physicians and the lead,
        treatments by the physicians and coordination nurses, molecular results by the
        physicians, performance status by any member; the identity is checked by its service."""
        if target == "patient":
            return
        if patient_id not in self.accesses:
            self.accesses[patient_id] = patient_access_for_user(
                user=self.actor, patient_id=patient_id
            )
        access = self.accesses[patient_id]
        allowed = {
            "diagnosis": permissions.may_enter_diagnosis,
            "staging": permissions.may_enter_diagnosis,
            "treatment": permissions.may_plan_care,
            "biomarker": lambda user, found: may_enter_molecular(
                user, in_care_team=found is not None and found.membership is not None
            ),
        }.get(target, lambda _user, found: found is not None and found.membership is not None)
        if not allowed(self.actor, access):
            raise ApplicationError(
                _("Your role in this patient's care team does not allow importing this entry.")
            )

    @staticmethod
    def _patient_id(row: Any) -> uuid.UUID:
        return row.patient_id if hasattr(row, "patient_id") else row.diagnosis.patient_id

    def _patient(self, entry: EntryIn) -> Patient:
        if entry.patient not in self.rows:
            raise ApplicationError(_("The patient this entry is about was not imported."))
        return self.rows[entry.patient]

    def _diagnosis(self, entry: EntryIn) -> Diagnosis:
        if entry.condition not in self.rows:
            raise ApplicationError(_("The condition this result is about was not imported."))
        return self.rows[entry.condition]

    def _create(self, entry: EntryIn) -> Any:
        values, actor = dict(entry.values), self.actor
        if entry.target == "patient":
            return patient_services.patient_create(
                actor=actor, data=values, homonym_confirmed=self.homonym_confirmed
            )
        if entry.target == "diagnosis":
            values.setdefault("note", self.reason)
            return patient_services.diagnosis_add(
                actor=actor, patient=self._patient(entry), **values
            )
        if entry.target == "staging":
            return patient_services.staging_add(
                actor=actor, diagnosis=self._diagnosis(entry), **values
            )
        if entry.target == "performance":
            return patient_services.performance_status_add(
                actor=actor, patient=self._patient(entry), **values
            )
        if entry.target == "biomarker":
            # Structured when it can be without guessing, otherwise kept "to verify" with its
            # wording (shown as such, read by neither matching nor prognosis).
            from oncoparcours.patients.molecular_services import entry_import

            return entry_import(
                actor=actor, patient=self._diagnosis(entry).patient,
                source=_("Import: %(source)s") % {"source": self.source}, **values,
            )  # fmt: skip
        ended_on, end_reason = values.pop("ended_on"), values.pop("end_reason")
        values.setdefault("note", self.reason)
        course = patient_services.treatment_start(
            actor=actor, patient=self._patient(entry), **values
        )
        if ended_on is not None:
            course = patient_services.treatment_end(
                actor=actor, course=course, ended_on=ended_on, end_reason=end_reason
            )
        return course

    def _update(self, entry: EntryIn, row: Any) -> bool:
        values = dict(entry.values)
        if entry.target == "patient":
            candidate = Patient(**values)
            check_traits(candidate, list(values))  # compare as the record would store them
            values = {key: getattr(candidate, key) for key in values}
            changed = {k: v for k, v in values.items() if getattr(row, k) != v}
            if not changed:
                return False
            patient_services.patient_update(
                actor=self.actor,
                patient=row,
                data=changed,
                reason=self.reason,
                homonym_confirmed=self.homonym_confirmed,
            )
            return True
        if entry.target == "diagnosis":
            values["icd10"] = values["icd10"].upper()
        if entry.target == "biomarker":
            reported = (
                row.reported_marker, row.reported_result, row.reported_alteration,
                row.reported_value, row.sampled_on,
            )  # fmt: skip
            wanted = (
                " ".join(values["marker"].split()).upper()[:40], values["result"],
                values["alteration"].strip()[:100], values["value"].strip()[:60],
                values["tested_on"],
            )  # fmt: skip
            if reported == wanted:
                return False
            # A molecular result is corrected on the record (a new version with its reason),
            # never overwritten by a later import.
            raise ApplicationError(
                _(
                    "This molecular result is already recorded with other values: correct it on "
                    "the patient record (a correction keeps the history)."
                )
            )
        if entry.target == "staging" and self._diagnosis(entry).pk != getattr(
            row, "diagnosis_id", None
        ):
            values["diagnosis"] = self._diagnosis(entry)
        return patient_services.clinical_row_correct(
            actor=self.actor, row=row, changes=values, reason=self.reason
        )


def _entry_issue(entry: EntryIn, error: ApplicationError) -> list[Issue]:
    where = f"Bundle.entry[{entry.index}].resource"
    if not error.errors:
        return [Issue("error", where, error.message)]
    return [
        Issue("error", where if field == "__all__" else f"{where} ({field})", message)
        for field, messages in error.errors.items()
        for message in messages
    ]


def bundle_import(
    *, actor: User, bundle: Any, source: str, homonym_confirmed: bool = False
) -> ImportResult:
    """Import ``bundle`` (a parsed JSON document) received from ``source`` (the sending system,
    e.g. its base URL); raises ``ImportRefused`` with the OperationOutcome and writes nothing
    when any entry is refused."""
    source = (source or "").strip()
    if not source:
        raise ImportRefused(_outcome([Issue("error", "source", "name the sending system")]))
    reading = read_bundle(bundle)
    writer = _Writer(actor, source[:200], homonym_confirmed)
    entries = sorted(reading.entries, key=lambda e: (ORDER.index(e.target), e.index))
    with transaction.atomic():
        # Entries refused on reading are not written, nor those that depend on them; the
        # others are still tried (then rolled back), so that one answer lists every entry
        # refused, on reading or by the record's rules, not one round at a time.
        failed = {_entry_number(i) for i in reading.issues if i.severity == "error"}
        for entry in entries:
            if entry.index in failed:
                continue
            if {entry.patient, entry.condition} & failed:
                failed.add(entry.index)  # refused with the entry it depends on
                continue
            try:
                with transaction.atomic():
                    writer.write(entry)
            except ApplicationError as error:
                failed.add(entry.index)
                writer.issues += _entry_issue(entry, error)
        if writer.issues or reading.refused:
            transaction.set_rollback(True)
            raise ImportRefused(_outcome(writer.issues + reading.issues))
        patient_ids = sorted({writer.rows[e.index].pk for e in entries if e.target == "patient"})
        for patient_id in patient_ids:
            audit_record(
                actor=actor,
                action=AuditAction.IMPORT,
                patient_id=patient_id,
                details={
                    "what": "FHIR mCODE bundle",
                    "source": source[:200],
                    "maps": mcode_maps.version(),
                    "counts": dict(writer.counts),
                },
            )
    summary = Issue(
        "information",
        "Bundle",
        ", ".join(f"{name}: {count}" for name, count in sorted(writer.counts.items())),
    )
    return ImportResult(
        outcome=_outcome([summary, *reading.issues]),
        counts=writer.counts,
        patient_ids=patient_ids,
    )
