"""Every threshold boundary of the triage contract, and the contract's error behaviour."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncoparcours.monitoring.rules import grading


def graded(observations, treatment="immune_checkpoint_inhibitor"):
    assessment, error = grading.validate(
        {"context": {"treatment": treatment}, "observations": observations}
    )
    assert error is None, error
    return grading.grade(assessment)


@pytest.mark.parametrize(
    ("temperature", "grade"),
    [(37.9, 0), (38.0, 1), (38.5, 1), (39.0, 1), (39.01, 2), (40.0, 2), (40.01, 3), (45.0, 3)],
)
def test_fever_boundaries(temperature, grade):
    assert graded({"temperature_c": temperature}).grade_of("fever") == grade


@pytest.mark.parametrize(("hours", "grade"), [(0, 3), (24, 3), (24.5, 4), (48, 4)])
def test_fever_above_40_for_more_than_24_hours_is_grade_4(hours, grade):
    result = graded({"temperature_c": 40.5, "fever_hours_above_40": hours})
    assert result.grade_of("fever") == grade


@pytest.mark.parametrize(
    ("stools", "grade"), [(0, 0), (1, 1), (3, 1), (4, 2), (6, 2), (7, 3), (50, 3)]
)
def test_diarrhea_boundaries(stools, grade):
    assert graded({"stools_over_baseline_per_day": stools}).grade_of("diarrhea") == grade


def test_colitis():
    assert graded({"blood_or_mucus_in_stool": True}).grade_of("colitis") == 2
    assert (
        graded({"blood_or_mucus_in_stool": True, "peritoneal_signs": True}).grade_of("colitis") == 3
    )
    assert graded({"blood_or_mucus_in_stool": False}).grade_of("colitis") == 0


@pytest.mark.parametrize(
    ("ratio", "grade"),
    [(1.0, 0), (1.01, 1), (3.0, 1), (3.01, 2), (5.0, 2), (5.01, 3), (20.0, 3), (20.01, 4)],
)
def test_transaminases_boundaries(ratio, grade):
    result = graded({"alt_x_uln": ratio, "ast_x_uln": ratio})
    assert result.grade_of("alanine_aminotransferase_increased") == grade
    assert result.grade_of("aspartate_aminotransferase_increased") == grade


@pytest.mark.parametrize(
    ("ratio", "grade"),
    [(1.0, 0), (1.01, 1), (1.5, 1), (1.51, 2), (3.0, 2), (3.01, 3), (10.0, 3), (10.01, 4)],
)
def test_bilirubin_boundaries(ratio, grade):
    assert graded({"bilirubin_x_uln": ratio}).grade_of("blood_bilirubin_increased") == grade


@pytest.mark.parametrize(
    ("bsa", "symptoms", "grade"),
    [
        (0, "none", 0),
        (9.9, "none", 1),
        (10, "none", 2),
        (30, "moderate_or_severe", 2),
        (30.1, "mild", 2),
        (30.1, "moderate_or_severe", 3),
        (100, "moderate_or_severe", 3),
    ],
)
def test_rash_boundaries(bsa, symptoms, grade):
    result = graded({"rash_bsa_percent": bsa, "rash_symptoms": symptoms})
    assert result.grade_of("rash_maculo_papular") == grade


@pytest.mark.parametrize(
    ("key", "values"),
    [
        ("abdominal_pain", ["none", "mild", "moderate", "severe"]),
        (
            "dyspnea",
            ["none", "moderate_exertion", "minimal_exertion", "at_rest", "life_threatening"],
        ),
        (
            "fatigue",
            ["none", "relieved_by_rest", "limits_instrumental_adl", "limits_self_care_adl"],
        ),
        ("pruritus", ["none", "mild_localized", "widespread_intermittent", "widespread_constant"]),
        ("nausea", ["none", "appetite_loss", "reduced_intake", "inadequate_intake"]),
        (
            "vomiting",
            [
                "none",
                "no_intervention",
                "outpatient_iv_hydration",
                "tube_feeding_or_hospitalization",
                "life_threatening",
            ],
        ),
        (
            "pneumonitis",
            ["none", "asymptomatic", "symptomatic", "severe_oxygen_indicated", "life_threatening"],
        ),
    ],
)
def test_enumerated_terms_grade_in_order(key, values):
    term = {"abdominal_pain": "abdominal_pain"}.get(key, key)
    assert [graded({key: value}).grade_of(term) for value in values] == list(range(len(values)))


@pytest.mark.parametrize(
    ("score", "grade"), [(10, 0), (9, 1), (7, 1), (6, 2), (3, 2), (2, 3), (0, 3)]
)
def test_ice_score_boundaries(score, grade):
    result = graded({"ice_score": score}, treatment="car_t")
    assert (result.icans, result.ice_score) == (grade, score)


def test_ice_items_are_summed_and_unarousable_zero_is_grade_4():
    items = {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 0}
    assert graded({"ice": items}, treatment="car_t").ice_score == 9
    assert graded({"ice_score": 0, "consciousness": "unarousable"}, treatment="car_t").icans == 4


@pytest.mark.parametrize(
    ("observations", "grade"),
    [
        ({"consciousness": "wakes_to_voice"}, 2),
        ({"consciousness": "wakes_to_touch"}, 3),
        ({"seizure": "rapidly_resolving"}, 3),
        ({"seizure": "prolonged_or_repetitive"}, 4),
        ({"motor_weakness": "deep_focal"}, 4),
        ({"raised_icp": "focal_edema"}, 3),
        ({"raised_icp": "diffuse_edema"}, 4),
        ({"consciousness": "awake", "ice_score": 10}, 0),
    ],
)
def test_icans_components(observations, grade):
    assert graded(observations, treatment="car_t").icans == grade


@pytest.mark.parametrize(
    ("observations", "crs"),
    [
        ({"temperature_c": 37.9}, None),
        ({"temperature_c": 38.0}, 1),
        ({"temperature_c": 38.5, "hypotension": "fluid_responsive"}, 2),
        ({"temperature_c": 38.5, "oxygen": "low_flow_nasal_cannula"}, 2),
        (
            {
                "temperature_c": 38.5,
                "hypotension": "one_vasopressor",
                "oxygen": "low_flow_nasal_cannula",
            },
            3,
        ),
        ({"temperature_c": 38.5, "oxygen": "high_flow_or_face_mask"}, 3),
        ({"temperature_c": 38.5, "hypotension": "multiple_vasopressors"}, 4),
        ({"temperature_c": 38.5, "oxygen": "positive_pressure"}, 4),
        ({"temperature_c": 36.8, "fever_masked": True, "hypotension": "fluid_responsive"}, 2),
        ({"hypotension": "one_vasopressor"}, None),
    ],
)
def test_crs_asct_2019(observations, crs):
    assert graded(observations, treatment="car_t").crs == crs


def test_crs_and_icans_only_for_car_t_but_fever_for_everyone():
    result = graded({"temperature_c": 38.5, "hypotension": "fluid_responsive", "ice_score": 5})
    assert (result.crs, result.icans, result.grade_of("fever")) == (None, None, 1)
    car_t = graded({"temperature_c": 38.5}, treatment="car_t")
    assert (car_t.crs, car_t.grade_of("fever")) == (1, 1)  # in addition, never instead


def test_every_grade_says_which_criterion_produced_it():
    result = graded({"stools_over_baseline_per_day": 5})
    assert result.grades[0].as_dict() == {
        "term": "diarrhea",
        "grade": 2,
        "system": "CTCAE-5.0",
        "criterion": "4-6 stools/day over baseline",
    }


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"observations": {}}, "context"),
        ({"context": {}}, "context.treatment"),
        ({"context": {"treatment": "magic"}}, "context.treatment"),
        ({"context": {"treatment": "car_t", "source": "robot"}}, "context.source"),
        (
            {"context": {"treatment": "car_t", "days_since_infusion": -1}},
            "context.days_since_infusion",
        ),
        ({"context": {"treatment": "car_t", "mood": "ok"}}, "context.mood"),
        (
            {"context": {"treatment": "car_t"}, "observations": {"temperature_c": 60}},
            "observations.temperature_c",
        ),
        (
            {"context": {"treatment": "car_t"}, "observations": {"temperature_c": "38"}},
            "observations.temperature_c",
        ),
        (
            {
                "context": {"treatment": "car_t"},
                "observations": {"stools_over_baseline_per_day": -1},
            },
            "observations.stools_over_baseline_per_day",
        ),
        (
            {
                "context": {"treatment": "car_t"},
                "observations": {"stools_over_baseline_per_day": 2.5},
            },
            "observations.stools_over_baseline_per_day",
        ),
        (
            {"context": {"treatment": "car_t"}, "observations": {"ice_score": 11}},
            "observations.ice_score",
        ),
        (
            {
                "context": {"treatment": "car_t"},
                "observations": {
                    "ice": {
                        "orientation": 5,
                        "naming": 3,
                        "commands": 1,
                        "writing": 1,
                        "attention": 1,
                    }
                },
            },
            "observations.ice.orientation",
        ),
        (
            {"context": {"treatment": "car_t"}, "observations": {"ice": {"orientation": 4}}},
            "observations.ice.naming",
        ),
        (
            {
                "context": {"treatment": "car_t"},
                "observations": {
                    "ice": {
                        "orientation": 4,
                        "naming": 3,
                        "commands": 1,
                        "writing": 1,
                        "attention": 1,
                    },
                    "ice_score": 9,
                },
            },
            "observations.ice_score",
        ),
        ({"context": {"treatment": "car_t"}, "observations": {"mood": "sad"}}, "observations.mood"),
        (
            {"context": {"treatment": "car_t"}, "observations": {"dyspnea": "a bit"}},
            "observations.dyspnea",
        ),
        (
            {"context": {"treatment": "car_t"}, "observations": {"peritoneal_signs": "yes"}},
            "observations.peritoneal_signs",
        ),
        ({"context": {"treatment": "car_t"}, "extra": 1}, "extra"),
    ],
)
def test_bad_input_names_the_field(item, field):
    assessment, error = grading.validate(item)
    assert assessment is None and error["field"] == field and error["message"]


ORDERED = {
    "abdominal_pain": ["none", "mild", "moderate", "severe"],
    "dyspnea": ["none", "moderate_exertion", "minimal_exertion", "at_rest", "life_threatening"],
    "vomiting": [
        "none",
        "no_intervention",
        "outpatient_iv_hydration",
        "tube_feeding_or_hospitalization",
        "life_threatening",
    ],
    "hypotension": ["none", "fluid_responsive", "one_vasopressor", "multiple_vasopressors"],
    "oxygen": ["none", "low_flow_nasal_cannula", "high_flow_or_face_mask", "positive_pressure"],
    "consciousness": ["awake", "wakes_to_voice", "wakes_to_touch", "unarousable"],
    "seizure": ["none", "rapidly_resolving", "prolonged_or_repetitive"],
}


@st.composite
def worse_pairs(draw):
    """Two observation sets where the second is at least as bad as the first on every key."""
    base, worse = {}, {}
    temperature = draw(st.floats(30, 45))
    base["temperature_c"] = temperature
    worse["temperature_c"] = draw(st.floats(temperature, 45))
    stools = draw(st.integers(0, 50))
    base["stools_over_baseline_per_day"], worse["stools_over_baseline_per_day"] = (
        stools,
        draw(st.integers(stools, 50)),
    )
    for key in ("alt_x_uln", "ast_x_uln"):
        value = draw(st.floats(0, 1000))
        base[key], worse[key] = value, draw(st.floats(value, 1000))
    bilirubin = draw(st.floats(0, 100))
    base["bilirubin_x_uln"], worse["bilirubin_x_uln"] = bilirubin, draw(st.floats(bilirubin, 100))
    bsa = draw(st.floats(0, 100))
    base["rash_bsa_percent"], worse["rash_bsa_percent"] = bsa, draw(st.floats(bsa, 100))
    for key, values in ORDERED.items():
        index = draw(st.integers(0, len(values) - 1))
        base[key], worse[key] = values[index], values[draw(st.integers(index, len(values) - 1))]
    score = draw(st.integers(0, 10))
    base["ice_score"], worse["ice_score"] = score, draw(st.integers(0, score))
    for key in ("blood_or_mucus_in_stool", "peritoneal_signs", "fever_masked"):
        flag = draw(st.booleans())
        base[key], worse[key] = flag, flag or draw(st.booleans())
    return base, worse


@given(worse_pairs(), st.sampled_from(grading.TREATMENTS))
def test_grades_never_decrease_when_an_observation_worsens(pair, treatment):
    base, worse = pair
    before, after = graded(base, treatment), graded(worse, treatment)
    terms = {g.term for g in before.grades}
    assert all(after.grade_of(term) >= before.grade_of(term) for term in terms)
    assert (after.crs or 0) >= (before.crs or 0)
    assert (after.icans or 0) >= (before.icans or 0)
    assert after.max_grade >= before.max_grade
