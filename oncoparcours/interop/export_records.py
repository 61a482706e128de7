"""The bulk export's (``bulk_export``) resources of the follow-up reports (their Observations and
QuestionnaireResponse) and of the record (Condition, stage group and performance status
Observations, MedicationStatement), built **pseudonymised** from rows read as tuples, as
``export_pathways`` does for the CarePlans and Tasks.

Each resource is the API's (``report_observations.derived_observation``,
``report_resources.report_resource``, ``builders.condition_resource``,
``observations.staging_observation`` / ``performance_observation``,
``record_resources.medication_statement``) as the export's scrub (``bulk_export._rewrite``) leaves
it, key for key and in the same order: ids and references as pseudonyms; no identifier, no note
(a grade's criterion, a lab value's "reported by the patient" note, a diagnosis' or treatment's
note), no free comment (the QuestionnaireResponse item ``comment``: the report's comment is not
even read); a treatment's end reason goes too (the scrub keeps a ``statusReason``'s coding only
when it is one concept, and a MedicationStatement's is a list); empty elements are left out and
floats are spelt as the standard encoder does (``ndjson.number``). Which Observations a report
yields stays ``report_observations.derived_of``'s decision. A test compares both ways on every
variant (``tests/test_export_records.py``), and the whole export is compared byte for byte before
and after (docs/benchmarks.md)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, cast

from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import translation

from oncoparcours.directory.referential import icd10_label
from oncoparcours.monitoring.labels import term_label
from oncoparcours.monitoring.models import Report, Source

from . import ndjson, report_observations, systems
from .report_observations import (
    GRADE_CATEGORY,
    Derived,
    _category,
    _value,
    lab_coding,
)

Alias = Callable[[Any], str]


def id_text(field: str) -> Cast:
    """A UUID column read as text, without the UUID object Django would make of each value: for
    ids used only as pseudonyms (and to match rows read the same way). ``dashed`` gives the
    text a pseudonym is computed from."""
    return Cast(field, output_field=CharField())


def dashed(text: str) -> str:
    """A UUID read by ``id_text`` in its canonical text, the ``str()`` of the UUID the pseudonyms
    are computed from: PostgreSQL gives it; SQLite stores the 32 hexadecimal digits."""
    if len(text) == 36:
        return text
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


PATIENT_SOURCE, CAREGIVER_SOURCE = Source.PATIENT.value, Source.CAREGIVER.value

# -- Follow-up reports ------------------------------------------------------------------------

# What the export reads of a report (not its comment: free text, never exported).
REPORT_FIELDS = (
    "pk", "patient_id", "source", "submitted_at", "treatment", "days_since_infusion",
    "observations", "vitals", "result", "rule_set_label",
)  # fmt: skip


class ReportRow:
    """A report read as a tuple (``REPORT_FIELDS``), under the attribute names of the model that
    ``report_observations.derived_of`` reads."""

    __slots__ = REPORT_FIELDS

    def __init__(self, row: tuple[Any, ...]) -> None:
        (self.pk, self.patient_id, self.source, self.submitted_at, self.treatment,
         self.days_since_infusion, self.observations, self.vitals, self.result,
         self.rule_set_label) = row  # fmt: skip


def report_rows(patient_ids: Iterable[Any]) -> list[ReportRow]:
    """The reports of these patients, in the export's order (submission time, then id); the id
    as text (``id_text``)."""
    rows = (
        Report.objects.filter(patient_id__in=patient_ids)
        .order_by("submitted_at", "pk")
        .values_list(id_text("pk"), *REPORT_FIELDS[1:])
    )
    return [ReportRow(row) for row in rows]


def _number(value: Any) -> Any:
    return ndjson.number(value) if value.__class__ is float else value


def _quantity(value: Any, unit: str, ucum: str) -> dict[str, Any]:
    return {"value": _number(value), "unit": unit, "system": report_observations.UCUM, "code": ucum}


@functools.lru_cache(maxsize=512)
def _term_label(term: str) -> str:
    """A grade's term in French, translated once (bounded: the rule sets' terms)."""
    with translation.override("fr"):
        return str(term_label(term))


def _common(derived: Derived, report: ReportRow, alias: Alias) -> dict[str, Any]:
    subject = f"Patient/{alias(report.patient_id)}"
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": alias(f"{report.pk.replace('-', '')}-{derived.slug}"),
        "status": "preliminary" if GRADE_CATEGORY in derived.categories else "final",
        "category": _category(*derived.categories),
        "subject": {"reference": subject},
        "effectiveDateTime": report.submitted_at.isoformat(),
        "derivedFrom": [{"reference": f"QuestionnaireResponse/{alias(dashed(report.pk))}"}],
    }
    if report.source == PATIENT_SOURCE:
        resource["performer"] = [{"reference": subject}]
    return resource


def _vital_sign(derived: Derived, report: ReportRow, alias: Alias) -> dict[str, Any]:
    resource = _common(derived, report, alias)
    resource.update(report_observations.vital_sign_fields(derived.slug, report, _quantity))
    return resource


def _grade(derived: Derived, report: ReportRow, alias: Alias) -> dict[str, Any]:
    """The grade's criterion is a note: dropped."""
    assert derived.grade is not None
    grade, resource = derived.grade, _common(derived, report, alias)
    term = str(grade["term"])
    resource["code"] = {
        "coding": [{"system": systems.OWN_ADVERSE_TERM, "code": term}],
        "text": _term_label(term),
    }
    resource["valueInteger"] = int(grade["grade"])
    grading = str(grade.get("system") or "")
    rule_set = str((report.result or {}).get("rule_set") or report.rule_set_label)
    resource["method"] = {
        **(
            {"coding": [{"system": systems.OWN_GRADING_SYSTEM, "code": grading}]} if grading else {}
        ),
        "text": f"{grading} — {rule_set}".strip(" —"),
    }
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


def _lab(derived: Derived, report: ReportRow, alias: Alias) -> dict[str, Any]:
    """A value the patient or a relative typed in is preliminary (its note is dropped)."""
    assert derived.lab is not None
    lab, resource = derived.lab, _common(derived, report, alias)
    resource["issued"] = report.submitted_at.isoformat()
    if report.source in (PATIENT_SOURCE, CAREGIVER_SOURCE):
        resource["status"] = "preliminary"
    resource["code"] = lab_coding(lab)
    value = _value(cast(Report, report), lab.key)
    resource["valueQuantity"] = _quantity(value, lab.unit, lab.ucum)
    return resource


def report_observations_of(report: ReportRow, alias: Alias) -> list[dict[str, Any]]:
    """The report's Observations (``derived_of``: vital signs, lab values, then grades)."""
    found = []
    for derived in report_observations.derived_of(cast(Report, report)):
        if derived.lab is not None:
            found.append(_lab(derived, report, alias))
        elif derived.grade is not None:
            found.append(_grade(derived, report, alias))
        else:
            found.append(_vital_sign(derived, report, alias))
    return found


def _answers(value: Any, into: list[dict[str, Any]]) -> None:
    """``report_resources._answer``, floats spelt by ``ndjson.number``."""
    if isinstance(value, list):
        for item in value:
            _answers(item, into)
    elif isinstance(value, bool):
        into.append({"valueBoolean": value})
    elif isinstance(value, int):
        into.append({"valueInteger": value})
    elif isinstance(value, float):
        into.append({"valueDecimal": ndjson.number(value)})
    else:
        into.append({"valueCoding": {"system": systems.OWN_REPORT_ANSWER, "code": str(value)}})


def _item(key: str, value: Any) -> dict[str, Any]:
    """``report_resources._item``; an empty answer list or composite is left out."""
    if isinstance(value, dict):
        items = [_item(f"{key}.{k}", v) for k, v in value.items()]
        return {"linkId": key, "item": items} if items else {"linkId": key}
    answers: list[dict[str, Any]] = []
    _answers(value, answers)
    return {"linkId": key, "answer": answers} if answers else {"linkId": key}


FREE_COMMENT = "comment"  # the linkId of the report's free comment (never exported)


def questionnaire_response(report: ReportRow, alias: Alias) -> dict[str, Any]:
    """``report_resource`` pseudonymised: no identifier and no free comment."""
    items = [
        _item(key, value)
        for key, value in sorted(report.observations.items())
        if key != FREE_COMMENT
    ]
    items += [_item(f"vitals.{key}", value) for key, value in sorted(report.vitals.items())]
    context: list[dict[str, Any]] = [
        {"url": "source", "valueCode": report.source},
        {"url": "treatment", "valueCode": report.treatment},
    ]
    if report.days_since_infusion is not None:
        context.append({"url": "daysSinceInfusion", "valueInteger": report.days_since_infusion})
    subject = f"Patient/{alias(report.patient_id)}"
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": alias(dashed(report.pk)),
        "extension": [{"url": systems.OWN_REPORT_CONTEXT, "extension": context}],
        "questionnaire": systems.OWN_REPORT_QUESTIONNAIRE,
        "status": "completed",
        "subject": {"reference": subject},
        "authored": report.submitted_at.isoformat(),
    }
    if items:
        resource["item"] = items
    if report.source == PATIENT_SOURCE:
        resource["source"] = {"reference": subject}
    return resource


# -- The record: diagnoses, stage groups, performance statuses, treatments ----------------------

# The ids (but the patient's) are read as text (``id_text``): only their pseudonyms are needed.
DIAGNOSIS_FIELDS = (
    id_text("pk"), "patient_id", "icd10", "icdo3_topography", "icdo3_morphology", "laterality",
    "diagnosed_on", "is_primary",
)  # fmt: skip
STAGING_FIELDS = (
    id_text("pk"), id_text("diagnosis_id"), "kind", "t", "n", "m", "stage_group", "edition",
    "staged_on",
)  # fmt: skip
PERFORMANCE_FIELDS = (id_text("pk"), "patient_id", "scale", "value", "recorded_on")
# Not the regimen: staff type it freely (a name, a remark may be in it); the kind is coded.
TREATMENT_FIELDS = (
    id_text("pk"), "patient_id", "kind", "line", "started_on", "ended_on", "end_reason",
)  # fmt: skip
DIAGNOSIS_PK, DIAGNOSIS_PATIENT = 0, 1
STAGING_DIAGNOSIS = 1
_PROBLEM_LIST = [{"coding": [{"system": systems.CONDITION_CATEGORY, "code": "problem-list-item"}]}]


def condition(row: tuple[Any, ...], alias: Alias) -> dict[str, Any]:
    """``condition_resource`` pseudonymised (the diagnosis' note is not read)."""
    pk, patient_id, icd10, topography, morphology, laterality, diagnosed_on, is_primary = row
    extensions: list[dict[str, Any]] = [
        {"url": systems.ASSERTED_DATE, "valueDateTime": diagnosed_on.isoformat()}
    ]
    if morphology:
        extensions.append(
            {
                "url": systems.HISTOLOGY_MORPHOLOGY,
                "valueCodeableConcept": {"coding": [{"system": systems.ICDO3, "code": morphology}]},
            }
        )
    if laterality:
        extensions.append({"url": systems.OWN_LATERALITY, "valueCode": laterality})
    profile = systems.PRIMARY_CANCER_CONDITION if is_primary else systems.SECONDARY_CANCER_CONDITION
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "id": alias(dashed(pk)),
        "meta": {"profile": [profile]},
        "extension": extensions,
        "category": _PROBLEM_LIST,
        "code": {"coding": [systems.icd10_coding(icd10, icd10_label(icd10))]},
    }
    if topography:
        resource["bodySite"] = [{"coding": [{"system": systems.ICDO3, "code": topography}]}]
    resource["subject"] = {"reference": f"Patient/{alias(patient_id)}"}
    return resource


def _loinc(code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": systems.LOINC, "code": code, "display": display}]}


_UNKNOWN = {"coding": [{"system": systems.DATA_ABSENT_REASON, "code": "unknown"}]}


def staging(row: tuple[Any, ...], patient_id: Any, alias: Alias) -> dict[str, Any]:
    """``staging_observation`` pseudonymised (``patient_id``: the diagnosis' patient)."""
    pk, diagnosis_id, kind, t, n, m, stage_group, edition, staged_on = row
    prefix = "c" if kind == "clinical" else "p"
    categories = systems.TNM_CATEGORY_CODES[kind]
    components = [
        {
            "code": _loinc(categories[letter], f"{letter} category"),
            "valueCodeableConcept": {
                "coding": [
                    {
                        "system": systems.OWN_TNM_CATEGORY,
                        "code": f"{prefix}{letter}{value.removeprefix(letter)}",
                    }
                ],
                "text": f"{prefix}{letter}{value.removeprefix(letter)}",
            },
        }
        for letter, value in (("T", t), ("N", n), ("M", m))
        if value
    ]
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": alias(dashed(pk)),
        "meta": {"profile": [systems.TNM_STAGE_GROUP]},
        "status": "final",
        "code": _loinc(systems.STAGE_GROUP_CODE[kind], f"{kind} stage group"),
        "subject": {"reference": f"Patient/{alias(patient_id)}"},
        "focus": [{"reference": f"Condition/{alias(dashed(diagnosis_id))}"}],
        "effectiveDateTime": staged_on.isoformat(),
        "method": {"text": f"TNM UICC/AJCC, edition {edition}"},
    }
    if components:
        resource["component"] = components
    if stage_group:
        resource["valueCodeableConcept"] = {
            "coding": [{"system": systems.OWN_STAGE_GROUP, "code": stage_group}],
            "text": stage_group,
        }
    else:
        resource["dataAbsentReason"] = _UNKNOWN
    return resource


_ECOG = {
    "meta": {"profile": [systems.ECOG_STATUS]},
    "code": _loinc(systems.ECOG_CODE, "ECOG performance status"),
}
_KARNOFSKY = {
    "meta": {"profile": [systems.KARNOFSKY_STATUS]},
    "code": _loinc(systems.KARNOFSKY_CODE, "Karnofsky performance status"),
}
_SURVEY = [{"coding": [{"system": systems.OBSERVATION_CATEGORY, "code": "survey"}]}]


def performance(row: tuple[Any, ...], alias: Alias) -> dict[str, Any]:
    """``performance_observation`` pseudonymised."""
    pk, patient_id, scale, value, recorded_on = row
    scale_of = _ECOG if scale == "ecog" else _KARNOFSKY
    return {
        "resourceType": "Observation",
        "id": alias(dashed(pk)),
        "meta": scale_of["meta"],
        "status": "final",
        "category": _SURVEY,
        "code": scale_of["code"],
        "subject": {"reference": f"Patient/{alias(patient_id)}"},
        "effectiveDateTime": recorded_on.isoformat(),
        "valueInteger": value,
    }


def medication_statement(row: tuple[Any, ...], alias: Alias) -> dict[str, Any]:
    """``medication_statement`` pseudonymised: no note, no end reason, no regimen text (typed
    freely by staff; the treatment's kind is coded)."""
    pk, patient_id, kind, line, started_on, ended_on, end_reason = row
    period = {"start": started_on.isoformat()}
    if ended_on:
        period["end"] = ended_on.isoformat()
    if ended_on is None:
        status = "active"
    else:
        status = "completed" if end_reason == "completed" else "stopped"
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": alias(dashed(pk)),
        "meta": {"profile": [systems.CANCER_MEDICATION]},
        "status": status,
        "medicationCodeableConcept": {
            "coding": [{"system": systems.OWN_TREATMENT_KIND, "code": kind}],
        },
        "subject": {"reference": f"Patient/{alias(patient_id)}"},
        "effectivePeriod": period,
    }
    if line:
        resource["extension"] = [{"url": systems.OWN_LINE, "valueInteger": line}]
    return resource
