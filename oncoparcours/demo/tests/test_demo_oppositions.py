"""The demo shows oppositions honoured by the exports and the seed's near-home share."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from oncoparcours.boards.models import Board, Case, Decision
from oncoparcours.boards.selectors import board_statistics
from oncoparcours.indicators.selectors import extract_purposes
from oncoparcours.patients.models import ConsentRecord

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_patients_object_and_the_caribbean_board_treats_85_percent_near_home(
    settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    call_command("demo", seed=5, patients=150, quiet=True)
    oppositions = ConsentRecord.objects.filter(decision="opposition")
    assert {"research", "evaluation", "registry"} <= set(
        oppositions.values_list("scope", flat=True)
    )
    # Recorded today through the service (audited): honoured by every export produced today.
    today = oppositions.filter(recorded_by__username="demo-loader")
    assert set(today.values_list("scope", "recorded_on")) == {
        ("evaluation", timezone.localdate()),
        ("research", timezone.localdate()),
        ("network", timezone.localdate()),  # Claire Garnier: her referral page says so
        ("care_team", timezone.localdate() - dt.timedelta(days=7)),  # Nadia Lacombe: the review
    }
    assert today.count() == 5
    excluded = {purpose.key: purpose.excluded for purpose in extract_purposes()}
    assert excluded["evaluation"] > 0 and excluded["research"] > 0
    # The near-home share counts patients, each by the board's latest decision: the seed's
    # proportions (85 % not transferred to mainland France), whatever the region's size.
    board = Board.objects.get(short_name="RCP Caraïbes")
    figures = board_statistics(board)
    patients = Case.objects.filter(board=board).values("patient").distinct().count()
    mainland = round(30 * patients / 250) + round(7 * patients / 250)
    assert (figures.decided, figures.patients, figures.definition) == (250, patients, "overseas")
    assert figures.near_home == patients - mainland
    # Patients transferred between islands (Martinique ↔ Guadeloupe) count as near home.
    inter_island = Decision.objects.filter(
        case__board=board,
        place_of_care="transfer",
        care_organisation__departement__in=["971", "972"],
    )
    assert inter_island.count() == 5
    assert figures.transfers == round(30 * patients / 250) + inter_island.count()
