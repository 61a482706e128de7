"""The chairs demo step: a centre with chairs for the `idec` login, today's plan published."""

from __future__ import annotations

import datetime as dt

import pytest

from oncoparcours.celltherapy.models import Machine
from oncoparcours.demo.chairs import ChairsDemo
from oncoparcours.directory.models import OrganisationMembership
from oncoparcours.planning.models import ChairPlan, PlanStatus, Resource
from oncoparcours.testing.factories import OrganisationFactory, ProfessionalFactory


@pytest.mark.django_db
def test_chairs_demo_publishes_todays_plan() -> None:
    idec = ProfessionalFactory(user__username="idec", user__role="coordination_nurse")
    organisation = OrganisationFactory(name="Centre Léon Bérard")
    OrganisationMembership.objects.create(
        professional=idec, organisation=organisation, start=dt.date(2024, 1, 1)
    )
    ChairsDemo(seed=42).run()
    plan = ChairPlan.objects.get()
    assert plan.status == PlanStatus.PUBLISHED and plan.centre.organisation == organisation
    assert 10 <= Resource.objects.filter(centre=plan.centre).count() <= 14
    ChairsDemo(seed=42).run()  # again: a new version, no new chairs
    assert ChairPlan.objects.count() == 2


@pytest.mark.django_db
def test_the_directors_hospital_has_its_day_hospital_too() -> None:
    """Cold pass: the directeur's menu offered /fauteuils/ but no centre of theirs had chairs."""
    director = ProfessionalFactory(user__username="directeur", user__role="centre_manager")
    hospital = OrganisationFactory(name="CHRU de Tours")
    OrganisationMembership.objects.create(
        professional=director, organisation=hospital, start=dt.date(2024, 1, 1)
    )
    ChairsDemo(seed=42).run()
    plan = ChairPlan.objects.get(centre__organisation=hospital)
    assert plan.status == PlanStatus.PUBLISHED
    assert Resource.objects.filter(centre=plan.centre, kind="chair").count() >= 10


@pytest.mark.django_db
def test_the_efs_centres_planned_machines_are_linked_to_its_machines() -> None:
    efs = ProfessionalFactory(user__username="efs", user__role="efs_staff")
    centre = OrganisationFactory(name="EFS Centre-Val de Loire", kind="efs_care_centre")
    OrganisationMembership.objects.create(
        professional=efs, organisation=centre, start=dt.date(2024, 1, 1)
    )
    machines = [
        Machine.objects.create(centre=centre, name=name, kind=kind)
        for name, kind in (("Spectra Optia 1", "apheresis"), ("Fauteuil saignée 1", "chair"))
    ]
    ChairsDemo(seed=42).run()
    for machine in machines:
        machine.refresh_from_db()
        assert machine.resource is not None and machine.resource.name == machine.name
        assert machine.resource.centre.organisation == centre
