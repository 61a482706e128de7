"""Reads of PROM questionnaires: what a patient has to fill in, a patient's questionnaires for
the care team, the answers in words, and completion rates for the indicators (one query)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from . import prom_catalogue
from .models import DueStatus, PromAnswer, QuestionnaireDue


def proms_open(patient_id: uuid.UUID, today: dt.date | None = None) -> list[QuestionnaireDue]:
    """The questionnaires the patient can fill in today, oldest first."""
    today = today or timezone.localdate()
    return list(
        QuestionnaireDue.objects.filter(
            patient_id=patient_id, status=DueStatus.DUE, due_on__lte=today, closes_on__gte=today
        ).order_by("due_on", "instrument")
    )


def proms_for_patient(patient_id: uuid.UUID, limit: int = 60) -> list[QuestionnaireDue]:
    return list(
        QuestionnaireDue.objects.filter(patient_id=patient_id)
        .select_related("answer")
        .order_by("-due_on", "instrument")[:limit]
    )


def prom_get(patient_id: uuid.UUID, due_id: uuid.UUID) -> QuestionnaireDue:
    due = (
        QuestionnaireDue.objects.filter(patient_id=patient_id, pk=due_id)
        .select_related("answer")
        .first()
    )
    if due is None:
        raise Http404
    return due


@dataclass(frozen=True)
class AnswerLine:
    label: str
    answer: str
    worrying: bool


def answer_lines(answer: PromAnswer, due: QuestionnaireDue) -> list[AnswerLine]:
    instrument = prom_catalogue.instrument(due.instrument, due.instrument_version)
    text = prom_catalogue.text
    lines = []
    for item in instrument["items"]:
        value = answer.answers.get(item["key"])
        shown = str(value)
        for choice in item.get("choices", []):
            if choice["value"] == value:
                shown = text(choice)
        lines.append(AnswerLine(text(item["label"]), shown, item["key"] in answer.worrying))
    return lines


@dataclass(frozen=True)
class CompletionRow:
    organisation: str
    instrument: str
    asked: int
    answered: int
    missed: int
    open: int

    @property
    def rate(self) -> int | None:
        """Answered out of the questionnaires whose window closed or that were answered (%)."""
        closed = self.answered + self.missed
        return round(100 * self.answered / closed) if closed else None


def prom_completion(
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    organisation_id: uuid.UUID | None = None,
) -> list[CompletionRow]:
    """Answered / asked per instrument and per centre (one aggregate query)."""
    rows = QuestionnaireDue.objects.all()
    if since:
        rows = rows.filter(due_on__gte=since)
    if until:
        rows = rows.filter(due_on__lte=until)
    if organisation_id:
        rows = rows.filter(organisation_id=organisation_id)
    totals = (
        rows.values("organisation__name", "instrument")
        .annotate(
            asked=Count("pk"),
            answered=Count("pk", filter=Q(status=DueStatus.ANSWERED)),
            missed=Count("pk", filter=Q(status=DueStatus.MISSED)),
            open=Count("pk", filter=Q(status=DueStatus.DUE)),
        )
        .order_by("organisation__name", "instrument")
    )
    return [
        CompletionRow(
            organisation=row["organisation__name"] or "—",
            instrument=prom_catalogue.title(row["instrument"]),
            asked=row["asked"],
            answered=row["answered"],
            missed=row["missed"],
            open=row["open"],
        )
        for row in totals
    ]
