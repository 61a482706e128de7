"""Demo nurse tours (issue 18): four liberal nurses (the `idel` login and three colleagues of the
Rhône) living around the `idec` login's centre, two of them trained for home immunotherapy, and
today's tours of the `idec`'s patients built and published. Appended last, with its own random."""

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
from oncoparcours.planning import services
from oncoparcours.planning.models import TourNurse

IMMUNOTHERAPY = "immunotherapy_initiation"
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
            TourNurse.objects.get_or_create(
                professional=nurse,
                defaults={
                    "home_latitude": round(centre[0] + self.rng.uniform(-0.05, 0.05), 5),
                    "home_longitude": round(centre[1] + self.rng.uniform(-0.07, 0.07), 5),
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
