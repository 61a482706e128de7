"""The portal's pure rules, by tables of cases."""

from __future__ import annotations

import datetime as dt

import pytest

from oncoparcours.portal import config, rules

VOCABULARY = config.alarming_vocabulary()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("J'ai de la fièvre depuis hier", ["fièvre"]),
        ("J'AI DE LA FIEVRE", ["fièvre"]),  # accents and case ignored
        ("Une douleur thoracique ce matin", ["douleur thoracique"]),
        ("douleur   thoracique", ["douleur thoracique"]),
        ("Je suis essoufflée en montant l'escalier", ["essoufflée"]),
        ("Un petit saignement de nez", ["saignement"]),
        ("Mon père semble confus", ["confus"]),
        ("Question sur le parking de l'hôpital", []),
        ("Je voudrais changer de rendez-vous", []),
        ("thoracique seul", []),  # a phrase needs its words in order
        ("confusément", []),  # whole words only
        ("Ma prise de sang est prévue demain", []),  # a routine phrase
        ("Du sang dans les selles après ma prise de sang", ["sang"]),
    ],
)
def test_alarming_words(text, expected):
    assert config.alarming_in(text) == expected


def test_alarming_words_vocabulary_has_the_brief_s_words():
    for word in ("fièvre", "essoufflement", "saignement", "confusion", "douleur thoracique"):
        assert rules.alarming_words(word, VOCABULARY) == [word]


HOLIDAYS = frozenset({dt.date(2026, 12, 25)})


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (dt.datetime(2026, 12, 1, 10), 2, dt.datetime(2026, 12, 3, 10)),  # Tuesday → Thursday
        (dt.datetime(2026, 12, 4, 16), 2, dt.datetime(2026, 12, 8, 16)),  # Friday → Tuesday
        (dt.datetime(2026, 12, 5, 9), 2, dt.datetime(2026, 12, 8, 9)),  # Saturday → Tuesday
        (dt.datetime(2026, 12, 24, 9), 2, dt.datetime(2026, 12, 29, 9)),  # over Christmas
    ],
)
def test_working_days(start, days, expected):
    assert rules.add_working_days(start, days, HOLIDAYS) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12 34 56 78", "0612345678"),
        ("+33 6 12 34 56 78", "0612345678"),
        ("06.12.34.56.78", "0612345678"),
        ("+596 696 12 34 56", "00596696123456"),
    ],
)
def test_phone_normalised(raw, expected):
    assert rules.normalise_phone(raw) == expected


def test_send_limits():
    now = dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC)
    minutes = [now - dt.timedelta(minutes=m) for m in (1, 5, 10)]
    assert not rules.sends_refused(minutes[:2], now)
    assert rules.sends_refused(minutes, now)  # 3 in 15 minutes
    spread = [now - dt.timedelta(hours=h) for h in range(1, 11)]
    assert rules.sends_refused(spread, now)  # 10 in a day
    assert not rules.sends_refused(spread[:9], now)


def test_codes_are_six_digits():
    codes = {rules.new_code() for _ in range(200)}
    assert all(rules.code_shape_ok(c) for c in codes)
    assert len(codes) > 150
    assert not rules.code_shape_ok("12345")
    assert not rules.code_shape_ok("１２３４５６")  # full-width digits


def test_rights():
    assert rules.clean_rights(["messages", "calendar"]) == ["calendar", "messages"]
    with pytest.raises(ValueError, match="unknown"):
        rules.clean_rights(["everything"])


def test_data_files_are_versioned_and_sourced():
    level = config.service_level()
    assert level.working_days == 2
    assert ("15", level.emergency_numbers[0][1]) == level.emergency_numbers[0]
    version, topics = config.education()
    assert version
    assert all(leaflet.source for topic in topics for leaflet in topic.leaflets)
