"""Demo oppositions recorded today through the service (audited): two patients of the Article 51
home-immunotherapy pathway object to the evaluation, and one patient of the RCP Caraïbes to the
reuse of their data for research. The indicator pages and downloads (evaluation) and the
pseudonymised extract declared for research leave them out, for every period, and say so."""

from __future__ import annotations

import random

from django.utils import timezone

from oncoparcours.boards.models import Case
from oncoparcours.pathways.models import PathwayInstance
from oncoparcours.patients.models import Patient
from oncoparcours.patients.services import consent_record

from .pathways import loader_user


class ConsentsDemo:
    def __init__(self, *, seed: int) -> None:
        self.rng = random.Random(f"{seed}-oppositions-today")

    def _pick(self, patient_ids: list, count: int) -> list[Patient]:
        candidates = sorted(set(patient_ids), key=str)
        chosen = self.rng.sample(candidates, min(count, len(candidates)))
        return list(Patient.objects.filter(pk__in=chosen).order_by("sort_name"))

    def run(self) -> list[Patient]:
        actor = loader_user()
        today = timezone.localdate()
        article51 = list(
            PathwayInstance.objects.filter(template__code="home-immunotherapy").values_list(
                "patient_id", flat=True
            )
        )
        caribbean = list(
            Case.objects.filter(board__short_name="RCP Caraïbes").values_list(
                "patient_id", flat=True
            )
        )
        objecting = []
        for scope, patients in (
            ("evaluation", self._pick(article51, 2)),
            ("research", self._pick(caribbean, 1)),
        ):
            for patient in patients:
                consent_record(
                    actor=actor,
                    patient=patient,
                    kind="data_sharing",
                    scope=scope,
                    decision="opposition",
                    recorded_on=today,
                    note="Opposition exprimée lors de la consultation (démonstration).",
                )
                objecting.append(patient)
        return objecting
