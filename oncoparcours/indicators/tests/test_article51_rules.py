"""Article 51 cost comparison (pure): flat rates per sequence (partial sequences pro rata)
against the day-hospital stays replaced, transport included."""

from __future__ import annotations

import copy

import pytest

from oncoparcours.indicators.catalogue import article51_costs
from oncoparcours.indicators.rules.article51 import (
    DAYS_PER_MONTH,
    CostTerms,
    charged_fraction,
    per_patient,
    sequence_cost,
    total,
)

DATA = {
    "sequences": [
        {"key": "s1", "label": {"fr": "S1", "en": "S1"}, "months": 6, "flat_rate_eur": 1000},
        {"key": "s3", "label": {"fr": "S3", "en": "S3"}, "months": 12, "flat_rate_eur": 600},
    ],
    "day_hospital_stay": {"amount_eur": 400},
    "transport": {"round_trip_eur": 100, "share_of_stays": 1.0},
}
TERMS = CostTerms.from_data(DATA)


@pytest.mark.parametrize(
    ("days", "completed", "planned", "fraction"),
    [
        (182.625, True, 182.625, 1.0),  # completed: in full
        (30, True, 182.625, 1.0),  # completed early (criteria met): still in full
        (0, False, 182.625, 0.0),  # started today
        (91.3125, False, 182.625, 0.5),  # half-way
        (182.625, False, 182.625, 1.0),
        (400, False, 182.625, 1.0),  # overran the planned duration: at most one flat rate
        (-3, False, 182.625, 0.0),
    ],
)
def test_charged_fraction(days, completed, planned, fraction):
    assert charged_fraction(days_covered=days, completed=completed, planned_days=planned) == (
        pytest.approx(fraction)
    )


@pytest.mark.parametrize(
    ("key", "completed", "partial", "stays", "flat", "stays_cost", "transport", "difference"),
    [
        # Full sequences, no stay replaced (day hospital in sequence 1).
        ("s1", 10, 0.0, 0, 10000, 0, 0, -10000),
        # Full sequences with home administrations: each replaces a stay and its transport.
        ("s3", 4, 0.0, 60, 2400, 24000, 6000, 27600),
        # Partial sequences pro rata: 2 in full + 0.5 + 0.25.
        ("s3", 2, 0.75, 10, 1650, 4000, 1000, 3350),
        # Nothing at all.
        ("s1", 0, 0.0, 0, 0, 0, 0, 0),
    ],
)
def test_sequence_cost(key, completed, partial, stays, flat, stays_cost, transport, difference):
    cost = sequence_cost(
        TERMS,
        key=key,
        patients=10,
        completed=completed,
        partial_fractions=partial,
        replaced_stays=stays,
    )
    assert cost.flat_rates == pytest.approx(flat)
    assert (cost.stays_cost, cost.transport_cost) == (pytest.approx(stays_cost), transport)
    assert cost.baseline == pytest.approx(stays_cost + transport)
    assert cost.difference == pytest.approx(difference)


def test_transport_share_scales_the_transport_only():
    data = copy.deepcopy(DATA)
    data["transport"]["share_of_stays"] = 0.5
    cost = sequence_cost(
        CostTerms.from_data(data),
        key="s3",
        patients=1,
        completed=1,
        partial_fractions=0,
        replaced_stays=10,
    )
    assert (cost.stays_cost, cost.transport_cost) == (4000, 500)


def test_totals_and_per_patient():
    costs = [
        sequence_cost(
            TERMS, key="s1", patients=4, completed=4, partial_fractions=0, replaced_stays=0
        ),
        sequence_cost(
            TERMS, key="s3", patients=4, completed=2, partial_fractions=1, replaced_stays=20
        ),
    ]
    overall = total(costs, patients=4)
    assert (overall.flat_rates, overall.baseline, overall.difference) == (5800, 10000, 4200)
    mean = per_patient(overall, 4)
    assert mean is not None and (mean.flat_rates, mean.baseline) == (1450, 2500)
    assert per_patient(overall, 0) is None


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("sequences", 0, "months"), 0),
        (("sequences", 0, "flat_rate_eur"), -1),
        (("transport", "share_of_stays"), 1.5),
    ],
)
def test_bad_terms_are_refused(path, value):
    data = copy.deepcopy(DATA)
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(ValueError):
        CostTerms.from_data(data)


def test_the_shipped_terms_cite_their_sources_and_say_they_are_approximate():
    data = article51_costs()
    terms = CostTerms.from_data(data)
    assert list(terms.sequences) == ["sequence-1", "sequence-2", "sequence-3"]
    assert [s.months for s in terms.sequences.values()] == [6, 6, 12]  # seed 004
    assert terms.sequences["sequence-3"].planned_days == 12 * DAYS_PER_MONTH
    assert all(item["approx"] for item in data["sequences"])
    assert "cahier des charges" in data["experiment"]["where_to_check"].lower()
    stay = data["day_hospital_stay"]
    assert (stay["ghm"], stay["approx"]) == ("28Z07Z", True) and stay["year"] and stay["source"]
    assert data["transport"]["approx"] and data["transport"]["where_to_check"]
