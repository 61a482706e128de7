"""The demo region's figures fall in the ranges a French oncologist expects, and its dates tell
one story (issue 14: "a demo region a clinician would believe")."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F, Min
from django.urls import reverse
from django.utils import timezone

from oncoparcours.boards.models import Case, Decision
from oncoparcours.celltherapy.models import CustodyEvent, Storage, TankExcursion
from oncoparcours.demo import names
from oncoparcours.indicators.catalogue import BY_ID
from oncoparcours.indicators.engine import Filters
from oncoparcours.indicators.selectors import compute
from oncoparcours.monitoring import selectors as monitoring
from oncoparcours.monitoring.models import Alert, AlertEvent, AlertEventKind
from oncoparcours.patients.models import Biomarker, Patient, PerformanceStatus, Staging
from oncoparcours.patients.selectors import patient_search
from oncoparcours.patients.views import PAGE_SIZE

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


# At most this many alerts wait in a demo login's inbox (a day's worth, not a backlog).
MAX_OPEN_ALERTS = 10
# No alert of the demo is left open longer than this (the last day's, or those being handled).
OPEN_ALERT_HOURS = 72
# An excursion on a tank holding products is handled within this many hours.
EXCURSION_HOURS = 6
# Surnames borne by more than one patient of a page of the patient list, at most.
NAMESAKES_PER_PAGE = 3


def test_demo_delays_are_plausible_and_dates_tell_one_story(region, client):
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
    _inboxes_hold_a_handful_of_recent_alerts()
    _excursions_on_loaded_tanks_were_handled()
    _people_live_in_real_communes_with_real_names(client)


def _inboxes_hold_a_handful_of_recent_alerts():
    """The alerts of the past were acknowledged and resolved in time, by someone they were sent
    to; a few recent ones wait, at least one of them urgent for the oncologist."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_CLINICAL)}
    now = timezone.now()
    for username, user in users.items():
        count = monitoring.inbox(user=user, status="open").count()
        assert count <= MAX_OPEN_ALERTS, (username, count)
    assert monitoring.inbox(user=users["idec"], status="open").exists()
    pressing = monitoring.inbox(user=users["oncologue"], status="open").exclude(level="routine")
    assert pressing.exists()
    old = monitoring.with_state(
        Alert.objects.filter(created_at__lt=now - dt.timedelta(hours=OPEN_ALERT_HOURS))
    ).filter(resolved=False)
    assert not old.exists(), list(old.values_list("kind", "level", "created_at"))
    # Resolved in the past, after the alert, by one of its recipients, saying what was done.
    resolved = AlertEvent.objects.filter(kind=AlertEventKind.RESOLVED).select_related("alert")
    assert resolved.count() >= 20
    for event in resolved:
        assert event.alert.created_at <= event.at <= now, event.alert_id
        if event.alert.level in ("immediate", "emergency"):
            assert event.note.strip()
    assert not AlertEvent.objects.filter(at__lt=F("alert__created_at")).exists()
    # The nurses' visit reports of the past days are closed.
    visits = monitoring.with_state(
        Alert.objects.filter(report__source="nurse", created_at__lt=now - dt.timedelta(hours=24))
    )
    assert not visits.filter(resolved=False).exists()


def _excursions_on_loaded_tanks_were_handled():
    now = timezone.now()
    loaded = set(Storage.objects.filter(released_at__isnull=True).values_list("tank_id", flat=True))
    assert loaded
    open_ones = TankExcursion.objects.filter(acknowledgement__isnull=True, tank_id__in=loaded)
    assert not open_ones.filter(at__lt=now - dt.timedelta(hours=EXCURSION_HOURS)).exists()
    for excursion in TankExcursion.objects.filter(acknowledgement__isnull=False):
        assert excursion.at <= excursion.acknowledgement.at <= now


def _people_live_in_real_communes_with_real_names(client):
    table = {
        (c.departement, c.name, c.postcode)
        for communes in names.communes().values()
        for c in communes
    }
    generated = Patient.objects.filter(departement__in=names.communes()).exclude(city="")
    assert generated.count() >= 300
    wrong = [
        (p.departement, p.city, p.postcode)
        for p in generated
        if (p.departement, p.city, p.postcode) not in table
    ]
    assert len(wrong) <= 15, wrong  # the few patients entered by hand in the demo's scenarios
    for patient in Patient.objects.exclude(postcode=""):
        prefix = (
            patient.departement if patient.departement.startswith("97") else patient.departement[:2]
        )
        assert patient.postcode.startswith(prefix.replace("2A", "20").replace("2B", "20"))
    # Varied names: the first page of each clinician's list has few namesakes.
    for user in get_user_model().objects.filter(username__in=DEMO_CLINICAL):
        page = list(patient_search(user=user)[:PAGE_SIZE])
        shared = sum(n - 1 for n in Counter(p.last_name for p in page).values() if n > 1)
        assert shared <= NAMESAKES_PER_PAGE, (user.username, [p.last_name for p in page])
    first_names = Counter(Patient.objects.values_list("first_names", flat=True))
    assert first_names.most_common(1)[0][1] <= Patient.objects.count() * 0.05
    # The list says how it is sorted.
    client.force_login(get_user_model().objects.get(username="oncologue"))
    assert "ordre alphabétique" in client.get(reverse("patients:list")).content.decode()


DEMO_CLINICAL = ("oncologue", "hematologue", "idec", "idel", "oncologue-martinique")
