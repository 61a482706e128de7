"""Demo pathways: patients in every template at varied stages, with history (activities done on
time or late, phase changes), some late activities, one pathway paused for toxicity, a few
ended, programme refusals, EFS programme patients with lab results."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import User
from oncoparcours.directory.models import Professional
from oncoparcours.pathways import services
from oncoparcours.pathways.models import (
    ActivityInstance,
    ActivityStatus,
    InstanceStatus,
    PathwayInstance,
    PathwayTemplate,
    PhaseStatus,
)
from oncoparcours.pathways.services.redating import redate
from oncoparcours.patients.models import CareTeamMember, Diagnosis, Patient

IMMUNOTHERAPY_SITES = ("C34", "C43", "C64", "C67", "C01", "C10", "C32")
FAST_TRACK_SITES = ("C34", "C71", "C25", "C45", "C15")


def indicated_products_for(patient: Patient) -> list[str]:
    """The CAR-T products whose label covers one of the patient's diagnoses (demo choices)."""
    from oncoparcours.celltherapy import catalogue

    today = timezone.localdate()
    born = patient.birth_date
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    codes = list(patient.diagnoses.values_list("icd10", flat=True))
    return [p.code for p in catalogue.indicated_products(codes, age)]


def loader_user() -> User:
    """The account that stands for the demo loader in the trail (cannot log in)."""
    UserModel = get_user_model()
    user, _created = UserModel.objects.get_or_create(
        username="demo-loader",
        defaults={
            "first_name": "Chargement",
            "last_name": "démo",
            "role": "administrator",
            "is_active": False,
        },
    )
    return user


class PathwayDemo:
    def __init__(self, *, seed: int, today: dt.date | None = None, scale: float = 1.0) -> None:
        self.rng = random.Random(seed + 1009)
        self.today = today or timezone.localdate()
        self.actor = loader_user()
        self.scale = scale
        self.templates = {t.code: t for t in PathwayTemplate.objects.filter(is_latest=True)}
        self.idel_patients = 0

    # --- selection ---------------------------------------------------------------------------
    def _patients(
        self, sites: tuple[str, ...], centre_short: tuple[str, ...], limit: int, prefer: str = ""
    ) -> list[Patient]:
        """Patients with these cancers at these centres (the demo login ``prefer``'s first)."""
        diagnoses = (
            Diagnosis.objects.filter(icd10__regex=r"^(" + "|".join(sites) + ")")
            .filter(
                patient__expert_centre__short_name__in=centre_short,
                patient__deceased_on__isnull=True,
            )
            .select_related("patient__expert_centre", "patient__proximity_centre")
            .order_by("patient__sort_name")
        )
        patients = []
        seen = set()
        for diagnosis in diagnoses:
            if (
                diagnosis.patient_id not in seen
                and not PathwayInstance.objects.filter(patient_id=diagnosis.patient_id).exists()
            ):
                seen.add(diagnosis.patient_id)
                patients.append(diagnosis.patient)
        self.rng.shuffle(patients)
        if prefer:
            theirs = set(
                CareTeamMember.objects.filter(professional__user__username=prefer).values_list(
                    "patient_id", flat=True
                )
            )
            patients.sort(key=lambda p: p.pk not in theirs)
        return patients[:limit]

    # --- history -----------------------------------------------------------------------------
    def _progress(
        self,
        instance: PathwayInstance,
        *,
        late_share: float = 0.15,
        open_share: float = 0.05,
        results: dict[str, list[float]] | None = None,
    ) -> None:
        """Play the pathway up to today: phases change at their planned end, past activities are
        done (mostly on time, some late), a few past ones are left open (they show as late)."""
        phases = list(instance.phases.order_by("order"))
        cursor = instance.start_date
        current = phases[0]
        for phase in phases:
            phase.started_on = cursor
            planned_end = phase.duration.apply(cursor)
            end = planned_end + dt.timedelta(days=self.rng.randint(0, 6))
            if not open_share and planned_end < self.today:
                # Nothing of the past left open: the phase ended by yesterday, so the next
                # phase's past activities are done too.
                end = min(end, self.today - dt.timedelta(days=1))
            if end < self.today and phase is not phases[-1]:
                phase.completed_on, phase.status = end, PhaseStatus.COMPLETED
                cursor = end
            else:
                phase.status, current = PhaseStatus.ACTIVE, phase
                break
        for phase in phases:
            if phase.order > current.order:
                phase.started_on, phase.status = None, PhaseStatus.PENDING
            phase.save(update_fields=["started_on", "completed_on", "status"])
        instance.current_phase = current
        instance.save(update_fields=["current_phase"])
        redate(instance, actor=self.actor, cause="demo history")
        activities = list(instance.activities.select_related("phase").order_by("due_date", "key"))
        changed = []
        series: dict[str, int] = {}
        for activity in activities:
            if activity.phase.order > current.order or activity.due_date >= self.today:
                continue
            roll = self.rng.random()
            if roll < open_share and activity.due_date > self.today - dt.timedelta(days=21):
                continue  # left open: shows as late
            delay = self.rng.randint(1, 9) if roll < open_share + late_share else 0
            activity.status = ActivityStatus.DONE
            activity.done_on = min(self.today, activity.due_date + dt.timedelta(days=delay))
            activity.done_by = self.actor
            if results and activity.template_activity in results:
                values = results[activity.template_activity]
                index = series.get(activity.template_activity, 0)
                series[activity.template_activity] = index + 1
                activity.result_value = Decimal(str(values[min(index, len(values) - 1)]))
                activity.result_unit = "µg/L"
            changed.append(activity)
        ActivityInstance.objects.bulk_update(
            changed, ["status", "done_on", "done_by", "result_value", "result_unit"], batch_size=500
        )
        redate(instance, actor=self.actor, cause="demo history")

    def _apply(
        self, code: str, patient: Patient, start: dt.date, **parameters: object
    ) -> PathwayInstance:
        return services.pathway_apply(
            template=self.templates[code],
            patient=patient,
            start=start,
            parameters=parameters,
            actor=self.actor,
        )

    def _assign_home_administrations(self, instance: PathwayInstance) -> None:
        nurse_member = (
            CareTeamMember.objects.filter(patient=instance.patient, role="liberal_nurse")
            .select_related("professional")
            .first()
        )
        if (
            nurse_member is None
            and instance.patient.departement in {"69", "01", "38"}
            and (
                self.idel_patients < 12
                and instance.current_phase
                and instance.current_phase.key != "sequence-1"
            )
        ):
            idel = Professional.objects.filter(user__username="idel").first()
            if idel is not None:
                nurse_member = CareTeamMember.objects.create(
                    patient=instance.patient,
                    professional=idel,
                    role="liberal_nurse",
                    start=instance.current_phase.started_on or self.today,
                )
                self.idel_patients += 1
        if nurse_member is None:
            return
        ActivityInstance.objects.filter(
            instance=instance,
            status=ActivityStatus.PLANNED,
            template_activity__in=[
                "home-administration-2",
                "home-administration-3",
                "education-workshop",
            ],
        ).update(assigned_to=nurse_member.professional)

    # --- programmes ----------------------------------------------------------------------------
    def home_immunotherapy(self) -> None:
        count = max(12, int(130 * self.scale))
        patients = self._patients(IMMUNOTHERAPY_SITES, ("CLB",), count + count // 15)
        programme_start = self.today - dt.timedelta(weeks=40)
        refusals = patients[count:]
        for index, patient in enumerate(patients[:count]):
            # About 4 to 5 inclusions a week since the programme started, recent ones denser.
            start = programme_start + dt.timedelta(days=int(index * 280 / max(count, 1)))
            start = min(start, self.today - dt.timedelta(days=1))
            instance = self._apply(
                "home-immunotherapy",
                patient,
                start,
                interval_weeks=self.rng.choice([2, 3, 3, 3, 4]),
            )
            self._progress(instance)
            self._assign_home_administrations(instance)
        for patient in refusals:
            services.pathway_refusal_record(
                patient=patient,
                template_code="home-immunotherapy",
                reason=self.rng.choice(
                    ["patient_declined", "home_not_suitable", "no_trained_nurse"]
                ),
                note="",
                actor=self.actor,
                recorded_on=self.today - dt.timedelta(days=self.rng.randint(1, 250)),
            )
        self._pause_one_for_toxicity()
        self._end_some("home-immunotherapy", 2)

    def _pause_one_for_toxicity(self) -> None:
        instance = (
            PathwayInstance.objects.filter(
                template__code="home-immunotherapy",
                status=InstanceStatus.ACTIVE,
                patient__care_team__professional__user__username="oncologue",
            )
            .order_by("start_date")
            .first()
        )
        if instance is None:
            return
        services.pathway_pause(
            instance=instance,
            actor=self.actor,
            reason="toxicity",
            note="Colite immuno-induite de grade 2 : traitement suspendu, corticothérapie",
        )
        PathwayInstance.objects.filter(pk=instance.pk).update(
            paused_on=self.today - dt.timedelta(days=6)
        )

    def _end_some(self, code: str, number: int) -> None:
        for instance in PathwayInstance.objects.filter(
            template__code=code, status=InstanceStatus.ACTIVE
        ).order_by("start_date")[:number]:
            services.pathway_end(
                instance=instance,
                actor=self.actor,
                reason="progression",
                note="Progression au bilan d'imagerie",
            )

    def fast_track(self) -> None:
        patients = self._patients(
            FAST_TRACK_SITES,
            ("Pitié-Salpêtrière", "Cochin", "CHRU Tours", "CHU Martinique", "HCL"),
            max(6, int(25 * self.scale)),
            prefer="neuro-oncologue",
        )
        for index, patient in enumerate(patients):
            start = self.today - dt.timedelta(days=self.rng.randint(2, 45))
            instance = self._apply("fast-track-diagnosis", patient, start)
            self._progress(instance, late_share=0.35, open_share=0.15 if index % 4 == 0 else 0.0)

    def efs_programmes(self) -> None:
        efs_user = get_user_model().objects.filter(username="efs").first()
        efs_physician = Professional.objects.filter(user=efs_user).first() if efs_user else None
        candidates = list(
            Patient.objects.filter(
                departement__in=["37", "41", "94", "75"], diagnoses__isnull=True
            )[:30]
        )
        if len(candidates) < 8:
            candidates = self._efs_patients(efs_physician, 12)
        half = len(candidates) // 2
        for patient in candidates[:half]:
            start = self.today - dt.timedelta(days=self.rng.randint(10, 300))
            instance = self._apply(
                "efs-red-cell-exchange", patient, start, interval_weeks=self.rng.choice([4, 5])
            )
            # The EFS's past sessions are done (some late): its day shows what is due today.
            self._progress(instance, late_share=0.1, open_share=0.0)
            self._efs_today(instance)
        ferritin = [820.0, 640.0, 470.0, 330.0, 210.0, 120.0, 70.0, 42.0, 38.0]
        for patient in candidates[half:]:
            start = self.today - dt.timedelta(days=self.rng.randint(20, 200))
            instance = self._apply(
                "efs-phlebotomy-haemochromatosis", patient, start, maintenance_interval_weeks=8
            )
            self._progress(
                instance,
                open_share=0.0,
                results={"ferritin": ferritin, "maintenance-ferritin": [45.0, 48.0, 40.0]},
            )
            self._efs_today(instance)

    def _efs_today(self, instance: PathwayInstance) -> None:
        """Today's sessions at times around now within the centre's day (08:00-18:00): those
        already past are done, the others are appointments still to come."""
        now = timezone.localtime()
        opens = now.replace(hour=8, minute=0, second=0, microsecond=0)
        closes = now.replace(hour=18)
        first = max(opens, now - dt.timedelta(hours=3))
        last = min(closes, now + dt.timedelta(hours=3))
        if first >= last:
            first, last = opens, closes
        for activity in instance.activities.filter(
            status=ActivityStatus.PLANNED, due_date=self.today
        ):
            minutes = self.rng.randint(0, int((last - first).total_seconds() // 60))
            when = (first + dt.timedelta(minutes=minutes)).replace(second=0, microsecond=0)
            try:
                if when < now:
                    services.activity_transition(
                        activity=activity, to=ActivityStatus.DONE, actor=self.actor, on=self.today
                    )
                else:
                    services.activity_schedule(activity=activity, when=when, actor=self.actor)
            except ApplicationError:
                continue  # waits for an earlier activity: it keeps its day

    def _efs_patients(self, efs_physician: Professional | None, number: int) -> list[Patient]:
        """Patients followed at EFS care centres for non-cancer conditions (sickle-cell disease,
        haemochromatosis): records without a cancer diagnosis, in the EFS physician's team."""
        from .generator import Generator

        generator = Generator(seed=self.rng.randint(0, 10**6), patients=0, today=self.today)
        created = []
        for index in range(number):
            sex, first, last = generator.person()
            birth = self.today - dt.timedelta(
                days=365 * self.rng.randint(22, 70) + self.rng.randint(0, 364)
            )
            dept = "37" if index % 2 else "94"
            # Names of their generation from the patients' list (the generator's own stream).
            first = generator.people.first_name(sex, birth.year)
            last = generator.people.last_name("efs", dept)
            patient = Patient(
                birth_last_name=last,
                first_names=first,
                birth_date=birth,
                sex=sex,
                departement=dept,
                ins=generator.ins(sex, birth, dept),
            )
            patient.save()
            if efs_physician is not None:
                CareTeamMember.objects.create(
                    patient=patient,
                    professional=efs_physician,
                    role="efs_physician",
                    is_lead=True,
                    start=self.today - dt.timedelta(days=400),
                )
            created.append(patient)
        return created

    def run(self) -> None:
        with transaction.atomic():
            self.home_immunotherapy()
            self.fast_track()
            self.efs_programmes()
