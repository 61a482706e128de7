"""A day of home visits: a coordination nurse's patients around Lyon with liberal-nurse activities
(blood draws, home immunotherapy needing the Article 51 training, nurse visits), and four tour
nurses, two of them trained."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import pytest
from django.utils import timezone

from oncoparcours.directory.models import ProfessionalQualification, QualificationType
from oncoparcours.pathways.models import (
    ActivityInstance,
    PathwayInstance,
    PathwayTemplate,
    PhaseInstance,
)
from oncoparcours.planning.models import TourNurse
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    PatientFactory,
    ProfessionalFactory,
)

IMMUNO = "immunotherapy_initiation"
CENTRE = (45.742, 4.881)


@dataclass
class Day:
    day: dt.date
    coordinator: object
    nurses: list[TourNurse]
    activities: list[ActivityInstance]


def train(professional, code: str) -> None:
    ProfessionalQualification.objects.create(
        professional=professional,
        qualification=QualificationType.objects.get(code=code),
        obtained_on=dt.date(2025, 1, 1),
    )


def home_activity(patient, coordinator_user, day, kind, qualifications=(), key="a"):
    template = PathwayTemplate.objects.get(code="home-immunotherapy", is_latest=True)
    instance = PathwayInstance.objects.create(
        patient=patient,
        template=template,
        start_date=day - dt.timedelta(days=200),
        created_by=coordinator_user,
    )
    phase = PhaseInstance.objects.create(
        instance=instance,
        key="sequence-2",
        order=2,
        title_fr="S2",
        title_en="S2",
        planned_start=day - dt.timedelta(days=20),
        planned_end=day + dt.timedelta(days=100),
        responsible_role="coordination_nurse",
    )
    titles = {
        "lab_test": ("Prise de sang à domicile", "Home blood draw"),
        "treatment_administration": ("Administration à domicile", "Home administration"),
        "nurse_home_visit": ("Visite infirmière", "Nurse visit"),
    }
    return ActivityInstance.objects.create(
        instance=instance,
        phase=phase,
        patient=patient,
        key=key,
        template_activity=key,
        title_fr=titles[kind][0],
        title_en=titles[kind][1],
        kind=kind,
        place="home",
        responsible_role="coordination_nurse",
        performer_role="liberal_nurse",
        qualifications=list(qualifications),
        anchor_kind="phase_start",
        due_date=day,
        day=day,
        planned_date=day,
    )


def make_day(visits: int = 12, seed: int = 7, offset_days: int = 1) -> Day:
    rng = random.Random(seed)
    day = timezone.localdate() + dt.timedelta(days=offset_days)
    coordinator = ProfessionalFactory(
        profession="nurse", specialty="coordination_nursing", user__role="coordination_nurse"
    )

    def near() -> tuple[float, float]:
        return CENTRE[0] + rng.uniform(-0.05, 0.05), CENTRE[1] + rng.uniform(-0.07, 0.07)

    nurses = []
    for i in range(4):
        professional = ProfessionalFactory(
            profession="nurse",
            specialty="liberal_nursing",
            first_name=f"Idel{i}",
            last_name=f"Nurse{i}",
            user__role="liberal_nurse",
        )
        if i < 2:
            train(professional, IMMUNO)
        home = near()
        nurses.append(
            TourNurse.objects.create(
                professional=professional,
                home_latitude=home[0],
                home_longitude=home[1],
                shift_start=7 * 60,
                shift_end=15 * 60,
                lunch_minutes=30,
            )
        )
    activities = []
    kinds = ["lab_test", "treatment_administration", "nurse_home_visit"]
    for i in range(visits):
        place = near()
        patient = PatientFactory(latitude=place[0], longitude=place[1], city="Lyon")
        CareTeamMemberFactory(
            patient=patient, professional=coordinator, role="coordination_nurse", is_lead=False
        )
        kind = kinds[i % 3]
        quals = [IMMUNO] if kind == "treatment_administration" else []
        activities.append(home_activity(patient, coordinator.user, day, kind, quals, key=f"k{i}"))
    return Day(day, coordinator, nurses, activities)


@pytest.fixture
def tour_day(db) -> Day:
    return make_day()
