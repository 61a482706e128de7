"""Near-home share: "treated near home" as the board's kind defines it (overseas boards: not
transferred to mainland France), with the seed's 85 % of 250 reproduced from decisions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from oncoparcours.boards.models import Board
from oncoparcours.boards.rules import statistics
from oncoparcours.boards.selectors import board_statistics
from oncoparcours.boards.templatetags.boards import percent
from oncoparcours.testing.boards import past_session, stored_decision
from oncoparcours.testing.factories import OrganisationFactory

from .conftest import client_for

DAY = dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("place", "overseas_board", "care_in_mainland", "near"),
    [
        # Standard boards: the proximity centre only.
        ("proximity", False, None, True),
        ("expert", False, False, False),
        ("transfer", False, None, False),
        # Overseas boards: near home unless treated in mainland France.
        ("proximity", True, None, True),
        ("proximity", True, False, True),
        ("proximity", True, True, False),  # named centre in mainland France: not near home
        ("expert", True, False, True),  # expert centre overseas (e.g. the CHU de Martinique)
        ("expert", True, True, False),  # expert centre in mainland France (Gustave Roussy)
        ("expert", True, None, False),  # expert centre not named: not counted (safer reading)
        ("transfer", True, None, False),
        ("transfer", True, False, False),
    ],
)
def test_treated_near_home(place, overseas_board, care_in_mainland, near):
    assert (
        statistics.treated_near_home(
            place, overseas_board=overseas_board, care_in_mainland=care_in_mainland
        )
        is near
    )


@pytest.mark.parametrize(
    ("kind", "departements", "overseas"),
    [
        ("interregional", ["972", "75"], True),
        ("interregional", ["69", "75"], False),
        ("standard", ["972"], False),
        ("interregional", [None, ""], False),
    ],
)
def test_which_boards_are_overseas_boards(kind, departements, overseas):
    assert statistics.is_overseas_board(kind, departements) is overseas


def caribbean_decisions():
    """250 cases: 205 near home at the CHU de Martinique, 8 at its expert service (overseas),
    30 transferred to mainland France, 7 for an expert centre in Paris."""

    def case(place, mainland):
        return statistics.DecidedCase(DAY, DAY + dt.timedelta(days=7), place, None, mainland)

    return (
        [case("proximity", False)] * 205
        + [case("expert", False)] * 8
        + [case("transfer", True)] * 30
        + [case("expert", True)] * 7
    )


def test_the_seed_85_percent_of_250_is_reproduced_from_decisions():
    figures = statistics.board_figures(caribbean_decisions(), overseas_board=True)
    assert (figures.decided, figures.near_home, figures.transfers) == (250, 213, 30)
    assert percent(figures.near_home_share) == "85 %"  # 213 / 250 = 85.2 %
    assert figures.definition == statistics.OVERSEAS
    # The same decisions read with the standard definition: 205 / 250 = 82 %.
    standard = statistics.board_figures(caribbean_decisions(), overseas_board=False)
    assert (standard.near_home, percent(standard.near_home_share)) == (205, "82 %")
    assert standard.definition == statistics.PROXIMITY


@pytest.fixture
def caribbean_board(db, clinician, patient, diagnosis):
    martinique = OrganisationFactory(name="CHU de Martinique", departement="972")
    roussy = OrganisationFactory(name="Gustave Roussy", departement="94", kind="clcc")
    board = Board.objects.create(
        name="RCP Caraïbes",
        kind="interregional",
        start_time=dt.time(7, 30),
        time_zone="America/Martinique",
    )
    board.organisers.add(martinique, roussy)
    session = past_session(board, clinician, timezone.now() - dt.timedelta(days=3))
    places = [
        ("proximity", martinique),
        ("proximity", None),
        ("expert", martinique),
        ("expert", roussy),
        ("transfer", roussy),
    ]
    for place, organisation in places:
        stored_decision(
            session=session,
            patient=patient,
            diagnosis=diagnosis,
            place=place,
            organisation=organisation,
        )
    return board


def test_an_overseas_board_counts_patients_not_transferred_to_mainland(caribbean_board, clinician):
    figures = board_statistics(caribbean_board)
    # Near home: two proximity decisions and the expert decision at the CHU de Martinique.
    assert (figures.decided, figures.near_home, figures.definition) == (5, 3, "overseas")
    page = client_for(clinician).get(reverse("boards:statistics", args=[caribbean_board.pk]))
    body = page.content.decode()
    assert "60 %" in body
    assert "pas transféré en métropole pour son traitement" in body


def test_a_standard_board_shows_its_definition(board, clinician):
    body = client_for(clinician).get(reverse("boards:statistics", args=[board.pk])).content
    assert "le lieu de soins au centre de proximité" in body.decode()
