"""Oppositions honoured by exports: the pure rule (table of cases on both sides of the day an
opposition is recorded), the SQL query agreeing with it on random histories, the consent form
and the patient page."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from oncoparcours.core.errors import ApplicationError
from oncoparcours.patients import services
from oncoparcours.patients.consent import excluded_patient_ids, facts, purposes
from oncoparcours.patients.models import ConsentRecord
from oncoparcours.patients.rules.consent import (
    PURPOSES,
    ConsentFact,
    decision_in_force,
    excluded_for,
    is_excluded,
)
from oncoparcours.testing.factories import CareTeamMemberFactory, PatientFactory, UserFactory

D = dt.date(2026, 5, 10)
NOON = dt.datetime(2026, 5, 10, 12, tzinfo=dt.UTC)


def fact(scope, decision, day, entered=0, kind="data_sharing"):
    return ConsentFact(kind, scope, decision, day, (NOON + dt.timedelta(days=entered), entered))


OPP, NON = "opposition", "non_opposition"


@pytest.mark.parametrize(
    ("facts", "purposes_", "on", "excluded"),
    [
        # Nothing recorded: included.
        ([], ["research"], D, False),
        # Opposition recorded on D: excluded from D on, not the day before.
        ([fact("research", OPP, D)], ["research"], D, True),
        ([fact("research", OPP, D)], ["research"], D - dt.timedelta(days=1), False),
        ([fact("research", OPP, D)], ["research"], D + dt.timedelta(days=400), True),
        # A later non-opposition lifts it from its own date only.
        (
            [fact("research", OPP, D), fact("research", NON, D + dt.timedelta(days=30), 1)],
            ["research"],
            D + dt.timedelta(days=29),
            True,
        ),
        (
            [fact("research", OPP, D), fact("research", NON, D + dt.timedelta(days=30), 1)],
            ["research"],
            D + dt.timedelta(days=30),
            False,
        ),
        # Same day: the later entry holds.
        ([fact("research", NON, D, 0), fact("research", OPP, D, 1)], ["research"], D, True),
        ([fact("research", OPP, D, 0), fact("research", NON, D, 1)], ["research"], D, False),
        # An old paper form entered late does not override a more recent decision.
        (
            [fact("research", OPP, D, 0), fact("research", NON, D - dt.timedelta(days=20), 5)],
            ["research"],
            D,
            True,
        ),
        # Each purpose has its own decision; an export serving several excludes on any.
        ([fact("research", OPP, D)], ["evaluation"], D, False),
        ([fact("research", OPP, D)], ["evaluation", "research"], D, True),
        ([fact("registry", OPP, D), fact("network", NON, D)], ["network"], D, False),
        # The care team scope and the tumour-board information are not export purposes.
        ([fact("care_team", OPP, D)], list(PURPOSES), D, False),
        ([fact("research", OPP, D, kind="rcp_information")], ["research"], D, False),
    ],
)
def test_exclusion_rule(facts, purposes_, on, excluded):
    assert is_excluded(facts, purposes=purposes_, on=on) is excluded


def test_excluded_for_lists_the_purposes_and_refuses_unknown_ones():
    facts = [fact("evaluation", OPP, D), fact("research", OPP, D)]
    assert excluded_for(facts, purposes=PURPOSES, on=D) == ("research", "evaluation")
    assert decision_in_force(facts, purpose="network", on=D) is None
    with pytest.raises(ValueError, match="unknown export purpose"):
        excluded_for(facts, purposes=["care_team"], on=D)


def test_every_purpose_has_a_legal_basis():
    described = purposes()
    assert set(described) == set(PURPOSES)
    assert all("art." in p.legal_basis for p in described.values())
    assert "L.1110-4" in described["network"].legal_basis
    assert "RGPD art. 21" in described["research"].legal_basis


@pytest.mark.django_db
def test_the_sql_query_agrees_with_the_rule_on_random_histories():
    recorder = UserFactory()
    rng = random.Random(12)
    patients = [PatientFactory() for _ in range(40)]
    start = D - dt.timedelta(days=60)
    for patient in patients:
        for index in range(rng.randint(0, 5)):
            ConsentRecord.objects.create(
                patient=patient,
                kind=rng.choice(["data_sharing", "data_sharing", "rcp_information"]),
                scope=rng.choice([*PURPOSES, "care_team"]),
                decision=rng.choice([OPP, NON]),
                recorded_on=start + dt.timedelta(days=rng.randint(0, 60)),
                recorded_at=NOON + dt.timedelta(minutes=rng.randint(0, 3) * 10 + index),
                recorded_by=recorder,
            )
    by_patient = {p.pk: list(p.consents.all()) for p in patients}
    compared = 0
    for day in (start, start + dt.timedelta(days=20), D - dt.timedelta(days=10), D):
        for chosen in (["research"], ["evaluation"], ["registry", "network"], list(PURPOSES)):
            expected = {
                pk
                for pk, records in by_patient.items()
                if is_excluded(facts(records), purposes=chosen, on=day)
            }
            assert set(excluded_patient_ids(purposes=chosen, on=day)) == expected, (day, chosen)
            compared += len(expected)
    assert compared > 20  # the histories did exclude patients


@pytest.mark.django_db
def test_tumour_board_information_is_for_the_care_team(clinician):
    patient = PatientFactory()
    CareTeamMemberFactory(patient=patient, professional=clinician)  # who may record it
    with pytest.raises(ApplicationError) as error:
        services.consent_record(
            actor=clinician.user,
            patient=patient,
            kind="rcp_information",
            scope="research",
            decision=NON,
            recorded_on=timezone.localdate(),
        )
    assert "scope" in error.value.errors
    assert not ConsentRecord.objects.exists()


@pytest.mark.django_db
def test_staff_record_an_opposition_with_french_labels_and_the_record_says_so(client, clinician):
    patient = PatientFactory()
    CareTeamMemberFactory(patient=patient, professional=clinician)
    client.force_login(clinician.user)
    url = reverse("patients:consent_create", args=[patient.pk])
    form = client.get(url).content.decode()
    for label in (
        "Réutilisation des données pour la recherche",
        "Transmission à un registre des cancers",
        "Évaluation et pilotage",
        "Partage avec un réseau",
        "S’oppose",
        "RGPD art. 21",
    ):
        assert label in form, label
    assert "<legend>Finalité" in form  # radio buttons grouped in a fieldset
    response = client.post(
        url,
        {
            "kind": "data_sharing",
            "scope": "research",
            "decision": OPP,
            "recorded_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    page = client.get(patient.get_absolute_url()).content.decode()
    assert "Exclusion de toute exportation pour :" in page
    assert "Réutilisation des données pour la recherche" in page
    assert list(excluded_patient_ids(purposes=["research"])) == [patient.pk]
