"""Quorum, minimal dataset and statistics rules, table-driven."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncoparcours.boards.rules import dataset, quorum, statistics, transitions
from oncoparcours.boards.rules.quorum import Attendee


def people(*specs: str | tuple[str, ...]) -> list[Attendee]:
    out = []
    for index, spec in enumerate(specs):
        specialties = (spec,) if isinstance(spec, str) else spec
        out.append(Attendee(f"p{index}", frozenset(specialties)))
    return out


@pytest.mark.parametrize(
    ("attendees", "kind", "haematology", "required", "met", "codes"),
    [
        (
            people("medical_oncology", "radiotherapy", "digestive_surgery"),
            "standard",
            False,
            (),
            True,
            [],
        ),
        (
            people("medical_oncology", "radiotherapy", "radiology"),
            "standard",
            False,
            (),
            False,
            ["no_surgeon"],
        ),
        (people("medical_oncology", "radiotherapy", "radiology"), "recours", False, (), True, []),
        (
            people("haematology", "haematology", "pathology"),
            "standard",
            True,
            (),
            False,
            ["too_few_specialties"],
        ),
        (people("haematology", "pathology", "radiology"), "standard", True, (), True, []),
        # One physician counts for one specialty only, even with a double qualification.
        (
            people(("medical_oncology", "radiotherapy"), "thoracic_surgery"),
            "standard",
            False,
            (),
            False,
            ["too_few_specialties"],
        ),
        # ...but the matching re-seats them: the oncologist-radiotherapist counts as radiotherapy.
        (
            people(("medical_oncology", "radiotherapy"), "medical_oncology", "urology"),
            "standard",
            False,
            (),
            True,
            [],
        ),
        (
            people("neuro_oncology", "neurosurgery", "radiotherapy"),
            "recours",
            False,
            ("pathology",),
            False,
            ["missing_specialty"],
        ),
        (
            people("neuro_oncology", "neurosurgery", "radiotherapy", "pathology"),
            "recours",
            False,
            ("pathology",),
            True,
            [],
        ),
        # The only surgeon is needed as the required neurosurgeon: still one specialty each.
        (
            people("neurosurgery", "radiotherapy", "neuro_oncology"),
            "standard",
            False,
            ("neurosurgery",),
            True,
            [],
        ),
        ([], "standard", False, (), False, ["no_surgeon", "too_few_specialties"]),
    ],
)
def test_quorum(attendees, kind, haematology, required, met, codes):
    result = quorum.evaluate(attendees, board_kind=kind, haematology=haematology, required=required)
    assert result.met is met
    assert [s.code for s in result.shortfalls] == codes
    assert len(set(result.counted.values())) == len(result.counted)  # one specialty per physician


def test_non_physicians_do_not_count():
    attendees = [
        Attendee("a", frozenset({"medical_oncology"})),
        Attendee("b", frozenset({"radiotherapy"})),
        Attendee("nurse", frozenset({"coordination_nursing"}), physician=False),
    ]
    result = quorum.evaluate(attendees, board_kind="recours", haematology=False)
    assert not result.met and result.shortfalls[0].counted == 2


SPECIALTIES = [
    "medical_oncology",
    "radiotherapy",
    "digestive_surgery",
    "radiology",
    "pathology",
    "urology",
]


@given(
    st.lists(st.sets(st.sampled_from(SPECIALTIES), min_size=1, max_size=3), max_size=7),
    st.sampled_from(SPECIALTIES),
)
def test_one_more_physician_never_breaks_a_met_quorum(specs, extra):
    attendees = [Attendee(f"p{i}", frozenset(s)) for i, s in enumerate(specs)]
    before = quorum.evaluate(attendees, board_kind="standard", haematology=False)
    after = quorum.evaluate(
        [*attendees, Attendee("new", frozenset({extra}))], board_kind="standard", haematology=False
    )
    assert not before.met or after.met
    assert len(after.counted) >= len(before.counted)
    assert len(before.counted) <= len(attendees)


TODAY = dt.date(2026, 11, 23)
COMPLETE = {
    "question": "Chirurgie d'emblée ou traitement néoadjuvant ?",
    "context": "new_diagnosis",
    "icd10": "C18.7",
    "morphology": "8140/3",
    "stage": "pT3 N1 M0",
    "performance": {"scale": "ecog", "value": 1, "recorded_on": "2026-11-02"},
    "prior_treatments": "",
    "patient_informed": True,
}


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({}, []),
        ({"question": " "}, ["question"]),
        ({"morphology": ""}, ["histology"]),
        ({"context": "progression", "morphology": ""}, ["prior_treatments"]),
        ({"stage": ""}, ["stage"]),
        ({"icd10": "C83.3", "stage": ""}, []),  # lymphoma: no TNM
        ({"icd10": "C71.9", "stage": ""}, []),  # glioma: no TNM
        ({"performance": {}}, ["performance_status"]),
        ({"performance": {"recorded_on": "2026-07-01"}}, ["performance_status_outdated"]),
        ({"patient_informed": False}, ["patient_informed"]),
        ({"icd10": ""}, ["diagnosis"]),
    ],
)
def test_minimal_dataset(changes, missing):
    assert dataset.missing_items({**COMPLETE, **changes}, TODAY) == missing


def test_near_home_share_is_computed_from_decisions():
    day = dt.date(2026, 1, 10)
    cases = [
        statistics.DecidedCase(
            day, day + dt.timedelta(days=6), "proximity", day + dt.timedelta(days=20)
        ),
        statistics.DecidedCase(
            day, day + dt.timedelta(days=10), "proximity", day + dt.timedelta(days=5)
        ),
        statistics.DecidedCase(day, day + dt.timedelta(days=8), "transfer", None),
        statistics.DecidedCase(day, day + dt.timedelta(days=8), "expert", None),
    ]
    figures = statistics.board_figures(cases)
    assert (figures.near_home, figures.transfers, figures.expert) == (2, 1, 1)
    assert figures.near_home_share == 0.5
    assert figures.median_days_to_decision == 8
    assert (figures.decided_before_treatment, figures.with_known_treatment) == (1, 2)
    assert statistics.board_figures([]).near_home_share is None


def test_transitions_are_explicit():
    assert transitions.next_status(transitions.CASE_TRANSITIONS, "incomplete", "schedule") is None
    assert transitions.next_status(transitions.CASE_TRANSITIONS, "ready", "schedule") == "scheduled"
    assert transitions.allowed_actions(transitions.SESSION_TRANSITIONS, "closed") == []
