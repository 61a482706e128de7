"""A standard digestive board at the Centre Léon Bérard: the chair (the shared ``clinician``,
medical oncology), a digestive surgeon, a radiotherapist and a radiologist; a colon-cancer
patient whose record holds the whole minimal dataset; the next session planned."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from oncoparcours.boards.models import Board, BoardMember, Session
from oncoparcours.boards.services.cases import case_submit
from oncoparcours.patients.models import PerformanceStatus, Staging
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    DiagnosisFactory,
    PatientFactory,
    ProfessionalFactory,
)


@pytest.fixture
def board(db, organisation, clinician):
    board = Board.objects.create(
        name="RCP digestive CLB",
        short_name="RCP digestive",
        kind="standard",
        icd10_ranges=[["C15", "C26"]],
        start_time=dt.time(8, 0),
        weekday=1,
        every_weeks=1,
        capacity=3,
        minutes_per_case=10,
        duration_minutes=60,
    )
    board.organisers.add(organisation)
    BoardMember.objects.create(
        board=board, professional=clinician, specialties=["medical_oncology"], is_chair=True
    )
    return board


@pytest.fixture
def specialists(board, organisation) -> dict[str, Any]:
    people = {}
    for key, specialty in [
        ("surgeon", "digestive_surgery"),
        ("radiotherapist", "radiotherapy"),
        ("radiologist", "radiology"),
    ]:
        professional = ProfessionalFactory(
            organisation=organisation, specialty=specialty, last_name=key.capitalize()
        )
        BoardMember.objects.create(board=board, professional=professional, specialties=[specialty])
        people[key] = professional
    return people


@pytest.fixture
def session(board):
    return Session.objects.create(
        board=board,
        starts_at=timezone.now() + dt.timedelta(days=7),
        duration_minutes=60,
        capacity=3,
        chair=board.members.get(is_chair=True).professional,
    )


@pytest.fixture
def patient(db, clinician, organisation):
    patient = PatientFactory(
        birth_last_name="Moreau", first_names="Jeanne", expert_centre=organisation
    )
    CareTeamMemberFactory(patient=patient, professional=clinician, is_lead=True)
    return patient


def complete_diagnosis(patient, icd10: str = "C18.7", morphology: str = "8140/3"):
    """A diagnosis whose record holds the whole minimal dataset (staging when TNM applies,
    a recent performance status)."""
    diagnosis = DiagnosisFactory(
        patient=patient,
        icd10=icd10,
        icdo3_morphology=morphology,
        diagnosed_on=timezone.localdate() - dt.timedelta(days=20),
    )
    Staging.objects.create(
        diagnosis=diagnosis,
        kind="clinical",
        t="T3",
        n="N1",
        m="M0",
        stage_group="III",
        staged_on=timezone.localdate() - dt.timedelta(days=10),
    )
    PerformanceStatus.objects.create(
        patient=patient, value=1, recorded_on=timezone.localdate() - dt.timedelta(days=5)
    )
    return diagnosis


def patient_of(clinician, organisation, icd10: str = "C18.7", morphology: str = "8140/3"):
    """Another patient of ``clinician`` with a complete record: (patient, diagnosis)."""
    patient = PatientFactory(expert_centre=organisation)
    CareTeamMemberFactory(patient=patient, professional=clinician, is_lead=True)
    return patient, complete_diagnosis(patient, icd10, morphology)


@pytest.fixture
def diagnosis(patient):
    return complete_diagnosis(patient)


@pytest.fixture
def complete_case(patient, diagnosis, board, clinician):
    return case_submit(
        actor=clinician.user,
        patient=patient,
        board=board,
        diagnosis=diagnosis,
        question="Chirurgie d'emblée ou chimiothérapie néoadjuvante ?",
        context="new_diagnosis",
        informed_today=True,
    )


def network_with_expert_centre(code: str, scope, centre=None, *, kind="inca_excellence"):
    """A network over ``scope`` whose expert centre is ``centre`` (a new CHU by default)."""
    from oncoparcours.directory.models import Network, NetworkMembership
    from oncoparcours.testing.factories import OrganisationFactory

    network = Network.objects.create(
        code=code, name=f"Réseau {code}", kind=kind, icd10_ranges=scope
    )
    centre = centre or OrganisationFactory(name="Centre expert", kind="chu")
    NetworkMembership.objects.create(network=network, organisation=centre, role="expert")
    return network


@pytest.fixture
def poor_prognosis_network(diagnosis):
    """The colon cancer flagged poor prognosis, and a network covering it with one expert
    centre."""
    diagnosis.poor_prognosis = True
    diagnosis.save(update_fields=["poor_prognosis"])
    return network_with_expert_centre("TEST-NET", [["C15", "C26"]])


def client_for(professional) -> Client:
    client = Client()
    client.force_login(professional.user)
    return client
