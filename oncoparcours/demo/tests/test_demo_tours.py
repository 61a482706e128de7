"""The tours demo step: the `idel` login has a published tour with visits today, the nurses
living where the `idec`'s home visits are (Valence, Grenoble: 80 to 150 km from Lyon), trained
for the visits that need it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from oncoparcours.demo.tours import ToursDemo
from oncoparcours.directory.models import OrganisationMembership
from oncoparcours.planning.models import PlanStatus, TourPlan, TourVisit
from oncoparcours.planning.tests.conftest import IMMUNO, home_activity
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    OrganisationFactory,
    PatientFactory,
    ProfessionalFactory,
)

VALENCE = (44.933, 4.892)
GRENOBLE = (45.188, 5.724)


def _nurse(username: str | None, organisation):
    nurse = ProfessionalFactory(
        profession="nurse",
        specialty="liberal_nursing",
        **({"user__username": username} if username else {}),
        user__role="liberal_nurse",
    )
    OrganisationMembership.objects.create(
        professional=nurse, organisation=organisation, start=dt.date(2024, 1, 1)
    )
    return nurse


@pytest.mark.django_db
def test_the_idel_login_has_a_published_tour_with_visits_today() -> None:
    today = timezone.localdate()
    lyon = OrganisationFactory(name="Centre Léon Bérard", departement="69")
    idec = ProfessionalFactory(
        user__username="idec",
        user__role="coordination_nurse",
        profession="nurse",
        specialty="coordination_nursing",
    )
    OrganisationMembership.objects.create(
        professional=idec, organisation=lyon, start=dt.date(2024, 1, 1)
    )
    cabinet = OrganisationFactory(name="Cabinet infirmier", departement="69")
    _nurse("idel", cabinet)
    for _ in range(3):
        _nurse(None, cabinet)
    places = [VALENCE] * 4 + [GRENOBLE] * 2
    for index, (lat, lon) in enumerate(places):
        patient = PatientFactory(latitude=lat + index * 0.005, longitude=lon, city="Valence")
        CareTeamMemberFactory(
            patient=patient, professional=idec, role="coordination_nurse", is_lead=False
        )
        kind = "treatment_administration" if index in (0, 4) else "lab_test"
        home_activity(
            patient, idec.user, today, kind, [IMMUNO] if index in (0, 4) else [], key=f"k{index}"
        )
    ToursDemo(seed=42).run()
    plan = TourPlan.objects.get(day=today)
    assert plan.status == PlanStatus.PUBLISHED
    assert not plan.unassigned.exists()
    visits = TourVisit.objects.filter(
        tour__plan=plan, tour__nurse__professional__user__username="idel"
    )
    assert visits.count() == 4  # the largest group (Valence)
    assert TourVisit.objects.filter(tour__plan=plan).count() == 6
