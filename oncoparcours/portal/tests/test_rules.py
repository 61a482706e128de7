"""The portal's pure rules, by tables of cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from oncoparcours.portal import config, rules

CORPUS = yaml.safe_load(
    (Path(__file__).parent / "data" / "alarming_corpus.yaml").read_text(encoding="utf-8")
)
PROMPTS = [(key, text) for key, texts in CORPUS["prompts"].items() for text in texts]


def test_the_corpus_is_large_enough():
    assert len(PROMPTS) >= 60 and len(CORPUS["routine"]) >= 20
    assert set(CORPUS["prompts"]) == {c.key for c in config.alarming_categories()}


@pytest.mark.parametrize(("key", "text"), PROMPTS)
def test_every_warning_sign_phrasing_prompts_with_its_category(key, text):
    found = config.alarming_in(text)
    assert key in [finding.category.key for finding in found], (text, found)


@pytest.mark.parametrize("text", CORPUS["routine"])
def test_routine_messages_do_not_prompt(text):
    assert config.alarming_in(text) == []


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("J'AI DE LA FIEVRE", "fever", ("FIEVRE",)),  # accents and case ignored
        ("J'ai 39,5 depuis ce matin", "fever", ("39,5",)),  # shown as written
        ("38°5 puis 40 degrés", "fever", ("38°5", "40 degrés")),
        ("Il cherche ses mots", "neurological", ("cherche ses mots",)),
        ("Œdème des chevilles", "severe", ("Œdème",)),  # ligature opened
        ("mettre fin à mes jours", "suicide", ("mettre fin à mes jours",)),
    ],
)
def test_findings_name_the_words_as_the_patient_wrote_them(text, key, words):
    found = {finding.category.key: finding for finding in config.alarming_in(text)}
    assert found[key].words == words


def test_an_exception_hides_only_its_own_words():
    # "numéro d'urgence" is no longer a routine phrase: asking for it prompts.
    assert config.alarming_in("Dois-je appeler le numéro d'urgence ?")
    found = config.alarming_in("Du sang dans les selles après ma prise de sang")
    assert found[0].category.key == "bleeding" and found[0].words == ("sang",)
    assert config.alarming_in("Prise de sang jeudi") == []
    # An age is not a temperature, but the temperature next to it still counts.
    assert [f.words for f in config.alarming_in("J'ai 39 ans et 38,4 ce matin")] == [("38,4",)]


def test_suicidal_thoughts_give_3114_then_15_and_112():
    (finding,) = config.alarming_in("Je n'ai plus envie de vivre")
    assert finding.category.call == ("3114", "15", "112")
    assert "3114" in finding.category.advice


def test_every_category_has_a_source_and_advice_and_its_numbers_are_listed():
    numbers = {number for number, _label in config.service_level().emergency_numbers}
    assert "3114" in numbers
    for category in config.alarming_categories():
        assert category.source and category.advice and category.label
        assert set(category.call) <= numbers


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("saign*", "ça saignait", True),
        ("saign*", "soigner", False),
        ("fievre", "FIÈVRE", True),
        ("fievre", "fievres", False),  # exact word without a star
        ("selle* noir*", "selles très noires", False),  # consecutive words only
        ("fin a mes jours", "fin à mes jours", True),
        ("manque d air", "manque d'air", True),
        ("/3[89]|4[0-2]/", "37,9", False),
        ("/3[89]|4[0-2]/", "41", True),
    ],
)
def test_pattern_language(pattern, text, matches):
    category = rules.Category("k", "l", "a", ("15",), "s", (rules.compile_pattern(pattern),))
    assert bool(rules.alarming_words(text, [category])) is matches


def test_an_empty_pattern_is_refused():
    with pytest.raises(ValueError, match="empty"):
        rules.compile_pattern("'*")


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


PARIS = dt.timezone(dt.timedelta(hours=1))


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=PARIS)  # 2026-12-07 is a Monday


@pytest.mark.parametrize(
    ("sent", "now", "due"),
    [
        (_at(7, 9), _at(7, 10, 59), False),  # Monday 09:00, not yet 2 hours
        (_at(7, 9), _at(7, 11), True),  # 2 hours unanswered in working hours
        (_at(7, 17, 30), _at(7, 17, 59), False),
        (_at(7, 17, 30), _at(7, 18), True),  # the working day ends first
        (_at(7, 7, 59), _at(7, 7, 59), True),  # before 08:00: at once
        (_at(7, 8), _at(7, 8, 1), False),  # 08:00 is working hours
        (_at(7, 18), _at(7, 18), True),  # 18:00 is not
        (_at(5, 11), _at(5, 11), True),  # Saturday: at once
        (_at(6, 15), _at(6, 15), True),  # Sunday: at once
        (_at(25, 10), _at(25, 10), True),  # Christmas, a public holiday: at once
        (_at(11, 16, 59), _at(11, 17, 59), False),  # Friday afternoon
        (_at(11, 16, 59), _at(11, 18), True),
    ],
)
def test_oncall_due(sent, now, due):
    assert rules.oncall_due(sent, now, HOLIDAYS) is due


def test_oncall_due_at_is_two_hours_or_the_end_of_the_working_day():
    assert rules.oncall_due_at(_at(7, 9, 15)) == _at(7, 11, 15)
    assert rules.oncall_due_at(_at(7, 16, 30)) == _at(7, 18)
    assert rules.oncall_due_at(_at(7, 20)) == _at(7, 20)


def test_holidays_to_2030_with_easter_based_days():
    """Code du travail L3133-1; Easter Monday, Ascension (+39), Whit Monday (+50)."""
    level = config.service_level()
    for day in ("2028-04-17", "2028-05-25", "2028-06-05", "2029-04-02", "2029-05-10",
                "2029-05-21", "2030-04-22", "2030-05-30", "2030-06-10", "2030-12-25"):  # fmt: skip
        assert dt.date.fromisoformat(day) in level.holidays
    assert sum(d.year == 2029 for d in level.holidays) == 11
    assert level.holidays_until == dt.date(2030, 12, 31)


def test_past_the_listed_holidays_an_urgent_message_goes_to_the_on_call_at_once():
    """Safer reading: an unlisted year may hide a holiday; nobody reads then, escalate at once."""
    monday_10 = dt.datetime(2031, 1, 6, 10, tzinfo=PARIS)
    assert rules.oncall_due(monday_10, monday_10, HOLIDAYS, dt.date(2030, 12, 31)) is True
    assert rules.oncall_due(monday_10, monday_10, HOLIDAYS, dt.date(2031, 12, 31)) is False
    assert not rules.in_working_hours(monday_10, HOLIDAYS, dt.date(2030, 12, 31))
    # A deadline still counts weekdays as working days there (due earlier, never never).
    assert rules.add_working_days(monday_10, 2, HOLIDAYS).date() == dt.date(2031, 1, 8)


def test_a_holiday_list_in_the_past_logs_a_warning(monkeypatch, caplog):
    real = config._load

    def old_list(name):
        data = real(name)
        if name == "service.yaml":
            data = {**data, "public_holidays": [dt.date(2020, 1, 1)]}
        return data

    monkeypatch.setattr(config, "_load", old_list)
    config.service_level.cache_clear()
    try:
        with caplog.at_level("WARNING", logger="oncoparcours.portal.config"):
            level = config.service_level()
        assert level.holidays_until == dt.date(2020, 12, 31)
        assert "public holidays listed until 2020-12-31" in caplog.text
        now = dt.datetime(2026, 12, 7, 10, tzinfo=PARIS)  # a Monday morning
        assert config.team_away(now)
    finally:
        config.service_level.cache_clear()


@pytest.mark.parametrize(
    ("text", "key", "first"),
    [
        ("je n'ai plus envie de rien", "suicide", "3114"),
        ("brûlure en urinant", "urinary", "15"),
        ("jambe gonflée et rouge", "thrombosis", "15"),
    ],
)
def test_cold_try_out_phrasings_get_the_right_category_first(text, key, first):
    """Cold try-out (2026-12-04): each phrase is filed under its own category, listed first,
    with its own advice (3114 for distress, a possible phlebitis to call about)."""
    found = config.alarming_in(text)
    assert found and found[0].category.key == key, found
    assert found[0].category.call[0] == first
    if key == "thrombosis":
        assert "phlébite" in found[0].category.advice and "appelez" in found[0].category.advice
