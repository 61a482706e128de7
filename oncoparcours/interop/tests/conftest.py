"""A professional and their logged-in client, shared by the FHIR API tests."""

import datetime as dt

import pytest
from django.test import Client

from oncoparcours.directory.models import OrganisationMembership
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    OrganisationFactory,
    PatientFactory,
    ProfessionalFactory,
)


@pytest.fixture
def doctor():
    return ProfessionalFactory()


@pytest.fixture
def staff(doctor):
    client = Client()
    client.force_login(doctor.user)
    return client


@pytest.fixture
def lyon():
    return OrganisationFactory()


@pytest.fixture
def lyon_patient(lyon):
    doctor = ProfessionalFactory()
    OrganisationMembership.objects.create(
        professional=doctor, organisation=lyon, start=dt.date(2020, 1, 1)
    )
    patient = PatientFactory(birth_last_name="LYONNAISE")
    CareTeamMemberFactory(patient=patient, professional=doctor)
    return patient
