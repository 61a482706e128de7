"""``Patient/<id>/$everything``: one patient's record as a FHIR bundle — the patient, their
cancer conditions, stage groups, performance statuses, molecular results, EFS haemoglobin
results, the vital signs, lab values and grades of their follow-up reports, treatments, care
pathways (CarePlan) and their steps (Task), home nurse visits, EFS bookings and CAR-T infusions
(Appointment), board discussions (Encounter) and general practitioner."""

from __future__ import annotations

from typing import Any

from oncoparcours.celltherapy.models import HaemoglobinResult
from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction
from oncoparcours.monitoring.models import Report
from oncoparcours.patients.models import (
    Diagnosis,
    MolecularFinding,
    PerformanceStatus,
    Staging,
    TreatmentCourse,
)

from . import appointment_resources as appointments
from . import builders, observations, record_resources, report_observations
from . import careplan_resources as careplans
from . import celltherapy_appointments as cell
from . import encounter_resources as encounters
from . import task_resources as tasks
from .directory_resources import practitioner_resource
from .readers import Reader
from .rules import scopes
from .selectors import patient_visible

# Each resource type the bundle may hold; a system sees only the types its token reads.
PARTS = (
    "Patient",
    "Condition",
    "Observation",
    "MedicationStatement",
    "CarePlan",
    "Task",
    "Appointment",
    "Encounter",
    "Practitioner",
)


def patient_everything(*, reader: Reader, patient_id: str, base: str) -> dict[str, Any] | None:
    patient = patient_visible(reader=reader, patient_id=patient_id, what="FHIR $everything")
    if patient is None:
        return None
    allowed = [
        part
        for part in PARTS
        if reader.client is None or scopes.grants(list(reader.scopes), part, "read")
    ]
    resources = [builders.patient_resource(patient)]
    if "Condition" in allowed:
        diagnoses = Diagnosis.objects.filter(patient=patient).order_by("-is_primary", "pk")
        resources += [builders.condition_resource(d) for d in diagnoses]
    if "Observation" in allowed:
        stagings = Staging.objects.filter(diagnosis__patient=patient).select_related("diagnosis")
        statuses = PerformanceStatus.objects.filter(patient=patient)
        rows: list[Staging | PerformanceStatus] = [*stagings, *statuses]
        resources += [observations.observation_resource(row) for row in rows]
        # One Observation per molecular result in force (the single source, issue 15).
        findings = (
            MolecularFinding.objects.current()
            .filter(patient=patient)
            .select_related("from_biomarker")
            .order_by("sampled_on", "pk")
        )
        resources += [record_resources.molecular_observation(f) for f in findings]
        haemoglobins = HaemoglobinResult.objects.filter(patient=patient).order_by(
            "measured_on", "pk"
        )
        resources += [observations.observation_resource(result) for result in haemoglobins]
        reports = Report.objects.filter(patient=patient).order_by("submitted_at", "pk")
        resources += [
            report_observations.derived_observation(derived)
            for report in reports
            for derived in report_observations.derived_of(report)
        ]
    if "MedicationStatement" in allowed:
        courses = TreatmentCourse.objects.filter(patient=patient).order_by("started_on", "pk")
        resources += [record_resources.medication_statement(c) for c in courses]
    if "CarePlan" in allowed:
        plans = careplans._instances().filter(patient=patient).order_by("start_date", "pk")
        resources += [careplans.careplan_resource(plan) for plan in plans]
    if "Task" in allowed:
        steps = tasks.pathway_steps().filter(patient=patient).order_by("instance_id", "day", "key")
        resources += [tasks.task_resource(step) for step in steps]
    if "Appointment" in allowed:
        visits = appointments.visits_in_force().filter(patient=patient)
        visits = visits.order_by("tour__plan__day", "start")
        resources += [appointments.appointment_resource(visit) for visit in visits]
        bookings = cell.bookings().filter(patient=patient).order_by("day", "pk")
        infusions = cell.infusions().filter(patient=patient).order_by("day", "pk")
        cell_rows: list[Any] = [*bookings, *infusions]
        resources += [appointments.appointment_resource(row) for row in cell_rows]
    if "Encounter" in allowed:
        items = encounters.agenda_items().filter(case__patient=patient)
        items = items.order_by("session__starts_at", "pk")
        resources += [encounters.encounter_resource(item) for item in items]
    if "Practitioner" in allowed and patient.gp is not None:
        resources.append(practitioner_resource(patient.gp))
    audit_record(
        **reader.audit(),
        action=AuditAction.EXPORT,
        patient_id=patient.pk,
        obj=patient,
        details={"what": "FHIR Patient $everything", "types": allowed},
    )
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [
            {
                "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match" if r["resourceType"] == "Patient" else "include"},
            }
            for r in resources
        ],
    }
