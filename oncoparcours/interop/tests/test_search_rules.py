"""FHIR search parameters: dates with prefixes, counts, references, unknown parameters."""

import datetime as dt

import pytest

from oncoparcours.interop.rules.search import (
    DateRange,
    SearchError,
    parse_count,
    parse_date,
    parse_page,
    parse_reference,
    parse_token,
    unknown_parameters,
)

D = dt.date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1960-05-17", DateRange(D(1960, 5, 17), D(1960, 5, 18))),
        ("eq1960-05", DateRange(D(1960, 5, 1), D(1960, 6, 1))),
        ("1960-12", DateRange(D(1960, 12, 1), D(1961, 1, 1))),
        ("1960", DateRange(D(1960, 1, 1), D(1961, 1, 1))),
        ("ge1960", DateRange(D(1960, 1, 1), None)),
        ("gt1960", DateRange(D(1961, 1, 1), None)),
        ("le1960-05-17", DateRange(None, D(1960, 5, 18))),
        ("lt1960-05-17", DateRange(None, D(1960, 5, 17))),
        ("ne1960", DateRange(D(1960, 1, 1), D(1961, 1, 1), negate=True)),
    ],
)
def test_dates_cover_the_period_they_name(raw, expected):
    assert parse_date("birthdate", raw) == expected


@pytest.mark.parametrize("raw", ["17/05/1960", "1960-02-30", "xx1960", "sa1960", "1960-5", ""])
def test_a_bad_date_names_the_parameter(raw):
    with pytest.raises(SearchError) as refused:
        parse_date("birthdate", raw)
    assert refused.value.parameter == "birthdate"


def test_count_and_page_limits():
    assert parse_count(None) == 20 and parse_count("100") == 100
    assert parse_page(None) == 1 and parse_page("3") == 3
    for raw in ("0", "101", "-1", "ten"):
        with pytest.raises(SearchError, match="_count"):
            parse_count(raw)
    with pytest.raises(SearchError, match="_page"):
        parse_page("0")


def test_references_and_tokens():
    assert parse_reference("patient", "Patient/abc", "Patient") == "abc"
    assert parse_reference("patient", "abc", "Patient") == "abc"
    with pytest.raises(SearchError, match="patient"):
        parse_reference("patient", "Practitioner/abc", "Patient")
    assert parse_token("http://hl7.org/fhir/sid/icd-10|C34.1") == (
        "http://hl7.org/fhir/sid/icd-10",
        "C34.1",
    )
    assert parse_token("C34.1") == (None, "C34.1")


def test_an_unsupported_parameter_is_named_never_ignored():
    # "patinet" silently dropped would return every visible condition.
    assert unknown_parameters(["patinet", "_count"], ("patient",)) == ["patinet"]
    assert unknown_parameters(["patient:missing"], ("patient",)) == ["patient:missing"]
    assert unknown_parameters(["patient", "_page"], ("patient",)) == []


def test_narrower_scopes_are_covered_by_wider_grants():
    from oncoparcours.interop.rules.scopes import covered, grants

    assert covered("system/Patient.r", ["system/Patient.rs"])
    assert covered("system/Patient.rs", ["system/*.rs"])
    assert not covered("system/*.r", ["system/Patient.rs"])
    assert not covered("system/Condition.r", ["system/Patient.rs"])
    assert not covered("system/Patient.rs", ["system/Patient.r"])
    assert not covered("patient/Patient.rs", ["system/*.rs"])
    assert grants(["system/*.s"], "Condition", "search")
    assert not grants(["system/*.s"], "Condition", "read")
