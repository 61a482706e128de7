import datetime as dt
import itertools
from collections import Counter

import pytest
import yaml

from oncoparcours.pathways.loader import TEMPLATE_DIR
from oncoparcours.pathways.rules import scheduling
from oncoparcours.pathways.rules.dates import Offset, add_months

START = dt.date(2026, 1, 5)


def template(name):
    return yaml.safe_load((TEMPLATE_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def plan(name, **params):
    data = template(name)
    return scheduling.expand(
        data, start=START, parameters=scheduling.resolve_parameters(data, params)
    )


def test_month_arithmetic():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert Offset(months=6).apply(dt.date(2026, 1, 5)) == dt.date(2026, 7, 5)


@pytest.mark.parametrize(("weeks", "administrations"), [(2, 52), (3, 36), (4, 26)])
def test_home_immunotherapy_administrations_follow_the_chosen_interval(weeks, administrations):
    result = plan("home-immunotherapy", interval_weeks=weeks)
    kinds = Counter(a.activity_id for a in result.activities)
    total = (
        kinds["dh-administration"] + kinds["home-administration-2"] + kinds["home-administration-3"]
    )
    assert total == pytest.approx(administrations, abs=2)
    first_sequence = sorted(
        a.due for a in result.activities if a.activity_id == "dh-administration"
    )
    assert {(b - a).days for a, b in itertools.pairwise(first_sequence)} == {7 * weeks}
    assert [p.end for p in result.phases] == [
        dt.date(2026, 7, 5),
        dt.date(2027, 1, 5),
        dt.date(2028, 1, 5),
    ]


def test_education_workshops_start_at_week_10():
    result = plan("home-immunotherapy")
    workshops = sorted(a.due for a in result.activities if a.activity_id == "education-workshop")
    assert workshops[0] == START + dt.timedelta(weeks=10)
    assert len(workshops) == 4


def test_each_home_administration_depends_on_its_own_blood_test():
    result = plan("home-immunotherapy")
    by_key = {a.key: a for a in result.activities}
    third = by_key["home-administration-2#3"]
    assert third.depends_on == ["home-lab-2#3", "idec-precheck-2#3"]
    assert by_key["home-lab-2#3"].due == third.due - dt.timedelta(days=2)


def test_gp_is_informed_at_each_sequence_change():
    result = plan("home-immunotherapy")
    letters = {
        a.activity_id: a.due for a in result.activities if a.activity_id.startswith("gp-letter")
    }
    assert letters["gp-letter-sequence-2"] == result.phases[1].start
    assert letters["gp-letter-sequence-3"] == result.phases[2].start


def test_car_t_lymphodepletion_is_d5_to_d3_and_manufacturing_depends_on_product():
    result = plan("car-t", product="idecabtagene_vicleucel")
    by_key = {a.key: a for a in result.activities}
    infusion = by_key["car-t-infusion"].due
    assert [by_key[f"lymphodepletion#{i}"].due for i in (1, 2, 3)] == [
        infusion - dt.timedelta(days=d) for d in (5, 4, 3)
    ]
    release = by_key["product-release"].due
    assert (release - by_key["shipment-to-manufacturer"].due).days == 30
    fast = {a.key: a for a in plan("car-t", product="axicabtagene_ciloleucel").activities}
    assert (fast["product-release"].due - fast["shipment-to-manufacturer"].due).days == 17
    assert "bridging-therapy" not in by_key
    assert "bridging-therapy" in {a.key for a in plan("car-t", bridging=True).activities}
    monitoring = [a for a in result.activities if a.activity_id == "crs-icans-assessment"]
    # Daily from D1 to the label's window: 10 days for idecabtagene vicleucel (EU SmPC).
    assert [a.due for a in monitoring] == [infusion + dt.timedelta(days=d) for d in range(1, 11)]
    assert set(by_key["discharge"].depends_on) == {a.key for a in monitoring}
    cilta = plan("car-t", product="ciltacabtagene_autoleucel").activities
    cilta_infusion = next(a.due for a in cilta if a.key == "car-t-infusion")
    cilta_days = [a.due for a in cilta if a.activity_id == "crs-icans-assessment"]
    assert cilta_days[-1] == cilta_infusion + dt.timedelta(days=14) and len(cilta_days) == 14


def test_fast_track_delay_targets_count_from_suspicion():
    result = plan("fast-track-diagnosis")
    first = next(a for a in result.activities if a.activity_id == "first-treatment")
    assert (first.delay_days, first.delay_from) == (35, ("activity", "suspicion"))


def test_parameters_are_checked():
    with pytest.raises(scheduling.ParameterError) as error:
        scheduling.resolve_parameters(
            template("home-immunotherapy"), {"interval_weeks": 6, "colour": 1}
        )
    assert set(error.value.problems) == {"interval_weeks", "colour"}


def timeline_for(result):
    phases = [scheduling.PhaseState(p.key, p.order, p.duration) for p in result.phases]
    phases[0].started_on = START
    states = {
        a.key: scheduling.ActivityState(a.key, a.anchor, a.offset, a.due) for a in result.activities
    }
    return phases, states


def test_a_late_administration_moves_the_following_ones_but_not_the_past():
    result = plan("home-immunotherapy")
    phases, states = timeline_for(result)
    states["inclusion-consultation"].status = "done"
    states["inclusion-consultation"].done_on = START
    second = states["dh-administration#2"]
    states["dh-administration#1"].status, states["dh-administration#1"].done_on = "done", START
    second.status, second.done_on = "done", second.due + dt.timedelta(days=5)
    changed = scheduling.recompute(scheduling.Timeline(START, phases, states))
    assert changed["dh-administration#3"] == states["dh-administration#3"].due + dt.timedelta(
        days=5
    )
    assert changed["dh-lab#3"] == states["dh-lab#3"].due + dt.timedelta(days=5)
    assert changed["idec-call#2"] == states["idec-call#2"].due + dt.timedelta(days=5)
    assert "dh-administration#2" not in changed and "dh-administration#1" not in changed
    assert "first-control-imaging" not in changed  # anchored on the consultation, done on time


def test_a_phase_starting_late_moves_its_activities():
    result = plan("home-immunotherapy")
    phases, states = timeline_for(result)
    phases[0].completed_on = result.phases[1].start + dt.timedelta(days=14)
    phases[1].started_on = phases[0].completed_on
    changed = scheduling.recompute(scheduling.Timeline(START, phases, states))
    assert changed["gp-letter-sequence-2"] == phases[1].started_on
    assert changed["gp-letter-sequence-3"] == result.phases[2].start + dt.timedelta(days=14)


def test_delay_status():
    ref = dt.date(2026, 1, 1)
    assert (
        scheduling.delay_status(reference=ref, days=7, done_on=dt.date(2026, 1, 8), today=ref)
        == "met"
    )
    assert (
        scheduling.delay_status(reference=ref, days=7, done_on=dt.date(2026, 1, 9), today=ref)
        == "breached"
    )
    assert (
        scheduling.delay_status(reference=ref, days=7, done_on=None, today=dt.date(2026, 1, 9))
        == "breached"
    )
    assert (
        scheduling.delay_status(reference=ref, days=7, done_on=None, today=dt.date(2026, 1, 8))
        == "pending"
    )
