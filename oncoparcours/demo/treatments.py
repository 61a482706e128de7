"""Demo treatments in course and what triage default@2 catches: patients on chemotherapy in cycles
(with nadir follow-up) and a febrile one waiting for a call-back, immunotherapy patients with a
suspected myocarditis and a suspected hypophysitis, a relative's neurological watch after CAR-T,
and the intensive-care and neurology on-call rotas of the CAR-T centre.

Everything goes through the services, so the data is exactly what users would have produced."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from oncoparcours.directory.models import Organisation, Professional
from oncoparcours.monitoring import services as monitoring
from oncoparcours.monitoring.models import OnCallRole, OnCallShift, Report
from oncoparcours.monitoring.services.alerts import alert_acknowledge
from oncoparcours.pathways.models import ActivityInstance, PathwayInstance
from oncoparcours.patients import services as patients
from oncoparcours.patients.models import Patient, TreatmentCourse

from .pathways import PathwayDemo, loader_user

# Chemotherapy by site: (ICD-10 prefix, regimen, cycle length in days, nadir day).
CHEMOTHERAPY = (
    ("C50", "Épirubicine–cyclophosphamide puis paclitaxel", 21, 10),
    ("C18", "FOLFOX", 14, 8),
    ("C19", "FOLFOX", 14, 8),
    ("C20", "FOLFOX", 14, 8),
    ("C34", "Carboplatine–pémétrexed", 21, 10),
    ("C56", "Carboplatine–paclitaxel", 21, 10),
    ("C16", "FLOT", 14, 8),
)
IMMUNOTHERAPY_DRUGS = ("Pembrolizumab", "Nivolumab", "Atézolizumab")
QUIET: tuple[dict[str, Any], ...] = (
    {"temperature_c": 36.9, "fatigue": "relieved_by_rest"},
    {"temperature_c": 37.2, "nausea": "appetite_loss"},
    {"fatigue": "none", "nausea": "none"},
)


class TreatmentsDemo:
    def __init__(self, *, seed: int, scale: float = 1.0, now: dt.datetime | None = None) -> None:
        self.rng = random.Random(seed + 3041)
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        self.scale = min(scale, 5.0)
        self.loader = loader_user()
        self.pathways = PathwayDemo(seed=seed, scale=scale)
        self.users = {
            u.username: u
            for u in get_user_model().objects.filter(
                username__in=["oncologue", "hematologue", "idec", "idel"]
            )
        }

    def _submit(
        self, patient: Patient, at: dt.datetime, observations: dict[str, Any], **kwargs: Any
    ) -> Report:
        return monitoring.report_submit(
            patient=patient,
            observations=observations,
            submission_key=uuid.UUID(int=self.rng.getrandbits(128)),
            submitted_at=at,
            **kwargs,
        ).report

    # --- chemotherapy ------------------------------------------------------------------------
    def chemotherapy(self) -> list[Patient]:
        count = max(8, int(30 * self.scale))
        sites = tuple(site for site, *_rest in CHEMOTHERAPY)
        centres = tuple(
            Organisation.objects.filter(kind__in=["clcc", "chu"]).values_list(
                "short_name", flat=True
            )
        )
        chosen = self.pathways._patients(sites, centres, count, prefer="oncologue")
        treated = []
        for index, patient in enumerate(chosen):
            diagnosis = patient.diagnoses.order_by("-is_primary").first()
            code = diagnosis.icd10[:3] if diagnosis else "C50"
            _site, regimen, cycle_days, nadir = next(
                (row for row in CHEMOTHERAPY if row[0] == code), CHEMOTHERAPY[0]
            )
            start = self.today - dt.timedelta(days=3 + (index * 97) % 110)
            instance = self.pathways._apply(
                "chemotherapy-cycles", patient, start, cycle_days=cycle_days, nadir_day=nadir
            )
            self.pathways._progress(instance, late_share=0.1, open_share=0.02)
            first_cycle = start + dt.timedelta(days=7)
            if first_cycle <= self.today:
                patients.treatment_start(
                    actor=self.loader,
                    patient=patient,
                    kind="chemotherapy",
                    regimen=regimen,
                    started_on=first_cycle,
                    line=1,
                )
            treated.append(patient)
        return treated

    def chemotherapy_reports(self, treated: list[Patient]) -> None:
        nurse = self.users.get("idec") or self.loader
        idel = self.users.get("idel")
        for index, patient in enumerate(treated):
            at = self.now - dt.timedelta(days=20)
            while at < self.now - dt.timedelta(days=2):
                self._submit(patient, at, dict(self.rng.choice(QUIET)), source="patient")
                at += dt.timedelta(days=self.rng.randint(3, 5), hours=self.rng.randint(-2, 2))
            if index == 0:
                # Febrile on chemotherapy, no blood count: call now, not routine (default@2).
                self._submit(
                    patient,
                    self.now - dt.timedelta(minutes=25),
                    {"temperature_c": 38.6, "fever_hours_at_or_above_38": 1.5},
                    source="patient",
                )
            elif index == 1:
                visit = self._submit(
                    patient,
                    self.now - dt.timedelta(hours=2),
                    {"temperature_c": 38.4, "neutrophils_g_per_l": 0.6},
                    source="nurse",
                    reporter=idel or nurse,
                    vitals={"systolic_bp": 112, "diastolic_bp": 68, "heart_rate": 104},
                )
                alert = getattr(visit, "alert", None)
                if alert is not None:
                    alert_acknowledge(
                        alert=alert,
                        actor=nurse,
                        at=visit.submitted_at + dt.timedelta(minutes=15),
                        note="Patiente adressée aux urgences pour antibiothérapie.",
                    )
            elif index == 2:
                self._submit(
                    patient,
                    self.now - dt.timedelta(hours=5),
                    {"temperature_c": 38.2, "neutrophils_g_per_l": 2.4},
                    source="patient",
                )

    # --- immunotherapy -----------------------------------------------------------------------
    def immunotherapy(self) -> None:
        instances = list(
            PathwayInstance.objects.filter(template__code="home-immunotherapy", status="active")
            .select_related("patient")
            .order_by("-start_date")
        )
        for index, instance in enumerate(instances):
            TreatmentCourse.objects.create(
                patient=instance.patient,
                kind="immune_checkpoint_inhibitor",
                regimen=IMMUNOTHERAPY_DRUGS[index % len(IMMUNOTHERAPY_DRUGS)],
                line=1 + index % 2,
                started_on=instance.start_date,
                recorded_by=self.loader,
            )
        for instance, observations, hours in zip(
            instances[:2],
            ({"chest_pain": "mild", "fatigue": "relieved_by_rest"}, {"headache": "moderate"}),
            (1, 8),
            strict=False,
        ):
            self._submit(
                instance.patient,
                self.now - dt.timedelta(hours=hours),
                observations,
                source="patient",
            )

    # --- CAR-T -------------------------------------------------------------------------------
    def car_t_rotas(self) -> None:
        tours = Organisation.objects.filter(short_name="CHRU Tours").first()
        if tours is None:
            return
        for role, specialty in (
            (OnCallRole.INTENSIVE_CARE, "intensive_care"),
            (OnCallRole.NEUROLOGY, "neurology"),
        ):
            person = (
                Professional.objects.filter(memberships__organisation=tours, specialty=specialty)
                .order_by("last_name")
                .first()
            )
            if person is not None:
                OnCallShift.objects.create(
                    organisation=tours,
                    role=role,
                    professional=person,
                    starts_at=self.now - dt.timedelta(hours=20),
                    ends_at=self.now + dt.timedelta(days=6),
                )

    def car_t_relatives_watch(self) -> str:
        """A relative's report of neurological changes after CAR-T; returns the relative's link."""
        infusion = (
            ActivityInstance.objects.filter(template_activity="car-t-infusion", status="done")
            .select_related("patient")
            .order_by("-done_on")
            .first()
        )
        nurse = self.users.get("hematologue") or self.loader
        if infusion is None or infusion.done_on is None:
            return ""
        _link, token = monitoring.access_link_create(
            patient=infusion.patient, actor=nurse, days=60, label="Téléphone de l'aidant (démo)"
        )
        self._submit(
            infusion.patient,
            self.now - dt.timedelta(minutes=50),
            {"temperature_c": 37.4, "neuro_changes": ["handwriting_change", "tremor"]},
            source="caregiver",
        )
        return token

    def run(self) -> str:
        with transaction.atomic():
            self.car_t_rotas()
            treated = self.chemotherapy()
            self.chemotherapy_reports(treated)
            self.immunotherapy()
            return self.car_t_relatives_watch()
