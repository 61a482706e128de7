"""The server's CapabilityStatement, derived from what the views really serve."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from . import adverse_resources as adverse
from . import appointment_resources as appointments
from . import careplan_resources as careplans
from . import directory_resources as directory
from . import encounter_resources as encounters
from . import product_resources as products
from . import report_resources as reports
from . import selectors, systems
from . import task_resources as tasks
from . import trial_resources as trials

EVERYTHING = "http://hl7.org/fhir/OperationDefinition/Patient-everything"
DOCUMENT = "http://hl7.org/fhir/OperationDefinition/Composition-document"
EXPORT = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"
# What a search parameter accepts, where the type alone does not say it.
DOCUMENTATION = {
    ("Observation", "category"): "vital-signs, survey, laboratory, toxicity-grade (own system)",
    ("Observation", "code"): (
        "LOINC (stage groups, performance status, vital signs, 26499-4 neutrophils, 718-7 "
        "haemoglobin), https://oncoparcours.fr/fhir/CodeSystem/lab-result (lab values as "
        "multiples of the upper limit of normal), "
        "https://oncoparcours.fr/fhir/CodeSystem/adverse-event-term (grades)"
    ),
    ("Appointment", "status"): "proposed, booked, fulfilled, cancelled, noshow",
    ("Appointment", "date"): (
        "home visits: the plan's day; EFS bookings: the slot's day, else the first day wanted; "
        "CAR-T infusions: the day infused, else the day planned"
    ),
}
SEARCH_TYPES = {
    "_id": "token",
    "identifier": "token",
    "name": "string",
    "family": "string",
    "given": "string",
    "birthdate": "date",
    "gender": "token",
    "patient": "reference",
    "subject": "reference",
    "code": "token",
    "date": "date",
    "practitioner": "reference",
    "organization": "reference",
    "partof": "reference",
    "status": "token",
    "category": "token",
    "based-on": "reference",
    "title": "string",
    "authored": "date",
}
RESOURCES = {
    "Patient": (selectors.PATIENT_PARAMETERS, [systems.CANCER_PATIENT]),
    "Condition": (
        selectors.CONDITION_PARAMETERS,
        [systems.PRIMARY_CANCER_CONDITION, systems.SECONDARY_CANCER_CONDITION],
    ),
    "Observation": (
        selectors.OBSERVATION_PARAMETERS,
        [
            systems.TNM_STAGE_GROUP,
            systems.ECOG_STATUS,
            systems.KARNOFSKY_STATUS,
            systems.VS_BODY_TEMPERATURE,
            systems.VS_HEART_RATE,
            systems.VS_BLOOD_PRESSURE,
            systems.VS_OXYGEN_SATURATION,
            systems.VS_BODY_WEIGHT,
        ],
    ),
    "MedicationStatement": (selectors.MEDICATION_PARAMETERS, [systems.CANCER_MEDICATION]),
    "Practitioner": (directory.PRACTITIONER_PARAMETERS, []),
    "Organization": (directory.ORGANIZATION_PARAMETERS, []),
    "PractitionerRole": (directory.ROLE_PARAMETERS, []),
    "ResearchStudy": (trials.RESEARCH_STUDY_PARAMETERS, []),
    "BiologicallyDerivedProduct": (products.PRODUCT_PARAMETERS, []),
    "AdverseEvent": (adverse.ADVERSE_EVENT_PARAMETERS, []),
    "QuestionnaireResponse": (reports.REPORT_PARAMETERS, []),
    "CarePlan": (careplans.CAREPLAN_PARAMETERS, []),
    "Task": (tasks.TASK_PARAMETERS, []),
    "Appointment": (appointments.APPOINTMENT_PARAMETERS, []),
    "Encounter": (encounters.ENCOUNTER_PARAMETERS, []),
}


def capability_statement(base_url: str) -> dict[str, Any]:
    from .builders import validated

    resources = [
        {
            "type": name,
            **({"supportedProfile": profiles} if profiles else {}),
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            **(
                {"operation": [{"name": "everything", "definition": EVERYTHING}]}
                if name == "Patient"
                else {}
            ),
            "searchParam": [
                {
                    "name": parameter,
                    "type": SEARCH_TYPES[parameter],
                    **(
                        {"documentation": DOCUMENTATION[(name, parameter)]}
                        if (name, parameter) in DOCUMENTATION
                        else {}
                    ),
                }
                for parameter in parameters
            ]
            + [{"name": "_count", "type": "number"}],
        }
        for name, (parameters, profiles) in RESOURCES.items()
    ]
    # A validated board decision as a document bundle: read by its id only, no search.
    resources.append(
        {
            "type": "Composition",
            "operation": [{"name": "document", "definition": DOCUMENT}],
        }
    )
    return validated(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": timezone.now().date().isoformat(),
            "kind": "instance",
            "software": {"name": "OncoParcours"},
            "implementation": {"description": "OncoParcours FHIR API", "url": base_url},
            "fhirVersion": "4.0.1",
            "format": ["application/fhir+json"],
            "rest": [
                {
                    "mode": "server",
                    "resource": resources,
                    # Bulk export (system level): every patient-data type, see bulk_export.
                    "operation": [{"name": "export", "definition": EXPORT}],
                }
            ],
        }
    )
