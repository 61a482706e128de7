"""Observations derived from the home follow-up reports (self-reports, nurse visits, clinician
assessments): vital signs as the FHIR vital-signs profiles code them (LOINC, UCUM units), the
laboratory values reported (LOINC-coded through the sourced mapping table
``interop/data/lab_codes.json``) and the grades the triage engine gave (CTCAE v5 terms and ASTCT
2019 CRS / ICANS grades, under our own term codes: no MedDRA code is shipped).

A report is one row; each measured vital sign and each grade becomes one Observation whose id is
the report's id (32 hexadecimal digits) followed by a fixed suffix (``-vs-heart-rate``,
``-g-diarrhea``): deterministic, and never a UUID, so it cannot collide with the ids of the other
Observations (stage groups, performance statuses, markers)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import translation

from oncoparcours.monitoring.labels import term_label
from oncoparcours.monitoring.models import Report, Source

from . import systems
from .builders import validated
from .rules import lab_codes
from .rules.lab_codes import Lab

UCUM = "http://unitsofmeasure.org"
VITAL_SIGNS_CATEGORY = "vital-signs"
LABORATORY_CATEGORY = "laboratory"
SURVEY_CATEGORY = "survey"
GRADE_CATEGORY = "toxicity-grade"  # own category code (systems.OWN_OBSERVATION_CATEGORY)


@dataclass(frozen=True)
class VitalSign:
    slug: str
    field: str  # key in Report.vitals, or in Report.observations for the temperature
    loinc: str
    display: str
    profile: str
    unit: str
    ucum: str


VITAL_SIGNS = (
    VitalSign(
        "vs-body-temperature", "temperature_c", "8310-5", "Body temperature",
        systems.VS_BODY_TEMPERATURE, "°C", "Cel",
    ),
    VitalSign(
        "vs-heart-rate", "heart_rate", "8867-4", "Heart rate", systems.VS_HEART_RATE,
        "/min", "/min",
    ),
    VitalSign(
        "vs-oxygen-saturation", "spo2", "2708-6", "Oxygen saturation in Arterial blood",
        systems.VS_OXYGEN_SATURATION, "%", "%",
    ),
    VitalSign(
        "vs-body-weight", "weight_kg", "29463-7", "Body weight", systems.VS_BODY_WEIGHT,
        "kg", "kg",
    ),
)  # fmt: skip
_SIGNS = {sign.slug: sign for sign in VITAL_SIGNS}
PULSE_OXIMETRY = "59408-5"  # second coding the oxygen-saturation profile asks for
BLOOD_PRESSURE = "85354-9"
BP_COMPONENTS = (
    ("systolic_bp", "8480-6", "Systolic blood pressure"),
    ("diastolic_bp", "8462-4", "Diastolic blood pressure"),
)
# The LOINC codes a search may ask for, by the slug of the Observation they find.
VITAL_CODES = {sign.loinc: sign.slug for sign in VITAL_SIGNS} | {
    BLOOD_PRESSURE: "vs-blood-pressure",
    PULSE_OXIMETRY: "vs-oxygen-saturation",
}
ID_PATTERN = re.compile(r"^(?P<report>[0-9a-f]{32})-(?P<slug>[a-z0-9-]{1,31})$")


@dataclass(frozen=True)
class Derived:
    """One Observation a report yields: ``slug`` says which, ``code`` is the searchable
    (system, code), ``categories`` the category codes it carries."""

    report: Report
    slug: str
    code: tuple[str, str]
    categories: tuple[str, ...]
    grade: dict[str, Any] | None = None
    lab: Lab | None = None

    @property
    def id(self) -> str:
        return f"{self.report.pk.hex}-{self.slug}"

    @property
    def patient_id(self) -> uuid.UUID:
        return self.report.patient_id


def _term_slug(term: str) -> str:
    return ("g-" + term.replace("_", "-").lower())[:31].rstrip("-")


def derived_of(report: Report) -> list[Derived]:
    """Every Observation of a report, in a fixed order: vital signs, then grades."""
    found: list[Derived] = []
    for sign in VITAL_SIGNS[:2]:
        if _measured(report, sign.field):
            found.append(Derived(report, sign.slug, (systems.LOINC, sign.loinc), ("vital-signs",)))
    if any(_measured(report, field) for field, _c, _d in BP_COMPONENTS):
        found.append(
            Derived(report, "vs-blood-pressure", (systems.LOINC, BLOOD_PRESSURE), ("vital-signs",))
        )
    for sign in VITAL_SIGNS[2:]:
        if _measured(report, sign.field):
            found.append(Derived(report, sign.slug, (systems.LOINC, sign.loinc), ("vital-signs",)))
    for lab in lab_codes.report_labs():
        if _measured(report, lab.key):
            found.append(Derived(report, lab.slug, lab_code(lab), (LABORATORY_CATEGORY,), lab=lab))
    result = report.result or {}
    grades = [dict(g) for g in result.get("grades") or [] if isinstance(g, dict) and g.get("term")]
    for key in ("crs", "icans"):
        if isinstance(result.get(key), dict):
            grades.append({"term": key, **result[key]})
    seen: set[str] = set()
    for grade in grades:
        slug = _term_slug(str(grade["term"]))
        value = grade.get("grade")
        if slug in seen or not isinstance(value, int) or isinstance(value, bool):
            continue  # one Observation per term; a grade that is not a number is not sent
        seen.add(slug)
        found.append(
            Derived(
                report,
                slug,
                (systems.OWN_ADVERSE_TERM, str(grade["term"])),
                (SURVEY_CATEGORY, GRADE_CATEGORY),
                grade,
            )
        )
    return found


def lab_code(lab: Lab) -> tuple[str, str]:
    """The searchable (system, code) of a lab value: LOINC, or our own code when LOINC has none."""
    return (systems.LOINC, lab.loinc) if lab.loinc else (systems.OWN_LAB_RESULT, lab.key)


# Fields read from Report.observations rather than Report.vitals.
OBSERVATION_FIELDS = frozenset({"temperature_c", *(lab.key for lab in lab_codes.report_labs())})


def _value(report: Report, field: str) -> Any:
    if field in OBSERVATION_FIELDS:
        return (report.observations or {}).get(field)
    return (report.vitals or {}).get(field)


def _has(field: str) -> Q:
    column = "observations" if field in OBSERVATION_FIELDS else "vitals"
    return Q(**{f"{column}__has_key": field})


def rows_holding(code: tuple[str, str]) -> Q | None:
    """A database condition every report yielding an Observation of ``code`` meets (a superset:
    the exact check stays ``derived_of``), or None when the code cannot be told by the database
    (grades live in a JSON list)."""
    system, value = code
    if system == systems.LOINC and value == BLOOD_PRESSURE:
        return _has(BP_COMPONENTS[0][0]) | _has(BP_COMPONENTS[1][0])
    for sign in VITAL_SIGNS:
        if system == systems.LOINC and value == sign.loinc:
            return _has(sign.field)
    for lab in lab_codes.report_labs():
        if lab_code(lab) == code:
            return _has(lab.key)
    return None


def rows_of_category(category: str) -> Q | None:
    """As ``rows_holding``, for a category: vital signs and laboratory values are told by their
    keys; the grades (survey, toxicity-grade) are not."""
    if category == VITAL_SIGNS_CATEGORY:
        codes = [(systems.LOINC, sign.loinc) for sign in VITAL_SIGNS]
        codes.append((systems.LOINC, BLOOD_PRESSURE))
    elif category == LABORATORY_CATEGORY:
        codes = [lab_code(lab) for lab in lab_codes.report_labs()]
    else:
        return None
    condition = Q(pk__in=[])
    for code in codes:
        found = rows_holding(code)
        assert found is not None
        condition |= found
    return condition


def _measured(report: Report, field: str) -> bool:
    value = _value(report, field)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _quantity(value: float, unit: str, ucum: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": ucum}


def _category(*codes: str) -> list[dict[str, Any]]:
    return [
        {
            "coding": [
                {
                    "system": systems.OWN_OBSERVATION_CATEGORY
                    if code == GRADE_CATEGORY
                    else systems.OBSERVATION_CATEGORY,
                    "code": code,
                }
            ]
        }
        for code in codes
    ]


def _common(derived: Derived) -> dict[str, Any]:
    report = derived.report
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": derived.id,
        "identifier": [{"system": systems.OWN_REPORT_OBSERVATION, "value": derived.id}],
        # A measured vital sign is final; a grade is the triage engine's reading of what was
        # reported, not an adverse event a clinician confirmed, so it goes out as preliminary.
        "status": "preliminary" if GRADE_CATEGORY in derived.categories else "final",
        "category": _category(*derived.categories),
        "subject": {"reference": f"Patient/{report.patient_id}"},
        "effectiveDateTime": report.submitted_at.isoformat(),
        "derivedFrom": [{"reference": f"QuestionnaireResponse/{report.pk}"}],
    }
    if report.source == Source.PATIENT:
        resource["performer"] = [{"reference": f"Patient/{report.patient_id}"}]
    return resource


def vital_sign_fields(
    slug: str, report: Any, quantity: Callable[[Any, str, str], dict[str, Any]] = _quantity
) -> dict[str, Any]:
    """What a vital-sign Observation says of its sign: profile, LOINC code, and the value (the
    blood pressure: its two components, each measured or "not performed"). Shared by the API's
    resource and the pseudonymised export, which spells its numbers with its own ``quantity``."""
    if slug == "vs-blood-pressure":
        components = []
        for field, code, display in BP_COMPONENTS:
            component: dict[str, Any] = {
                "code": {"coding": [{"system": systems.LOINC, "code": code, "display": display}]}
            }
            if _measured(report, field):
                component["valueQuantity"] = quantity(_value(report, field), "mmHg", "mm[Hg]")
            else:
                component["dataAbsentReason"] = {
                    "coding": [{"system": systems.DATA_ABSENT_REASON, "code": "not-performed"}]
                }
            components.append(component)
        return {
            "meta": {"profile": [systems.VS_BLOOD_PRESSURE]},
            "code": {
                "coding": [
                    {
                        "system": systems.LOINC,
                        "code": BLOOD_PRESSURE,
                        "display": "Blood pressure panel with all children optional",
                    }
                ]
            },
            "component": components,
        }
    sign = _SIGNS[slug]
    codings = [{"system": systems.LOINC, "code": sign.loinc, "display": sign.display}]
    if sign.slug == "vs-oxygen-saturation":
        codings.append(
            {
                "system": systems.LOINC,
                "code": PULSE_OXIMETRY,
                "display": "Oxygen saturation in Arterial blood by Pulse oximetry",
            }
        )
    return {
        "meta": {"profile": [sign.profile]},
        "code": {"coding": codings},
        "valueQuantity": quantity(_value(report, sign.field), sign.unit, sign.ucum),
    }


def _vital_sign(derived: Derived) -> dict[str, Any]:
    resource = _common(derived)
    resource.update(vital_sign_fields(derived.slug, derived.report))
    return resource


def _grade(derived: Derived) -> dict[str, Any]:
    assert derived.grade is not None
    grade, resource = derived.grade, _common(derived)
    term = str(grade["term"])
    with translation.override("fr"):
        label = str(term_label(term))
    resource["code"] = {
        "coding": [{"system": systems.OWN_ADVERSE_TERM, "code": term}],
        "text": label,
    }
    resource["valueInteger"] = int(grade["grade"])
    grading = str(grade.get("system") or "")
    rule_set = str((derived.report.result or {}).get("rule_set") or derived.report.rule_set_label)
    resource["method"] = {
        **(
            {"coding": [{"system": systems.OWN_GRADING_SYSTEM, "code": grading}]} if grading else {}
        ),
        "text": f"{grading} — {rule_set}".strip(" —"),
    }
    if grade.get("criterion"):
        resource["note"] = [{"text": str(grade["criterion"])}]
    if term == "icans" and grade.get("ice_score") is not None:
        resource["component"] = [
            {
                "code": {
                    "coding": [{"system": systems.OWN_ADVERSE_TERM, "code": "ice_score"}],
                    "text": "ICE score (0-10)",
                },
                "valueInteger": int(grade["ice_score"]),
            }
        ]
    return resource


def lab_coding(lab: Lab) -> dict[str, Any]:
    system, code = lab_code(lab)
    return {
        "coding": [{"system": system, "code": code, "display": lab.display}],
        "text": lab.display,
    }


def _lab(derived: Derived) -> dict[str, Any]:
    assert derived.lab is not None
    lab, resource = derived.lab, _common(derived)
    report = derived.report
    resource["issued"] = report.submitted_at.isoformat()
    if report.source in (Source.PATIENT, Source.CAREGIVER):
        # Review M5: a value the patient or a relative typed in is not a validated result, and
        # the report does not say when the sample was taken: preliminary, and said so.
        resource["status"] = "preliminary"
        resource["note"] = [
            {
                "text": "Reported by the patient or a relative from a laboratory result; the "
                "sampling date is not recorded (the effective time is the report's)."
            }
        ]
    resource["code"] = lab_coding(lab)
    resource["valueQuantity"] = _quantity(_value(derived.report, lab.key), lab.unit, lab.ucum)
    return resource


def derived_observation(derived: Derived) -> dict[str, Any]:
    if derived.lab is not None:
        return validated(_lab(derived))
    if derived.grade is not None:
        return validated(_grade(derived))
    return validated(_vital_sign(derived))
