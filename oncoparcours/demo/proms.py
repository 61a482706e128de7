"""Demo PROM questionnaires: for patients in a programme with a PROM schedule, the past
questionnaires answered (most) or missed (some — two in a row for one patient, so the nurse's
notice shows), the current ones waiting; the portal's demo patient has one to fill in today."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.db import transaction
from django.utils import timezone

from oncoparcours.monitoring import prom_catalogue
from oncoparcours.monitoring.models import (
    DueStatus,
    PatientAccessLink,
    PromAnswer,
    QuestionnaireDue,
)
from oncoparcours.monitoring.rules import proms as rules
from oncoparcours.monitoring.services.proms import proms_schedule
from oncoparcours.pathways.models import PathwayInstance

MAX_PATIENTS = 60


class PromsDemo:
    def __init__(self, *, seed: int) -> None:
        self.rng = random.Random(seed * 7919 + 16)

    @transaction.atomic
    def run(self) -> None:
        today = timezone.localdate()
        plan = prom_catalogue.schedules()
        window = int(plan["window_days"])
        instances = list(
            PathwayInstance.objects.filter(
                template__code__in=list(plan["programmes"]),
                status="active",
                patient__deceased_on__isnull=True,
            )
            .select_related("template", "patient")
            .order_by("start_date", "patient__birth_last_name", "patient__birth_date")[
                :MAX_PATIENTS
            ]
        )
        for number, instance in enumerate(instances):
            programme = plan["programmes"][instance.template.code]
            past = [
                o
                for o in rules.occurrences(programme, start=instance.start_date, today=today)
                if rules.closes_on(o.due_on, window) < today
            ]
            for index, occurrence in enumerate(past):
                last_two = index >= len(past) - 2
                missed = (number == 0 and last_two) or self.rng.random() < 0.15
                for code in programme["instruments"]:
                    self._past(instance, code, occurrence, window, missed)
        proms_schedule(today=today)
        self._portal_patient_has_one_due(today, window)

    def _past(
        self,
        instance: PathwayInstance,
        code: str,
        occurrence: rules.Occurrence,
        window: int,
        missed: bool,
    ) -> None:
        instrument = prom_catalogue.instrument(code)
        closes = rules.closes_on(occurrence.due_on, window)
        due = QuestionnaireDue.objects.create(
            patient=instance.patient,
            pathway_instance=instance,
            organisation_id=instance.patient.expert_centre_id
            or instance.patient.proximity_centre_id,
            instrument=code,
            instrument_version=instrument["version"],
            occurrence=occurrence.key,
            due_on=occurrence.due_on,
            closes_on=closes,
            status=DueStatus.MISSED if missed else DueStatus.ANSWERED,
            missed_on=closes + dt.timedelta(days=1) if missed else None,
        )
        if missed:
            return
        answers = self._answers(instrument)
        at = timezone.make_aware(
            dt.datetime.combine(
                occurrence.due_on + dt.timedelta(days=self.rng.randint(0, window)),
                dt.time(9 + self.rng.randint(0, 10), self.rng.randint(0, 59)),
            )
        )
        PromAnswer.objects.create(
            due=due,
            patient=instance.patient,
            source="patient",
            reporter_label="patient (démo)",
            submission_key=uuid.UUID(int=self.rng.getrandbits(128)),
            submitted_at=at,
            answers=answers,
            score=rules.score(instrument, answers),
            worrying=rules.worrying(instrument, answers),
        )
        QuestionnaireDue.objects.filter(pk=due.pk).update(answered_at=at)

    def _answers(self, instrument: dict) -> dict[str, int]:
        answers = {}
        for item in instrument["items"]:
            if item["type"] == "choice":
                values = rules.item_choices(item)
                answers[item["key"]] = self.rng.choices(values, weights=[5, 4, 2, 1, 0.3])[0]
            else:
                low, high = item["min"], item["max"]
                answers[item["key"]] = self.rng.randint(low + (high - low) // 3, high)
        return answers

    def _portal_patient_has_one_due(self, today: dt.date, window: int) -> None:
        link = (
            PatientAccessLink.objects.filter(label="Téléphone de la patiente (démo)")
            .select_related("patient")
            .first()
        )
        if link is None:
            return
        instance = (
            PathwayInstance.objects.filter(patient=link.patient, status="active")
            .order_by("start_date")
            .first()
        )
        if instance is None:
            return
        if QuestionnaireDue.objects.filter(
            patient=link.patient, status=DueStatus.DUE, due_on__lte=today, closes_on__gte=today
        ).exists():
            return
        QuestionnaireDue.objects.get_or_create(
            pathway_instance=instance,
            instrument="health-status",
            occurrence=f"demo-{today.isoformat()}",
            defaults={
                "patient": link.patient,
                "organisation_id": link.patient.expert_centre_id
                or link.patient.proximity_centre_id,
                "instrument_version": prom_catalogue.instrument("health-status")["version"],
                "due_on": today,
                "closes_on": rules.closes_on(today, window),
            },
        )
