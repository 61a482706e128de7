"""Demo home follow-up: report histories for patients on home immunotherapy and CAR-T, alerts at
every level (some acknowledged or resolved, some overdue and escalated), on-call rotas, the
stricter ASCO 2021 rule set validated and activated at the Centre Léon Bérard, confirmed adverse
events, and one personal reporting link whose address is printed with the demo logins.

Everything goes through the services, so the data is exactly what users would have produced."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from oncoparcours.core.models import User
from oncoparcours.directory.models import Organisation, Professional
from oncoparcours.monitoring import services
from oncoparcours.monitoring.models import (
    Alert,
    OnCallRole,
    OnCallShift,
    Report,
    TriageRuleSet,
)
from oncoparcours.monitoring.services.alerts import alert_acknowledge, alert_resolve
from oncoparcours.pathways.models import ActivityInstance, PathwayInstance
from oncoparcours.patients.models import CareTeamMember, Patient

from .follow_up import AlertFollowUp
from .pathways import loader_user

BENIGN: tuple[dict[str, Any], ...] = (
    {"fatigue": "none", "nausea": "none"},
    {"fatigue": "relieved_by_rest"},
    {"temperature_c": 36.8, "fatigue": "none"},
    {"pruritus": "none", "stools_over_baseline_per_day": 0},
    {"temperature_c": 37.2},
)
MILD: tuple[dict[str, Any], ...] = (
    {"pruritus": "mild_localized"},
    {"stools_over_baseline_per_day": 2},
    {"fatigue": "relieved_by_rest", "nausea": "appetite_loss"},
    {"temperature_c": 38.3},
    {"rash_bsa_percent": 5.0, "rash_symptoms": "mild"},
)
# What the most recent report of some patients says (the open alerts of the demo).
LATEST: tuple[dict[str, Any], ...] = (
    {"stools_over_baseline_per_day": 5, "abdominal_pain": "moderate"},  # diarrhoea G2
    {"stools_over_baseline_per_day": 4, "blood_or_mucus_in_stool": True},  # colitis G2
    {"temperature_c": 39.4, "fatigue": "limits_instrumental_adl"},  # fever G2
    {"dyspnea": "minimal_exertion"},  # dyspnoea G2
    {"rash_bsa_percent": 40.0, "rash_symptoms": "moderate_or_severe"},  # rash G3
    {"pruritus": "widespread_constant", "fatigue": "limits_instrumental_adl"},  # G2
    {"dyspnea": "life_threatening"},  # G4: emergency
    {"nausea": "reduced_intake", "vomiting": "no_intervention"},  # G2
    {"fatigue": "relieved_by_rest"},  # G1: routine
)
RESOLUTIONS = (
    ("advice_given", "Conseils téléphoniques : hydratation, antidiarrhéique, rappel dans 48 h."),
    ("consultation", "Consultation avancée à demain en hôpital de jour."),
    ("treatment_held", "Prochaine administration reportée d'une semaine, bilan biologique."),
    ("no_action", ""),
)


class MonitoringDemo:
    def __init__(self, *, seed: int, now: dt.datetime | None = None, scale: float = 1.0) -> None:
        self.rng = random.Random(seed + 2027)
        self.seed = seed
        self.now = now or timezone.now()
        self.scale = min(scale, 3.0)
        self.loader = loader_user()
        self.users = {
            u.username: u
            for u in get_user_model().objects.filter(
                username__in=["oncologue", "hematologue", "idec", "idel"]
            )
        }
        self.link_token = ""

    # --- governance -----------------------------------------------------------------------------
    def governance(self) -> None:
        oncologue = self.users.get("oncologue")
        clb = Organisation.objects.filter(short_name="CLB").first()
        stricter = TriageRuleSet.objects.filter(code="asco-organ-2021").order_by("-version").first()
        if oncologue is None or clb is None or stricter is None:
            return
        services.rule_set_validate(
            rule_set=stricter,
            actor=oncologue,
            note="Relu avec le comité des effets indésirables immuno-induits du centre.",
        )
        services.rule_set_activate(
            rule_set=stricter,
            organisation=clb,
            actor=oncologue,
            note="Expérimentation article 51 : politique renforcée colite, pneumopathie, hépatite.",
        )

    def on_call(self) -> None:
        start = self.now - dt.timedelta(hours=20)
        end = self.now + dt.timedelta(days=6)
        haematologist = Professional.objects.filter(user__username="hematologue").first()
        tours = Organisation.objects.filter(short_name="CHRU Tours").first()
        if haematologist and tours:
            OnCallShift.objects.create(
                organisation=tours,
                role=OnCallRole.CAR_T,
                professional=haematologist,
                starts_at=start,
                ends_at=end,
            )
        clb = Organisation.objects.filter(short_name="CLB").first()
        colleague = (
            Professional.objects.filter(memberships__organisation=clb, profession="physician")
            .exclude(user__username="oncologue")
            .order_by("last_name")
            .first()
            if clb
            else None
        )
        if clb and colleague:
            OnCallShift.objects.create(
                organisation=clb,
                role=OnCallRole.PHYSICIAN,
                professional=colleague,
                starts_at=start,
                ends_at=end,
            )

    # --- reports --------------------------------------------------------------------------------
    def _submit(
        self, patient: Patient, at: dt.datetime, observations: dict[str, Any], **kwargs: Any
    ) -> Report:
        return services.report_submit(
            patient=patient,
            observations=observations,
            submission_key=uuid.UUID(int=self.rng.getrandbits(128)),
            submitted_at=at,
            **kwargs,
        ).report

    def _close(self, alert: Alert, by: User, at: dt.datetime, resolve: bool = True) -> None:
        alert_acknowledge(alert=alert, actor=by, at=at, note="")
        if resolve:
            action, note = self.rng.choice(RESOLUTIONS)
            if alert.level in ("immediate", "emergency") and not note:
                action, note = "consultation", "Vue en consultation le jour même."
            alert_resolve(
                alert=alert,
                actor=by,
                action=action,
                note=note,
                at=at + dt.timedelta(minutes=self.rng.randint(5, 90)),
            )

    def home_immunotherapy(self) -> None:
        nurse = self.users.get("idec")
        instances = list(
            PathwayInstance.objects.filter(template__code="home-immunotherapy", status="active")
            .select_related("patient")
            .order_by("start_date")[: int(200 * self.scale)]
        )
        theirs = (
            set(
                CareTeamMember.objects.filter(professional__user=nurse).values_list(
                    "patient_id", flat=True
                )
            )
            if nurse
            else set()
        )
        instances.sort(key=lambda i: i.patient_id not in theirs)
        for index, instance in enumerate(instances):
            first = max(
                self.now - dt.timedelta(days=42),
                timezone.make_aware(dt.datetime.combine(instance.start_date, dt.time(9))),
            )
            silent = index % 10 == 9  # stopped reporting: a missing-report reminder
            last = self.now - dt.timedelta(days=self.rng.randint(8, 16) if silent else 0, hours=3)
            at = first
            reports: list[Report] = []
            while at < last:
                mild = self.rng.random() < 0.25
                observations = dict(self.rng.choice(MILD if mild else BENIGN))
                reports.append(
                    self._submit(
                        instance.patient,
                        at,
                        observations,
                        source=self.rng.choice(["patient", "patient", "caregiver"]),
                    )
                )
                at += dt.timedelta(days=self.rng.randint(3, 6), hours=self.rng.randint(-3, 3))
            closer = nurse or self.loader
            for report in reports:
                alert = getattr(report, "alert", None)
                if alert is not None:
                    self._close(alert, closer, report.submitted_at + dt.timedelta(hours=2))
            if index == 0 and nurse is not None:
                _link, self.link_token = services.access_link_create(
                    patient=instance.patient,
                    actor=nurse,
                    days=90,
                    label="Téléphone de la patiente (démo)",
                )
            elif not silent and index < len(LATEST) + 1:
                self._latest(instance.patient, LATEST[index - 1], index, closer)

    def _latest(
        self, patient: Patient, observations: dict[str, Any], index: int, closer: User
    ) -> None:
        hours_ago = [30, 9, 5, 26, 3, 50, 0.2, 7, 70][index - 1]
        at = self.now - dt.timedelta(hours=hours_ago)
        report = self._submit(patient, at, observations, source="patient")
        alert = getattr(report, "alert", None)
        if alert is not None and index in (4, 6):
            # Taken in charge, not yet resolved.
            alert_acknowledge(
                alert=alert,
                actor=closer,
                at=at + dt.timedelta(minutes=40),
                note="Patiente rappelée, surveillance rapprochée.",
            )

    def nurse_visits(self) -> None:
        idel = self.users.get("idel")
        if idel is None:
            return
        patients = Patient.objects.filter(care_team__professional__user=idel).distinct()[:8]
        for offset, patient in enumerate(patients):
            at = self.now - dt.timedelta(days=1 + offset % 4, hours=4)
            self._submit(
                patient,
                at,
                {"temperature_c": 37.1 + offset % 3 * 0.4, "fatigue": "relieved_by_rest"},
                source="nurse",
                reporter=idel,
                vitals={
                    "systolic_bp": 118 + offset,
                    "diastolic_bp": 74,
                    "heart_rate": 78,
                    "spo2": 97,
                    "weight_kg": 64.5 + offset,
                },
            )

    def car_t(self) -> None:
        haematologist = self.users.get("hematologue") or self.loader
        infusions = (
            ActivityInstance.objects.filter(
                template_activity="car-t-infusion",
                status="done",
                done_on__gte=self.now.date() - dt.timedelta(days=30),
            )
            .select_related("patient")
            .order_by("-done_on")
        )
        for rank, infusion in enumerate(infusions):
            assert infusion.done_on is not None
            day0 = timezone.make_aware(dt.datetime.combine(infusion.done_on, dt.time(10)))
            course = _car_t_course(rank)
            for day, hour, observations in course:
                at = day0 + dt.timedelta(days=day, hours=hour)
                if at >= self.now:
                    break
                report = self._submit(
                    infusion.patient,
                    at,
                    observations,
                    source="clinician",
                    reporter=haematologist,
                    treatments=("car_t",),
                    days_since_infusion=day,
                )
                alert = getattr(report, "alert", None)
                if alert is not None and at < self.now - dt.timedelta(hours=6):
                    self._close(alert, haematologist, at + dt.timedelta(minutes=20))

    def adverse_events(self) -> None:
        oncologue = self.users.get("oncologue")
        if oncologue is None:
            return
        paused = (
            PathwayInstance.objects.filter(template__code="home-immunotherapy", status="paused")
            .select_related("patient")
            .first()
        )
        today = self.now.date()
        if paused is not None:
            services.adverse_event_record(
                patient=paused.patient,
                actor=oncologue,
                term="colitis",
                grade=2,
                onset=today - dt.timedelta(days=8),
                attribution="immune_related",
                actions=["hold", "steroids"],
                outcome="resolving",
                note="Prednisone 1 mg/kg, décroissance sur 4 semaines.",
            )
        hepatitis = (
            PathwayInstance.objects.filter(template__code="home-immunotherapy", status="active")
            .select_related("patient")
            .order_by("-start_date")
            .first()
        )
        if hepatitis is not None:
            services.adverse_event_record(
                patient=hepatitis.patient,
                actor=oncologue,
                term="alanine_aminotransferase_increased",
                grade=3,
                onset=today - dt.timedelta(days=3),
                attribution="immune_related",
                actions=["hold", "steroids", "hospitalisation"],
                outcome="ongoing",
                note="ALAT à 7 × LSN ; hospitalisation pour corticothérapie IV.",
            )
        haematologist = self.users.get("hematologue")
        car_t = (
            ActivityInstance.objects.filter(template_activity="car-t-infusion", status="done")
            .select_related("patient")
            .order_by("-done_on")
            .first()
        )
        if car_t is not None and car_t.done_on and haematologist is not None:
            services.adverse_event_record(
                patient=car_t.patient,
                actor=haematologist,
                term="cytokine_release_syndrome",
                grade=2,
                onset=min(today, car_t.done_on + dt.timedelta(days=2)),
                attribution="treatment_other",
                actions=["hospitalisation"],
                outcome="resolved",
                note="Tocilizumab 8 mg/kg, une dose.",
            )

    def run(self) -> str:
        with transaction.atomic():
            self.governance()
            self.on_call()
            self.home_immunotherapy()
            self.nurse_visits()
            self.car_t()
            self.adverse_events()
            # The alerts of the past (the nurses' visit reports of the last days among them)
            # were taken in charge and closed in time: only the last day's are left open.
            AlertFollowUp(seed=self.seed, now=self.now, stream="monitoring").run()
            services.remind_missing_reports(today=self.now.date())
            # The worker would have escalated what nobody acknowledged in time.
            services.escalate_overdue_alerts(now=self.now - dt.timedelta(minutes=1))
        return self.link_token


def _car_t_course(rank: int) -> list[tuple[int, int, dict[str, Any]]]:
    """Clinician assessments twice a day for a week, then daily: a grade 1–2 CRS from day 1 to
    3; the second most recent patient also has a grade 1 ICANS on day 5."""
    normal_ice = {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 1}
    course: list[tuple[int, int, dict[str, Any]]] = []
    for day in range(15):
        for hour in (0, 10) if day < 7 else (0,):
            observations: dict[str, Any] = {
                "temperature_c": 37.0,
                "ice": normal_ice,
                "consciousness": "awake",
            }
            if day in (1, 2):
                observations["temperature_c"] = 38.6 if hour == 0 else 39.1
            if day == 3 and rank % 2 == 0:
                observations.update(
                    temperature_c=39.3,
                    hypotension="fluid_responsive",
                    oxygen="low_flow_nasal_cannula",
                )
            if day == 5 and rank == 1:
                observations["ice"] = {**normal_ice, "writing": 0, "attention": 0}
            course.append((day, hour, observations))
    return course
