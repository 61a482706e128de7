"""Shared pytest fixtures."""

from __future__ import annotations

import pytest

from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    OrganisationFactory,
    PatientFactory,
    ProfessionalFactory,
)


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path_factory):
    """Uploaded and generated documents go to a throw-away directory."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Centre Léon Bérard", kind="clcc")


@pytest.fixture
def clinician(db, organisation):
    return ProfessionalFactory(organisation=organisation, first_name="Hélène", last_name="Vasseur")


@pytest.fixture
def outsider(db, organisation):
    return ProfessionalFactory(organisation=organisation, first_name="Paul", last_name="Extérieur")


@pytest.fixture
def patient(db, clinician):
    patient = PatientFactory(birth_last_name="Moreau", first_names="Jeanne")
    CareTeamMemberFactory(patient=patient, professional=clinician, is_lead=True)
    return patient


@pytest.fixture
def clinician_client(client, clinician):
    client.force_login(clinician.user)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider.user)
    return client
