"""A professional and their logged-in client, shared by the FHIR API tests."""

import pytest
from django.test import Client

from oncoparcours.testing.factories import ProfessionalFactory


@pytest.fixture
def doctor():
    return ProfessionalFactory()


@pytest.fixture
def staff(doctor):
    client = Client()
    client.force_login(doctor.user)
    return client
