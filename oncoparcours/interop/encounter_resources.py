"""Board discussions as FHIR Encounter: a patient's case on the agenda of a multidisciplinary
board session (RCP) — when (the session), the board, the chair, why (the case's context and the
cancer condition) and its status from the session and the agenda item (decided → finished,
carried over or removed → cancelled). Sessions held by videoconference are of class ``VR``
(virtual). The patient is not present: the Encounter is the discussion of their case. Care team
only, audited per patient."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import translation

from oncoparcours.boards.models import AgendaItem, CaseContext, ItemOutcome, SessionStatus
from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction

from . import systems
from .builders import own_identifier, validated
from .readers import Reader
from .rules.search import SearchError, parse_date, parse_reference, parse_token
from .selectors import Page, _audit_reads, _date_filter, _uuid, page_of

ENCOUNTER_PARAMETERS = ("_id", "patient", "subject", "date", "status")
CANCELLED_SESSION = Q(session__status=SessionStatus.CANCELLED)
STATUS_FILTERS = {
    "planned": Q(session__status=SessionStatus.PLANNED, outcome=ItemOutcome.PENDING),
    "in-progress": Q(session__status=SessionStatus.OPEN, outcome=ItemOutcome.PENDING),
    "finished": Q(outcome=ItemOutcome.DECIDED) & ~CANCELLED_SESSION,
    "cancelled": Q(outcome__in=[ItemOutcome.CARRIED_OVER, ItemOutcome.REMOVED]) | CANCELLED_SESSION,
    # A session closed with the case neither decided nor carried over.
    "unknown": Q(session__status=SessionStatus.CLOSED, outcome=ItemOutcome.PENDING),
}


def encounter_status(item: AgendaItem) -> str:
    """The same mapping as ``STATUS_FILTERS``, on one row."""
    session = item.session
    if session.status == SessionStatus.CANCELLED or item.outcome in (
        ItemOutcome.CARRIED_OVER,
        ItemOutcome.REMOVED,
    ):
        return "cancelled"
    if item.outcome == ItemOutcome.DECIDED:
        return "finished"
    return {
        SessionStatus.PLANNED: "planned",
        SessionStatus.OPEN: "in-progress",
        SessionStatus.CLOSED: "unknown",
    }[SessionStatus(session.status)]


def _french(label: Any) -> str:
    with translation.override("fr"):
        return str(label)


def _class(item: AgendaItem) -> dict[str, str]:
    if item.session.board.video_link:
        return {"system": systems.ACT_CODE, "code": "VR", "display": "virtual"}
    return {"system": systems.OWN_ENCOUNTER_CLASS, "code": "in-person-meeting"}


def encounter_resource(item: AgendaItem) -> dict[str, Any]:
    session, case = item.session, item.case
    board = session.board
    end = session.starts_at + dt.timedelta(minutes=session.duration_minutes)
    resource: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": str(item.pk),
        "identifier": [own_identifier(item.pk)],
        "status": encounter_status(item),
        "class": _class(item),
        "type": [
            {
                "coding": [{"system": systems.OWN_CASE_CONTEXT, "code": case.context}],
                "text": _french(CaseContext(case.context).label),
            }
        ],
        "serviceType": {
            "coding": [{"system": systems.OWN_BOARD, "code": str(board.pk)}],
            "text": board.name,
        },
        "subject": {"reference": f"Patient/{case.patient_id}"},
        "period": {"start": session.starts_at.isoformat(), "end": end.isoformat()},
        "length": {
            "value": item.minutes,
            "unit": "min",
            "system": "http://unitsofmeasure.org",
            "code": "min",
        },
    }
    if session.chair_id:
        resource["participant"] = [
            {
                "type": [{"text": "président de séance"}],
                "individual": {"reference": f"Practitioner/{session.chair_id}"},
            }
        ]
    if case.diagnosis_id:
        resource["reasonReference"] = [{"reference": f"Condition/{case.diagnosis_id}"}]
    if item.carry_reason:
        resource["extension"] = [
            {"url": systems.OWN_CARRY_REASON, "valueString": item.carry_reason}
        ]
    return validated(resource)


def _status(raw: str) -> Q:
    condition = Q(pk__in=[])
    for code in raw.split(","):
        _, value = parse_token(code)
        if value not in STATUS_FILTERS:
            raise SearchError("status", f"one of {', '.join(STATUS_FILTERS)} is expected")
        condition |= STATUS_FILTERS[value]
    return condition


def _filters(params: Mapping[str, list[str]]) -> Q:
    condition = Q()
    for raw in params.get("_id", []):
        condition &= Q(pk=_uuid("_id", raw))
    for name in ("patient", "subject"):
        for raw in params.get(name, []):
            condition &= Q(case__patient_id=_uuid(name, parse_reference(name, raw, "Patient")))
    for raw in params.get("date", []):
        condition &= _date_filter("session__starts_at__date", parse_date("date", raw))
    for raw in params.get("status", []):
        condition &= _status(raw)
    return condition


def agenda_items() -> QuerySet[AgendaItem]:
    return AgendaItem.objects.select_related("session__board", "case")


def encounter_search(
    *, reader: Reader, params: Mapping[str, list[str]], count: int, page: int
) -> Page:
    queryset = (
        agenda_items()
        .filter(reader.patient_filter("case__patient_id"))
        .filter(_filters(params))
        .order_by("case__patient_id", "-session__starts_at", "pk")
    )
    found = page_of(queryset, count, page)
    _audit_reads(reader, {i.case.patient_id for i in found.rows}, "FHIR Encounter search")
    return found


def encounter_read(*, reader: Reader, encounter_id: str) -> AgendaItem | None:
    try:
        key = _uuid("_id", encounter_id)
    except SearchError:
        return None
    item = agenda_items().filter(reader.patient_filter("case__patient_id"), pk=key).first()
    if item is not None:
        audit_record(
            **reader.audit(),
            action=AuditAction.VIEW,
            patient_id=item.case.patient_id,
            obj=item,
            details={"what": "FHIR Encounter"},
        )
    return item
