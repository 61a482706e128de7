"""Home follow-up assessments (self-reports, relatives', nurses' and clinicians' reports) as FHIR
QuestionnaireResponse: every answer as it was given (observation keys of the triage contract,
vital signs, the comment), who answered, when. The grades and alert derived from them are not
answers and are not sent here. Care team only, audited per patient."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from oncoparcours.monitoring.models import Report, Source

from . import systems
from .builders import own_identifier, validated
from .readers import Reader
from .rules.search import parse_date
from .selectors import Page, _audit_reads, _date_filter, _id_and_patient, _row_read, page_of

REPORT_PARAMETERS = ("_id", "patient", "subject", "authored")


def _answer(value: Any) -> list[dict[str, Any]]:
    """One typed answer per value; a list gives several answers. Booleans are tested before
    integers (a bool is an int in Python)."""
    if isinstance(value, list):
        return [answer for item in value for answer in _answer(item)]
    if isinstance(value, bool):
        return [{"valueBoolean": value}]
    if isinstance(value, int):
        return [{"valueInteger": value}]
    if isinstance(value, float):
        return [{"valueDecimal": value}]
    return [{"valueCoding": {"system": systems.OWN_REPORT_ANSWER, "code": str(value)}}]


def _item(key: str, value: Any) -> dict[str, Any]:
    if isinstance(value, dict):  # a composite answer (the ICE score's parts)
        return {"linkId": key, "item": [_item(f"{key}.{k}", v) for k, v in value.items()]}
    return {"linkId": key, "answer": _answer(value)}


def _source(report: Report) -> dict[str, Any] | None:
    if report.source == Source.PATIENT:
        return {"reference": f"Patient/{report.patient_id}"}
    return None


def report_resource(report: Report) -> dict[str, Any]:
    items = [_item(key, value) for key, value in sorted(report.observations.items())]
    items += [_item(f"vitals.{key}", value) for key, value in sorted(report.vitals.items())]
    if report.comment:
        items.append({"linkId": "comment", "answer": [{"valueString": report.comment}]})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": str(report.pk),
        "extension": [
            {
                "url": systems.OWN_REPORT_CONTEXT,
                "extension": [
                    {"url": "source", "valueCode": report.source},
                    {"url": "treatment", "valueCode": report.treatment},
                    *(
                        [{"url": "daysSinceInfusion", "valueInteger": report.days_since_infusion}]
                        if report.days_since_infusion is not None
                        else []
                    ),
                ],
            }
        ],
        "identifier": own_identifier(report.pk),
        "questionnaire": systems.OWN_REPORT_QUESTIONNAIRE,
        "status": "completed",
        "subject": {"reference": f"Patient/{report.patient_id}"},
        "authored": report.submitted_at.isoformat(),
        "item": items,
    }
    source = _source(report)
    if source:
        resource["source"] = source
    return validated(resource)


def _reports() -> QuerySet[Report]:
    return Report.objects.all()


def report_search(
    *, reader: Reader, params: Mapping[str, list[str]], count: int, page: int
) -> Page:
    condition = _id_and_patient(params)
    for raw in params.get("authored", []):
        condition &= _date_filter("submitted_at__date", parse_date("authored", raw))
    queryset = (
        _reports()
        .filter(reader.patient_filter())
        .filter(condition)
        .order_by("patient_id", "-submitted_at", "pk")
    )
    found = page_of(queryset, count, page)
    _audit_reads(reader, {r.patient_id for r in found.rows}, "FHIR QuestionnaireResponse search")
    return found


def report_read(*, reader: Reader, report_id: str) -> Report | None:
    found: Report | None = _row_read(_reports(), reader, report_id, "FHIR QuestionnaireResponse")
    return found
