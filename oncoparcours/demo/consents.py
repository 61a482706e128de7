"""Demo oppositions recorded today through the service (audited): two patients of the Article 51
home-immunotherapy pathway object to the evaluation, and one patient of the RCP Caraïbes to the
reuse of their data for research. The indicator pages and downloads (evaluation) and the
pseudonymised extract declared for research leave them out, for every period, and say so.

Two patients of ``oncologue`` show what the tumour boards honour: Claire Garnier (metastatic
triple-negative breast cancer, FEM-NET referral proposed) objects to sharing her data with a
network — her referral page says so and offers no request; Nadia Lacombe objected to the review
of her case by a tumour board a week ago — the case form says so and its "informed today" box
cannot replace that decision."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from oncoparcours.boards.models import Case
from oncoparcours.pathways.models import PathwayInstance
from oncoparcours.patients.models import Patient
from oncoparcours.patients.rules.identity import normalise_name
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
        for last_name, first_name, kind, scope, days_ago in (
            ("Garnier", "Claire", "data_sharing", "network", 0),
            ("Lacombe", "Nadia", "rcp_information", "care_team", 7),
        ):
            showcased = Patient.objects.filter(  # entered through the service: RNIV capitals
                birth_last_name=normalise_name(last_name), first_names=normalise_name(first_name)
            ).first()
            if showcased is None:
                continue
            consent_record(
                actor=actor,
                patient=showcased,
                kind=kind,
                scope=scope,
                decision="opposition",
                recorded_on=today - dt.timedelta(days=days_ago),
                note="Opposition exprimée lors de la consultation (démonstration).",
            )
            objecting.append(showcased)
        return objecting
