"""The demo region's figures fall in the ranges a French oncologist expects, and its dates tell
one story (issue 14: "a demo region a clinician would believe")."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import F, Min
from django.utils import timezone

from oncoparcours.boards.models import Case, Decision
from oncoparcours.celltherapy.models import CustodyEvent
from oncoparcours.indicators.catalogue import BY_ID
from oncoparcours.indicators.engine import Filters
from oncoparcours.indicators.selectors import compute
from oncoparcours.patients.models import Biomarker, PerformanceStatus, Staging

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def region(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo", seed=11, patients=400, quiet=True)
    call_command("indicators", "refresh", verbosity=0)


def headline_row(indicator_id: str) -> dict:
    result = compute(BY_ID[indicator_id], Filters())
    assert result is not None and result.rows, indicator_id
    overall = result.rows[0]
    assert overall["stratum"] == "Ensemble"
    return overall


def test_demo_delays_are_plausible_and_dates_tell_one_story(region):
    # Diagnosis → first board decision: a median of two to four weeks.
    diagnosis_to_board = headline_row("delay_diagnosis_rcp")
    assert diagnosis_to_board["patients"] >= 30
    assert 14 <= diagnosis_to_board["median"] <= 28
    # The board decides before the first treatment for more than 80 % of treated patients.
    before = headline_row("rcp_before_treatment")
    assert before["patients"] >= 20
    assert before["share"] > 80
    # Board → first treatment: one to three weeks.
    assert 7 <= headline_row("delay_rcp_treatment")["median"] <= 21
    # Dates tell one story.
    today = timezone.localdate()
    # What is measured after a diagnosis is dated after it, never in the future.
    assert not Staging.objects.filter(staged_on__lt=F("diagnosis__diagnosed_on")).exists()
    assert not Biomarker.objects.filter(tested_on__lt=F("diagnosis__diagnosed_on")).exists()
    assert not PerformanceStatus.objects.filter(recorded_on__gt=today).exists()
    # A case is submitted after its diagnosis and decided after its submission.
    assert not Case.objects.filter(
        diagnosis__isnull=False, submitted_at__date__lt=F("diagnosis__diagnosed_on")
    ).exists()
    assert not Decision.objects.filter(validated_at__lt=F("case__submitted_at")).exists()
    first = Decision.objects.values("case__patient_id").annotate(first=Min("validated_at"))
    assert first.count() >= 30
    # A CAR-T order's history is in the same past as its custody events: no event before the
    # order was placed, none in the future.
    assert not CustodyEvent.objects.filter(at__lt=F("order__created_at")).exists()
    assert not CustodyEvent.objects.filter(at__gt=timezone.now()).exists()
