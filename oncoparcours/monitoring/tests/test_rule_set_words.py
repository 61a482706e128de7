"""The rule-set page reads as French sentences (issue 14 try-out): every rule of every shipped
rule set is shown as its condition in words → level and deadline in hours or days, with its
source; no rule id, no condition dictionary, no count of minutes above an hour."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from oncoparcours.monitoring.labels import condition_text, deadline_text
from oncoparcours.monitoring.models import TriageRuleSet
from oncoparcours.monitoring.services.rulesets import compiled

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (0, "immédiatement"),
        (15, "dans les 15 minutes"),
        (60, "dans l’heure"),
        (240, "dans les 4 heures"),
        (1440, "dans les 24 heures"),
        (4320, "dans les 3 jours"),
        (90, "dans 1 h 30"),
    ],
)
def test_deadlines_in_french_words(minutes, words):
    with translation.override("fr"):
        assert deadline_text(minutes) == words


def test_a_condition_reads_as_a_sentence():
    when = {"term": "fever", "grade_at_least": 1, "treatment": ["chemotherapy", "car_t"]}
    with translation.override("fr"):
        text = condition_text(when)
    assert text.startswith("Si fièvre de grade 1 ou plus, sous chimiothérapie ou cellules CAR-T")


def test_every_shipped_rule_set_page_shows_rules_in_words(client: Client, clinician):
    client.force_login(clinician.user)
    rule_sets = list(TriageRuleSet.objects.all())
    assert rule_sets
    for rule_set in rule_sets:
        page = client.get(reverse("monitoring:rule_set", args=[rule_set.pk]))
        assert page.status_code == 200
        body = page.content.decode()
        visible = re.sub(r'title="[^"]*"', "", body)
        for rule in compiled(rule_set).rules:
            assert f">{rule.id}<" not in visible and f"<code>{rule.id}" not in visible
        assert "{&#x27;" not in body and "{'" not in body, "a condition shown as a dict"
        assert not re.search(r"\b\d{3,} min\b", body), "a deadline in minutes"
        assert "Si " in body and "alerte" in body


def test_rule_set_pages_name_rule_sets_by_title_not_by_file_or_label(client: Client, clinician):
    client.force_login(clinician.user)
    pages = [client.get(reverse("monitoring:rule_sets")).content.decode()]
    for rule_set in TriageRuleSet.objects.all():
        url = reverse("monitoring:rule_set", args=[rule_set.pk])
        pages.append(client.get(url).content.decode())
    for body in pages:
        visible = re.sub(r'title="[^"]*"', "", body)
        assert ".yaml" not in visible, "a file name"
        assert not re.search(r"\b[a-z0-9-]+@\d+\b", visible), "a rule-set label"
        assert "Références" in visible
    stricter = TriageRuleSet.objects.get(code="asco-organ-2021", version=2)
    body = client.get(reverse("monitoring:rule_set", args=[stricter.pk])).content.decode()
    assert "Étend « Politique de tri par défaut (version 2) »" in body
