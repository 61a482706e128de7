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


def _with_key(first13: str) -> str:
    return first13 + f"{identifiers.ins_key(first13):02d}"


@pytest.mark.parametrize(
    ("first13", "sex", "problem"),
    [
        ("1891275125012", "M", None),
        ("2891275125012", "F", None),
        ("2891275125012", "M", "sex_mismatch"),
        # Temporary numbers (NIA): 7 for a man, 8 for a woman, checked the same way.
        ("7891275125012", "M", None),
        ("7891275125012", "F", "sex_mismatch"),
        ("8891275125012", "F", None),
        ("8891275125012", "M", "sex_mismatch"),
        # 3/4 (foreign-born persons in some registers): accepted, the sex is not checked.
        ("3891275125012", "F", None),
        ("4891275125012", "M", None),
        # Sex X (indeterminate): no check against the digit.
        ("1891275125012", "X", None),
    ],
)
def test_the_first_digit_of_an_ins_carries_the_sex_temporary_numbers_included(
    first13, sex, problem
):
    assert identifiers.ins_problem(_with_key(first13), sex=sex) == problem


def test_a_corsican_ins_with_a_wrong_key_is_refused_and_its_key_is_not_the_20_one():
    # 2A counts as 19, 2B as 18: the key computed as if the département were "20" is wrong.
    for department, numeric in (("2A", "19"), ("2B", "18")):
        first13 = f"18912{department}125012"
        right = 97 - int(f"18912{numeric}125012") % 97
        naive = 97 - int("1891220125012") % 97
        assert right != naive
        assert identifiers.ins_problem(first13 + f"{right:02d}") is None
        assert identifiers.ins_problem(first13 + f"{naive:02d}") == "key"
        assert identifiers.ins_problem(first13.lower() + f"{right:02d}") is None


def test_ins_corsica_uses_19_and_18_for_the_key():
    assert identifiers.ins_key("189122A125012") == 97 - int("1891219125012") % 97
    assert identifiers.ins_key("189122B125012") == 97 - int("1891218125012") % 97
    valid = "189122A125012" + f"{identifiers.ins_key('189122A125012'):02d}"
    assert identifiers.ins_problem(valid) is None
    assert identifiers.ins_problem(valid[:-2] + "00") == "key"
