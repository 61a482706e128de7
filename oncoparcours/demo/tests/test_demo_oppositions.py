"""The demo shows oppositions honoured by the exports and the seed's near-home share."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from oncoparcours.boards.models import Board
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
    }
    assert today.count() == 3
    excluded = {purpose.key: purpose.excluded for purpose in extract_purposes()}
    assert excluded["evaluation"] > 0 and excluded["research"] > 0
    figures = board_statistics(Board.objects.get(short_name="RCP Caraïbes"))
    assert (figures.decided, figures.near_home, figures.definition) == (250, 213, "overseas")
