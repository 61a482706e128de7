"""Confirmed adverse events as FHIR AdverseEvent: the term (our own code, no MedDRA code is
shipped), CTCAE / ASTCT grade, severity and seriousness derived from it, onset, outcome,
attribution and actions. A correction is a new event replacing the previous one: searches
return the current version only; reading an old one says what replaced it. Care team only,
audited per patient."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet

from oncoparcours.monitoring.labels import term_label
from oncoparcours.monitoring.models import AdverseAction, AdverseEvent, Outcome

from . import systems
from .builders import own_identifier, validated
from .readers import Reader
from .rules.search import parse_date
from .selectors import Page, _audit_reads, _date_filter, _id_and_patient, _row_read, page_of

ADVERSE_EVENT_PARAMETERS = ("_id", "patient", "subject", "date")
OUTCOME_CODES = {
    Outcome.ONGOING: "ongoing",
    Outcome.RESOLVING: "recovering",
    Outcome.RESOLVED: "resolved",
    Outcome.SEQUELAE: "resolvedWithSequelae",
    Outcome.FATAL: "fatal",
}
# Severity by grade (CTCAE v5 "Grade" definitions: 1 mild, 2 moderate, 3 severe, 4
# life-threatening, 5 death). Seriousness follows ICH E2A (``_serious``).
SEVERITY = {1: "mild", 2: "moderate"}


def _severity(grade: int) -> str:
    return SEVERITY.get(grade, "severe")


# ICH E2A (Clinical Safety Data Management: Definitions and Standards for Expedited Reporting,
# 1994, §II.B) seriousness criteria: results in death, is life-threatening, requires inpatient
# hospitalisation or prolongation of existing hospitalisation, results in persistent or significant
# disability/incapacity, is a congenital anomaly/birth defect (or is a medically important event, a
# clinician's judgement the record does not hold). Here: grade 4 (life-threatening) or 5, a fatal
# outcome, a hospitalisation or its prolongation, and an outcome "resolved with sequelae" (safer
# reading: a sequela is taken as a persistent disability, docs/clinical-rules.md §11).
# Seriousness is not severity: ICH E2A says "serious" and "severe" are different notions, so a
# CTCAE grade 3 (severe) event without any of these criteria is not sent as serious.
SERIOUS_ACTIONS = frozenset(
    {AdverseAction.HOSPITALISATION, AdverseAction.HOSPITALISATION_PROLONGED}
)
SERIOUS_OUTCOMES = frozenset({Outcome.FATAL, Outcome.SEQUELAE})


def _serious(event: AdverseEvent) -> bool:
    return (
        event.grade >= 4
        or event.outcome in SERIOUS_OUTCOMES
        or any(action in SERIOUS_ACTIONS for action in event.actions)
    )


def _coding(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


def adverse_event_resource(event: AdverseEvent) -> dict[str, Any]:
    extensions: list[dict[str, Any]] = [
        {"url": systems.OWN_TOXICITY_GRADE, "valueInteger": event.grade},
        {"url": systems.OWN_ATTRIBUTION, "valueCode": event.attribution},
        *({"url": systems.OWN_ACTION, "valueCode": action} for action in event.actions),
    ]
    if event.supersedes_id:
        extensions.append(
            {
                "url": systems.OWN_REPLACES,
                "valueReference": {"reference": f"AdverseEvent/{event.supersedes_id}"},
            }
        )
    replaced_by = getattr(event, "superseded_by", None)
    if replaced_by is not None:
        extensions.append(
            {
                "url": systems.OWN_REPLACED_BY,
                "valueReference": {"reference": f"AdverseEvent/{replaced_by.pk}"},
            }
        )
    # "serious" when a criterion the record holds is met; otherwise the element is left out
    # (0..1 in R4): "non-serious" would claim a judgement nobody made (a medically important
    # event or a congenital anomaly is not recorded) — safer reading, docs/clinical-rules.md §11.
    seriousness = (
        {"seriousness": _coding(systems.AE_SERIOUSNESS, "serious")} if _serious(event) else {}
    )
    return validated(
        {
            "resourceType": "AdverseEvent",
            "id": str(event.pk),
            "extension": extensions,
            "identifier": own_identifier(event.pk),
            "actuality": "actual",
            "event": {
                "coding": [{"system": systems.OWN_ADVERSE_TERM, "code": event.term}],
                "text": term_label(event.term),
            },
            "subject": {"reference": f"Patient/{event.patient_id}"},
            "date": event.onset.isoformat(),
            "recordedDate": event.recorded_at.isoformat(),
            **seriousness,
            "severity": _coding(systems.AE_SEVERITY, _severity(event.grade)),
            "outcome": _coding(systems.AE_OUTCOME, OUTCOME_CODES[Outcome(event.outcome)]),
        }
    )


def _filters(params: Mapping[str, list[str]]) -> Q:
    condition = _id_and_patient(params)
    for raw in params.get("date", []):
        condition &= _date_filter("onset", parse_date("date", raw))
    return condition


def _events() -> QuerySet[AdverseEvent]:
    return AdverseEvent.objects.select_related("superseded_by")


def adverse_event_search(
    *, reader: Reader, params: Mapping[str, list[str]], count: int, page: int
) -> Page:
    current = Q(superseded_by__isnull=True) if "_id" not in params else Q()
    queryset = (
        _events()
        .filter(reader.patient_filter())
        .filter(current, _filters(params))
        .order_by("patient_id", "-onset", "-recorded_at", "pk")
    )
    found = page_of(queryset, count, page)
    _audit_reads(reader, {e.patient_id for e in found.rows}, "FHIR AdverseEvent search")
    return found


def adverse_event_read(*, reader: Reader, event_id: str) -> AdverseEvent | None:
    found: AdverseEvent | None = _row_read(_events(), reader, event_id, "FHIR AdverseEvent")
    return found
