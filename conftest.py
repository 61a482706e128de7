"""Shared pytest fixtures."""

from __future__ import annotations

import base64

import pytest
from hypothesis import settings as hypothesis_settings

from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    OrganisationFactory,
    PatientFactory,
    ProfessionalFactory,
)

# Property tests judge answers, not speed: on a shared CI machine a slow example is not a bug.
hypothesis_settings.register_profile("oncoparcours", deadline=None)
hypothesis_settings.load_profile("oncoparcours")


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


TEST_LEDGER_KEYS = "t1:" + base64.b64encode(b"test-ledger-key-".ljust(32, b"0")).decode()


@pytest.fixture(autouse=True)
def _ledger_keys(settings, tmp_path_factory):
    """A fixed ledger key (never the developer's var/ledger-keys), a throw-away anchor file, and
    audit rows sealed as soon as they are written."""
    settings.LEDGER_KEYS = TEST_LEDGER_KEYS
    settings.LEDGER_KEY_FILE = ""
    settings.LEDGER_ANCHOR_FILE = str(tmp_path_factory.mktemp("anchors") / "anchors.jsonl")
    settings.LEDGER_SEAL_GRACE_SECONDS = 0


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
