"""Near-home share: "treated near home" as the board's kind defines it (overseas boards: not
transferred to mainland France — a transfer between overseas territories stays near home),
counted in patients (each once, by the board's latest decision: the indicator's unit), with the
seed's 85 % of 250 reproduced from decisions."""

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

from .conftest import client_for, patient_of

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
        ("transfer", True, None, False),  # transferred where? not named: not counted
        ("transfer", True, True, False),  # to mainland France (Gustave Roussy)
        ("transfer", True, False, True),  # overseas to overseas (Guadeloupe → Martinique)
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
        ("interregional", ["975"], True),  # Saint-Pierre-et-Miquelon
        ("interregional", ["977", "75"], True),  # Saint-Barthélemy
        ("interregional", ["978"], True),  # Saint-Martin
    ],
)
def test_which_boards_are_overseas_boards(kind, departements, overseas):
    assert statistics.is_overseas_board(kind, departements) is overseas


@pytest.mark.parametrize(
    ("code", "mainland"),
    [
        *[(code, False) for code in ("971", "972", "973", "974", "975", "976", "977", "978")],
        ("75", True),
        ("13", True),
        ("2A", True),
        ("97", True),  # not an overseas code
        ("", None),
        (None, None),
    ],
)
def test_where_an_organisation_is(code, mainland):
    assert statistics.in_mainland(code) is mainland


def decided(patient, place, mainland, minutes):
    at = dt.datetime(2026, 3, 9, 8, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)
    return statistics.DecidedCase(
        DAY, at.date(), place, None, mainland, patient=patient, decided_at=at
    )


@pytest.mark.parametrize(
    ("history", "near", "patients"),
    [
        # One patient, the latest decision of the board is in force (both orders).
        ([("a", "transfer", True, 0), ("a", "proximity", False, 10)], 1, 1),
        ([("a", "proximity", False, 0), ("a", "transfer", True, 10)], 0, 1),
        # Listed out of order: the time decides, not the order.
        ([("a", "transfer", True, 10), ("a", "proximity", False, 0)], 0, 1),
        # Two patients count apart.
        ([("a", "transfer", True, 0), ("b", "proximity", False, 0)], 1, 2),
        # Guadeloupe → Martinique transfer, then nothing else: near home.
        ([("a", "transfer", False, 0)], 1, 1),
    ],
)
def test_each_patient_counts_once_by_the_latest_decision(history, near, patients):
    figures = statistics.board_figures([decided(*row) for row in history], overseas_board=True)
    assert (figures.near_home, figures.patients, figures.decided) == (near, patients, len(history))


def caribbean_decisions(inter_island: int = 0):
    """250 patients: 205 near home at the CHU de Martinique, 8 at its expert service
    (overseas), 30 transferred to mainland France, 7 for an expert centre in Paris; optionally
    ``inter_island`` of the proximity decisions replaced by transfers between islands (e.g.
    from Guadeloupe to the CHU de Martinique)."""
    plan = (
        [("transfer", False)] * inter_island
        + [("proximity", False)] * (205 - inter_island)
        + [("expert", False)] * 8
        + [("transfer", True)] * 30
        + [("expert", True)] * 7
    )
    return [
        statistics.DecidedCase(
            DAY, DAY + dt.timedelta(days=7), place, None, mainland, patient=f"p{number}"
        )
        for number, (place, mainland) in enumerate(plan)
    ]


def test_the_seed_85_percent_of_250_is_reproduced_from_decisions():
    figures = statistics.board_figures(caribbean_decisions(), overseas_board=True)
    assert (figures.patients, figures.near_home, figures.transfers) == (250, 213, 30)
    assert percent(figures.near_home_share) == "85 %"  # 213 / 250 = 85.2 %
    assert figures.definition == statistics.OVERSEAS
    # Ten of them transferred between islands instead: still not transferred to mainland
    # France, so still 85 % (the share moves only with transfers to mainland France).
    islands = statistics.board_figures(caribbean_decisions(10), overseas_board=True)
    assert (islands.near_home, islands.transfers, islands.transfers_to_mainland) == (213, 40, 30)
    assert percent(islands.near_home_share) == "85 %"
    # The same decisions read with the standard definition: 205 / 250 = 82 %.
    standard = statistics.board_figures(caribbean_decisions(), overseas_board=False)
    assert (standard.near_home, percent(standard.near_home_share)) == (205, "82 %")
    assert standard.definition == statistics.PROXIMITY
    # One patient more transferred to mainland France: 212 / 250.
    one_more = caribbean_decisions()
    one_more[0] = statistics.DecidedCase(DAY, DAY, "transfer", None, True, patient="p0")
    assert statistics.board_figures(one_more, overseas_board=True).near_home_share == 0.848


@pytest.fixture
def caribbean_board(db, clinician, organisation):
    martinique = OrganisationFactory(name="CHU de Martinique", departement="972")
    guadeloupe = OrganisationFactory(name="CHU de la Guadeloupe", departement="971")
    saint_martin = OrganisationFactory(
        name="CH de Saint-Martin", departement="978", postcode="97150"
    )
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
        ("transfer", guadeloupe),  # Martinique → Guadeloupe: not mainland France
        ("proximity", saint_martin),
        ("expert", roussy),
        ("transfer", roussy),
    ]
    for place, care_organisation in places:
        patient, diagnosis = patient_of(clinician, organisation)
        stored_decision(
            session=session,
            patient=patient,
            diagnosis=diagnosis,
            place=place,
            organisation=care_organisation,
        )
    # One patient of the list decided again later (transferred to mainland France): only the
    # latest decision counts for them.
    stored_decision(
        session=session,
        patient=patient,
        diagnosis=diagnosis,
        place="proximity",
        organisation=martinique,
        at=session.starts_at + dt.timedelta(hours=1),
    )
    return board


def test_an_overseas_board_counts_patients_not_transferred_to_mainland(caribbean_board, clinician):
    figures = board_statistics(caribbean_board)
    # 8 decided cases of 7 patients. Near home: two proximity decisions, the expert decision
    # at the CHU de Martinique, the transfer to Guadeloupe, Saint-Martin, and the last patient
    # whose latest decision is the proximity one → 6 of 7.
    assert (figures.decided, figures.patients) == (8, 7)
    assert (figures.near_home, figures.definition) == (6, "overseas")
    page = client_for(clinician).get(reverse("boards:statistics", args=[caribbean_board.pk]))
    body = page.content.decode()
    assert "86 %" in body and "6 sur 7 patients" in body
    assert "pas transféré en métropole pour son traitement" in body
    assert "de la Guadeloupe à la Martinique" in body
    assert "chaque patient compté une fois" in body
    assert "dont 0 en métropole" in body  # the Roussy transfer was followed by a later decision


def test_a_standard_board_shows_its_definition(board, clinician):
    body = client_for(clinician).get(reverse("boards:statistics", args=[board.pk])).content
    assert "le lieu de soins au centre de proximité" in body.decode()
