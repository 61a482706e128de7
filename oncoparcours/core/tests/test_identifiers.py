import datetime as dt

import pytest

from oncoparcours.core.rules import identifiers


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("750712184", None),  # AP-HP legal entity, public FINESS
        ("940000664", None),  # Gustave Roussy, public FINESS
        ("75 071 2184", None),  # spaces are tolerated
        ("750712185", "key"),
        ("75071218", "length"),
        ("7507121840", "length"),
        ("75071218X", "format"),
        ("000712184", "department"),
        ("2A0001234", None),  # Corsica: format only (key convention unpublished)
    ],
)
def test_finess(value, problem):
    assert identifiers.finess_problem(value) == problem


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("10003456786", None),
        ("10003456787", "key"),
        ("1000345678", "length"),
        ("1000345678A", "format"),
    ],
)
def test_rpps(value, problem):
    assert identifiers.luhn_check_digit("1000345678") == "6"
    assert identifiers.rpps_problem(value) == problem


def test_ins_key_matches_published_example():
    # Key 82 for 1 89 12 75 125 012 (worked example of the mod-97 key).
    assert identifiers.ins_key("1891275125012") == 82


@pytest.mark.parametrize(
    ("value", "kwargs", "problem"),
    [
        ("189127512501282", {}, None),
        ("189127512501283", {}, "key"),
        ("18912751250128", {}, "length"),
        ("989127512501282", {}, "format"),
        ("189127512501282", {"sex": "F"}, "sex_mismatch"),
        ("189127512501282", {"sex": "M", "birth_date": dt.date(1989, 12, 3)}, None),
        ("189127512501282", {"birth_date": dt.date(1990, 12, 3)}, "birth_mismatch"),
        ("189127512501282", {"birth_date": dt.date(1989, 11, 3)}, "birth_mismatch"),
    ],
)
def test_ins(value, kwargs, problem):
    assert identifiers.ins_problem(value, **kwargs) == problem


def test_ins_corsica_uses_19_and_18_for_the_key():
    assert identifiers.ins_key("189122A125012") == 97 - int("1891219125012") % 97
    assert identifiers.ins_key("189122B125012") == 97 - int("1891218125012") % 97
    valid = "189122A125012" + f"{identifiers.ins_key('189122A125012'):02d}"
    assert identifiers.ins_problem(valid) is None
    assert identifiers.ins_problem(valid[:-2] + "00") == "key"
