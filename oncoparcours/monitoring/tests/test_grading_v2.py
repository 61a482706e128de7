"""default@2 of the triage contract: febrile neutropenia, immune organ toxicities, the relatives'
neurological watch after CAR-T, the flags and the alert rows they raise — each threshold on both
sides. Expected values come from the contract's tables."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncoparcours.monitoring import triage
from oncoparcours.monitoring.rules import grading, policy

DEFAULT = triage.load_rule_set("default@2")
ONCO, ON_CALL, CAR_T = "oncologist", "on_call_physician", "car_t_on_call"
ICI = "immune_checkpoint_inhibitor"


def graded(observations, treatment="chemotherapy"):
    assessment, error = grading.validate(
        {"context": {"treatment": treatment}, "observations": observations}
    )
    assert error is None, error
    return grading.grade(assessment)


def decided(observations, treatment="chemotherapy", rule_set=DEFAULT):
    assessment, error = grading.validate(
        {"context": {"treatment": treatment}, "observations": observations}
    )
    assert error is None, error
    return policy.decide(rule_set, assessment, grading.grade(assessment))


@pytest.mark.parametrize(
    ("count", "grade"),
    [(5.0, 0), (1.5, 0), (1.49, 2), (1.0, 2), (0.99, 3), (0.5, 3), (0.49, 4), (0.0, 4)],
)
def test_neutrophil_count_boundaries(count, grade):
    assert graded({"neutrophils_g_per_l": count}).grade_of("neutrophil_count_decreased") == grade


@pytest.mark.parametrize(
    ("observations", "grade"),
    [
        ({"temperature_c": 38.4, "neutrophils_g_per_l": 0.8}, 3),
        ({"temperature_c": 38.3, "neutrophils_g_per_l": 0.8}, 0),  # single 38.3: not > 38.3
        ({"temperature_c": 38.31, "neutrophils_g_per_l": 0.99}, 3),
        ({"temperature_c": 38.4, "neutrophils_g_per_l": 1.0}, 0),  # count not < 1.0
        ({"temperature_c": 38.0, "neutrophils_g_per_l": 0.9, "fever_hours_at_or_above_38": 1}, 3),
        ({"temperature_c": 38.0, "neutrophils_g_per_l": 0.9, "fever_hours_at_or_above_38": 0.9}, 0),
        ({"temperature_c": 37.9, "neutrophils_g_per_l": 0.1, "fever_hours_at_or_above_38": 5}, 0),
        ({"temperature_c": 38.5, "neutrophils_g_per_l": 0.4, "hypotension": "fluid_responsive"}, 4),
        ({"temperature_c": 38.5, "neutrophils_g_per_l": 0.4, "hypotension": "none"}, 3),
        ({"temperature_c": 39.5}, 0),  # no count: not graded (the flag covers it)
    ],
)
def test_febrile_neutropenia_ctcae(observations, grade):
    for treatment in grading.TREATMENTS:  # graded for every treatment
        assert graded(observations, treatment).grade_of("febrile_neutropenia") == grade


@pytest.mark.parametrize(
    ("ratio", "grade"),
    [(1.0, 0), (1.01, 1), (1.5, 1), (1.51, 2), (3.0, 2), (3.01, 3), (6.0, 3), (6.01, 4)],
)
def test_creatinine_boundaries(ratio, grade):
    assert graded({"creatinine_x_uln": ratio}).grade_of("creatinine_increased") == grade


@pytest.mark.parametrize(
    ("key", "term", "values"),
    [
        ("chest_pain", "chest_pain_cardiac", ["none", "mild", "moderate", "severe"]),
        (
            "muscle_weakness",
            "generalized_muscle_weakness",
            ["none", "symptomatic_not_limiting", "limits_instrumental_adl", "limits_self_care_adl"],
        ),
        ("headache", "headache", ["none", "mild", "moderate", "severe"]),
    ],
)
def test_immune_organ_terms_grade_in_order(key, term, values):
    assert [graded({key: v}).grade_of(term) for v in values] == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("treatment", "observations", "flags"),
    [
        ("chemotherapy", {"temperature_c": 38.0}, ["suspected_febrile_neutropenia"]),
        ("chemotherapy", {"temperature_c": 37.9}, []),
        (
            "chemotherapy",
            {"temperature_c": 38.6, "neutrophils_g_per_l": 0.99},
            ["suspected_febrile_neutropenia"],
        ),
        ("chemotherapy", {"temperature_c": 38.6, "neutrophils_g_per_l": 1.0}, []),
        ("immune_checkpoint_inhibitor", {"temperature_c": 38.6}, []),
        ("other", {"temperature_c": 38.6}, []),
        ("car_t", {"neuro_changes": ["tremor"]}, ["icans_screen_positive"]),
        ("car_t", {"neuro_changes": []}, []),
        ("immune_checkpoint_inhibitor", {"neuro_changes": ["confusion"]}, []),
        ("immune_checkpoint_inhibitor", {"chest_pain": "mild"}, ["suspected_myocarditis_myositis"]),
        ("immune_checkpoint_inhibitor", {"chest_pain": "none"}, []),
        ("chemotherapy", {"chest_pain": "severe"}, []),
        ("immune_checkpoint_inhibitor", {"muscle_weakness": "symptomatic_not_limiting"}, []),
        (
            "immune_checkpoint_inhibitor",
            {"muscle_weakness": "limits_instrumental_adl"},
            ["suspected_myocarditis_myositis"],
        ),
        ("immune_checkpoint_inhibitor", {"headache": "mild"}, []),
        ("immune_checkpoint_inhibitor", {"headache": "moderate"}, ["suspected_hypophysitis"]),
        (
            "immune_checkpoint_inhibitor",
            {"headache": "severe", "chest_pain": "mild"},
            ["suspected_hypophysitis", "suspected_myocarditis_myositis"],
        ),
    ],
)
def test_flags(treatment, observations, flags):
    assert list(graded(observations, treatment).flags) == flags


@pytest.mark.parametrize(
    ("treatment", "observations", "level", "minutes", "notify"),
    [
        # The issue's case: 38.6 °C on chemotherapy was routine within 72 h under default@1.
        ("chemotherapy", {"temperature_c": 38.6}, "immediate", 60, {ONCO, "on_call_physician"}),
        ("chemotherapy", {"temperature_c": 38.6, "neutrophils_g_per_l": 2}, "urgent", 1440, {ONCO}),
        ("immune_checkpoint_inhibitor", {"temperature_c": 38.0}, "urgent", 1440, {"oncologist"}),
        ("other", {"temperature_c": 38.0}, "routine", 4320, {"coordination_nurse"}),
        ("car_t", {"neuro_changes": ["confusion"]}, "immediate", 60, {"car_t_on_call"}),
        ("car_t", {"neuro_changes": ["seizure_witnessed"]}, "emergency", 0, {ON_CALL, CAR_T}),
        ("immune_checkpoint_inhibitor", {"chest_pain": "mild"}, "immediate", 60, {"oncologist"}),
        ("immune_checkpoint_inhibitor", {"headache": "moderate"}, "urgent", 1440, {"oncologist"}),
    ],
)  # fmt: skip
def test_default_2_levels_deadlines_and_recipients(treatment, observations, level, minutes, notify):
    decision = decided(observations, treatment)
    assert (decision.level, decision.respond_within_minutes) == (level, minutes)
    assert set(decision.notify) == notify


def test_febrile_neutropenia_advice_says_call_now_else_15_and_no_antipyretic():
    advice = decided({"temperature_c": 38.6}).advice["fr"]
    assert "maintenant" in advice and "15" in advice and "avant d'avoir appelé" in advice


def test_intensive_care_and_neurology_are_notified_after_car_t_without_changing_the_level():
    crs_2 = decided({"temperature_c": 39.0, "hypotension": "fluid_responsive"}, "car_t")
    assert (crs_2.level, crs_2.also_notify) == ("immediate", ("icu_on_call",))
    icans_1 = decided({"ice_score": 8}, "car_t")
    assert icans_1.also_notify == ("neurology_on_call",)
    icans_2 = decided({"ice_score": 5}, "car_t")
    assert set(icans_2.also_notify) == {"icu_on_call", "neurology_on_call"}
    watch = decided({"neuro_changes": ["tremor"]}, "car_t")
    assert watch.also_notify == ("neurology_on_call",)
    crs_1 = decided({"temperature_c": 38.5}, "car_t")
    assert crs_1.also_notify == ()
    not_car_t = decided({"temperature_c": 39.0, "hypotension": "fluid_responsive"}, "other")
    assert not_car_t.also_notify == ()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["headache"], "must be one of"),
        (["tremor", "tremor"], "repeated"),
        ("confusion", "must be a list"),
        ([1], "must be one of"),
    ],
)
def test_neuro_changes_are_checked_and_the_field_named(value, message):
    _assessment, error = grading.validate(
        {"context": {"treatment": "car_t"}, "observations": {"neuro_changes": value}}
    )
    assert error["field"] == "observations.neuro_changes" and message in error["message"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("neutrophils_g_per_l", 100.5),
        ("neutrophils_g_per_l", -0.1),
        ("neutrophils_g_per_l", float("inf")),
        ("creatinine_x_uln", 100.1),
        ("fever_hours_at_or_above_38", -1),
        ("chest_pain", "crushing"),
        ("muscle_weakness", True),
        ("headache", 2),
    ],
)
def test_new_keys_refuse_out_of_range_or_wrong_types(key, value):
    _assessment, error = grading.validate(
        {"context": {"treatment": "chemotherapy"}, "observations": {key: value}}
    )
    assert error["field"] == f"observations.{key}"


@pytest.mark.parametrize("label", triage.shipped_rule_sets())
def test_every_shipped_rule_set_agrees_with_its_vignettes(label):
    suite = triage.shipped_vignettes(label)
    assert suite is not None, f"{label} has no vignette file"
    report = triage.check_vignettes(suite, triage.load_rule_set(label))
    assert report.checked > 0 and report.ok, report.disagreements


def test_the_default_2_vignettes_cover_every_flag_and_alert_row_of_the_contract():
    suite = triage.shipped_vignettes("default@2")
    flags = {flag for case in suite["vignettes"] for flag in case["expected"].get("flags", [])}
    assert flags == set(grading.FLAGS)
    rule_ids = set()
    for case in suite["vignettes"]:
        if "error" in case["expected"]:
            continue
        result = triage.evaluate_one(case["input"], DEFAULT)
        assessment, _error = grading.validate(case["input"])
        graded_case = grading.grade(assessment)
        rule_ids |= {
            rule.id for rule in DEFAULT.rules if policy.matches(rule.when, assessment, graded_case)
        }
        assert result["flags"] == case["expected"].get("flags", result["flags"])
    assert rule_ids == {rule.id for rule in DEFAULT.rules}
    assert any("error" in case["expected"] for case in suite["vignettes"])


def test_a_rule_set_must_pin_the_version_it_extends():
    data = triage.rule_set_file("asco-organ-2021@2")
    with pytest.raises(policy.RuleSetError) as refused:
        triage.rule_set_from_data({**data, "extends": "default"})
    assert "pin" in str(refused.value)


def test_a_rule_with_an_unknown_flag_is_refused():
    data = {
        "id": "x",
        "version": 1,
        "title": {"fr": "x"},
        "source": "s",
        "rules": [
            {"id": "r", "when": {"flag": "suspected_boredom"}, "level": "urgent",
             "advice": {"fr": "a"}}
        ],
    }  # fmt: skip
    with pytest.raises(policy.RuleSetError) as refused:
        policy.parse(data)
    assert refused.value.problems[0][0] == "rules[0].when.flag"


LEVEL_ORDERED = {
    "chest_pain": ["none", "mild", "moderate", "severe"],
    "muscle_weakness": [
        "none",
        "symptomatic_not_limiting",
        "limits_instrumental_adl",
        "limits_self_care_adl",
    ],
    "headache": ["none", "mild", "moderate", "severe"],
    "hypotension": ["none", "fluid_responsive", "one_vasopressor", "multiple_vasopressors"],
    "dyspnea": ["none", "moderate_exertion", "minimal_exertion", "at_rest", "life_threatening"],
}


@st.composite
def worse_pairs(draw):
    """Two reports where the second is at least as bad as the first on every key."""
    base, worse = {}, {}
    temperature = draw(st.floats(35, 42))
    base["temperature_c"], worse["temperature_c"] = temperature, draw(st.floats(temperature, 42))
    hours = draw(st.floats(0, 48))
    base["fever_hours_at_or_above_38"] = hours
    worse["fever_hours_at_or_above_38"] = draw(st.floats(hours, 48))
    count = draw(st.floats(0, 10))
    base["neutrophils_g_per_l"], worse["neutrophils_g_per_l"] = count, draw(st.floats(0, count))
    creatinine = draw(st.floats(0, 100))
    base["creatinine_x_uln"] = creatinine
    worse["creatinine_x_uln"] = draw(st.floats(creatinine, 100))
    for key, values in LEVEL_ORDERED.items():
        index = draw(st.integers(0, len(values) - 1))
        base[key], worse[key] = values[index], values[draw(st.integers(index, len(values) - 1))]
    seen = draw(st.lists(st.sampled_from(grading.NEURO_CHANGES), unique=True))
    more = draw(st.lists(st.sampled_from(grading.NEURO_CHANGES), unique=True))
    base["neuro_changes"], worse["neuro_changes"] = seen, sorted(set(seen) | set(more))
    return base, worse


@given(worse_pairs(), st.sampled_from(grading.TREATMENTS))
def test_the_alert_level_never_drops_when_a_report_worsens(pair, treatment):
    base, worse = pair
    before, after = decided(base, treatment), decided(worse, treatment)
    assert policy.RANK[after.level] >= policy.RANK[before.level]
    assert set(graded(worse, treatment).flags) >= set(graded(base, treatment).flags)


def test_at_grade_4_the_treating_team_is_still_notified_and_told_what_matters():
    """Grade 4 makes the on-call physician the first recipient; the team that treats the
    complication (CAR-T on-call, oncologist) is notified as well, and the advice keeps what the
    patient must know."""
    icans_4 = decided({"ice_score": 0, "consciousness": "unarousable"}, "car_t")
    assert (icans_4.level, icans_4.notify) == ("emergency", ("on_call_physician",))
    assert {"car_t_on_call", "icu_on_call", "neurology_on_call"} <= set(icans_4.also_notify)
    assert "CAR-T" in icans_4.advice["fr"]
    febrile_4 = decided({"temperature_c": 38.5, "neutrophils_g_per_l": 0.3})
    assert (febrile_4.level, febrile_4.respond_within_minutes) == ("emergency", 0)
    assert febrile_4.also_notify == ("oncologist",)
    assert "avant d'avoir été examiné" in febrile_4.advice["fr"]
    myocarditis_4 = decided({"chest_pain": "mild", "dyspnea": "life_threatening"}, ICI)
    assert myocarditis_4.level == "emergency" and "oncologist" in myocarditis_4.also_notify


@pytest.mark.parametrize(
    ("observations", "field"),
    [
        ({"rash_symptoms": "moderate_or_severe"}, "observations.rash_bsa_percent"),
        ({"rash_symptoms": "mild", "rash_bsa_percent": 0}, "observations.rash_bsa_percent"),
        ({"fever_hours_at_or_above_38": 5}, "observations.temperature_c"),
        ({"fever_hours_above_40": 30}, "observations.temperature_c"),
    ],
)
def test_a_symptom_without_its_grade_is_refused_never_triaged_as_no_alert(observations, field):
    from oncoparcours.monitoring import triage

    item = {"id": "x", "context": {"treatment": "chemotherapy"}, "observations": observations}
    result = triage.evaluate_one(item, triage.load_rule_set("default@2"))
    assert result["error"]["field"] == field
    assert "alert" not in result


def test_modifiers_with_their_graded_value_or_answered_none_are_accepted():
    from oncoparcours.monitoring import triage

    for observations in (
        {"rash_symptoms": "none"},
        {"rash_symptoms": "mild", "rash_bsa_percent": 5},
        {"fever_hours_at_or_above_38": 0},
        {"temperature_c": 40.5, "fever_hours_above_40": 30},
    ):
        item = {"context": {"treatment": "chemotherapy"}, "observations": observations}
        assert "error" not in triage.evaluate_one(item, triage.load_rule_set("default@2"))


@pytest.mark.parametrize(
    ("when", "path"),
    [
        ({"term": "fever"}, "rules[0].when.grade_at_least"),  # grade 0 would always hold
        ({"term": "fever", "grade_at_least": 0}, "rules[0].when.grade_at_least"),
        ({"term": "fevre", "grade_at_least": 1}, "rules[0].when.term"),  # never graded
        ({"any_of": [{"term": "crs", "grade_atleast": 2}]}, "rules[0].when.any_of[0]"),
        ({"any_of": [{"term": "crs"}]}, "rules[0].when.any_of[0].grade_at_least"),
        ({"max_grade_at_least": 1, "treatment": "car-t"}, "rules[0].when.treatment"),
        ({"max_grade_at_least": 1, "source": ["infirmiere"]}, "rules[0].when.source"),
    ],
)
def test_a_rule_that_would_hold_without_the_symptom_or_never_hold_is_refused(when, path):
    """A typo in a rule set must not make a rule fire for everyone or for no one."""
    data = {
        "id": "typo",
        "version": 1,
        "title": {"fr": "t"},
        "source": "s",
        "rules": [{"id": "r", "when": when, "level": "urgent", "advice": {"fr": "a"}}],
    }
    with pytest.raises(policy.RuleSetError) as refused:
        policy.parse(data)
    assert path in [p for p, _why in refused.value.problems]
