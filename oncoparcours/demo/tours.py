"""Demo nurse tours (issue 18): four liberal nurses (the `idel` login and three colleagues of the
Rhône), two of them trained for home immunotherapy, and today's tours of the `idec`'s patients
built and published. Appended last, with its own random.

The nurses live where today's home visits are (the `idec`'s patients live across the region,
80 to 150 km from Lyon): the `idel` login near the largest group of visits, each colleague near
the next group, the others around the `idec`'s centre; each nurse holds the trainings the visits
of her group need. Same random draws as before (the offsets around the home's place)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from oncoparcours.core.models import User
from oncoparcours.directory.models import (
    OrganisationMembership,
    Professional,
    ProfessionalQualification,
    QualificationType,
)
from oncoparcours.directory.rules.geo import distance_km
from oncoparcours.planning import services
from oncoparcours.planning.models import TourNurse

IMMUNOTHERAPY = "immunotherapy_initiation"
# Visits closer than this to a group's first visit are done by the same nurse.
GROUP_RADIUS_KM = 25.0
SHIFTS = [(7 * 60, 15 * 60), (7 * 60 + 30, 15 * 60 + 30), (7 * 60, 14 * 60), (8 * 60, 16 * 60)]


class ToursDemo:
    def __init__(self, *, seed: int) -> None:
        self.rng = random.Random(f"{seed}-tours")

    @transaction.atomic
    def run(self) -> None:
        idec = User.objects.filter(username="idec").first()
        idel = Professional.objects.filter(user__username="idel").first()
        if idec is None or idel is None:
            return
        centre = self._centre(idec)
        groups = _visit_groups(services.day_activities(actor=idec, day=timezone.localdate()))
        colleagues = list(
            Professional.objects.filter(
                specialty="liberal_nursing",
                memberships__organisation__departement="69",
                is_active=True,
            )
            .exclude(pk=idel.pk)
            .distinct()
            .order_by("last_name", "first_name", "rpps")[:3]
        )
        for index, nurse in enumerate([idel, *colleagues]):
            if (
                index == 1
                and not ProfessionalQualification.objects.filter(
                    professional=nurse, qualification__code=IMMUNOTHERAPY
                ).exists()
            ):
                ProfessionalQualification.objects.create(
                    professional=nurse,
                    qualification=QualificationType.objects.get(code=IMMUNOTHERAPY),
                    obtained_on=timezone.localdate() - dt.timedelta(days=400),
                    issuer="Centre Léon Bérard",
                )
            start, end = SHIFTS[index % len(SHIFTS)]
            home = groups[index].place if index < len(groups) else centre
            if index < len(groups):
                _qualify(nurse, groups[index].qualifications)
            TourNurse.objects.get_or_create(
                professional=nurse,
                defaults={
                    "home_latitude": round(home[0] + self.rng.uniform(-0.05, 0.05), 5),
                    "home_longitude": round(home[1] + self.rng.uniform(-0.07, 0.07), 5),
                    "shift_start": start,
                    "shift_end": end,
                    "lunch_minutes": 30,
                },
            )
        plan = services.plan_build(actor=idec, day=timezone.localdate(), seed=1)
        services.plan_publish(actor=idec, plan=plan)

    def _centre(self, user: User) -> tuple[float, float]:
        membership = (
            OrganisationMembership.objects.filter(professional__user=user)
            .select_related("organisation")
            .first()
        )
        if membership is None:
            return 45.742, 4.881  # Centre Léon Bérard, Lyon 8e
        return membership.organisation.position


class _Group:
    """Home visits close to one another: where they are (the first visit's place), how many, and
    the trainings they need."""

    def __init__(self, place: tuple[float, float]) -> None:
        self.place = place
        self.size = 0
        self.qualifications: set[str] = set()


def _visit_groups(activities: list) -> list[_Group]:
    """Today's home visits grouped by place, the largest group first (deterministic)."""
    groups: list[_Group] = []
    for activity in sorted(activities, key=lambda a: str(a.pk)):
        patient = activity.patient
        if patient.latitude is None or patient.longitude is None:
            continue
        place = (patient.latitude, patient.longitude)
        group = next((g for g in groups if distance_km(*g.place, *place) <= GROUP_RADIUS_KM), None)
        if group is None:
            group = _Group(place)
            groups.append(group)
        group.size += 1
        group.qualifications.update(activity.qualifications or [])
    return sorted(groups, key=lambda g: (-g.size, g.place))


def _qualify(nurse: Professional, codes: set[str]) -> None:
    """The trainings the nurse's visits need, obtained more than a year ago (no random draw)."""
    held = {
        row.qualification.code
        for row in ProfessionalQualification.objects.filter(professional=nurse).select_related(
            "qualification"
        )
        if row.is_valid_on()
    }
    for code in sorted(codes - held):
        qualification = QualificationType.objects.filter(code=code).first()
        if qualification is None:
            continue
        ProfessionalQualification.objects.create(
            professional=nurse,
            qualification=qualification,
            obtained_on=timezone.localdate() - dt.timedelta(days=400),
            issuer="Centre Léon Bérard",
        )
