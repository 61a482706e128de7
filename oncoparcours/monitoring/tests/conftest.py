"""Home follow-up fixtures: a patient of the Centre Léon Bérard with an oncologist (the shared
``clinician``) and a coordination nurse in the care team."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone

from oncoparcours.monitoring.services import access_link_create, report_submit
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    ProfessionalFactory,
    UserFactory,
)


@pytest.fixture
def nurse(db, organisation):
    return ProfessionalFactory(
        organisation=organisation,
        first_name="Sophie",
        last_name="Renaud",
        profession="nurse",
        specialty="coordination_nursing",
        user=UserFactory(role="coordination_nurse"),
    )


@pytest.fixture
def patient(db, clinician, nurse, organisation):
    from oncoparcours.testing.factories import PatientFactory

    patient = PatientFactory(
        birth_last_name="Moreau",
        first_names="Jeanne",
        expert_centre=organisation,
        phone="0600000000",
    )
    CareTeamMemberFactory(patient=patient, professional=clinician, is_lead=True)
    CareTeamMemberFactory(
        patient=patient, professional=nurse, is_lead=False, role="coordination_nurse"
    )
    return patient


@pytest.fixture
def nurse_client(client, nurse):
    client.force_login(nurse.user)
    return client


@pytest.fixture
def submit(patient):
    """Submit a report for the patient (a fresh submission key unless given)."""

    def _submit(observations: dict[str, Any], **kwargs: Any):
        kwargs.setdefault("source", "patient")
        kwargs.setdefault("submission_key", uuid.uuid4())
        treatment = kwargs.pop("treatment", "immune_checkpoint_inhibitor")
        kwargs.setdefault("treatments", (treatment,))
        return report_submit(
            patient=kwargs.pop("patient", patient), observations=observations, **kwargs
        )

    return _submit


@pytest.fixture
def link_token(patient, nurse):
    _link, token = access_link_create(patient=patient, actor=nurse.user, days=30)
    return token


def later(minutes: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)
