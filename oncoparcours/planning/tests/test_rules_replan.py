"""Tour rules (issue 18): the patient's preferred nurse, synchronised double visits, re-planning
by insertion only."""

from __future__ import annotations

import random

import pytest

from oncoparcours.planning.rules.geo import TravelModel
from oncoparcours.planning.rules.tours import (
    NO_QUALIFIED_NURSE,
    NO_SECOND_NURSE,
    Nurse,
    Visit,
    insert_visits,
    plan_tours,
    qualified,
    schedule,
)

TRAVEL = TravelModel(detour_factor=1.4, speed_kmh=30)
IMMUNO = "immunotherapy_initiation"
CENTRE = (45.742, 4.881)


def _point(rng: random.Random) -> tuple[float, float]:
    return (CENTRE[0] + rng.uniform(-0.06, 0.06), CENTRE[1] + rng.uniform(-0.08, 0.08))


def _nurses(rng: random.Random, trained: int = 2, count: int = 4) -> list[Nurse]:
    return [
        Nurse(
            f"n{i}",
            _point(rng),
            420,
            900,
            frozenset({IMMUNO} if i < trained else set()),
            lunch_minutes=30,
            lunch_window=(690, 840),
        )
        for i in range(count)
    ]


def _visits(rng: random.Random, count: int) -> list[Visit]:
    return [Visit(f"v{i}", _point(rng), 30, (480, 1080)) for i in range(count)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_preferred_nurse_gets_the_visit_when_she_can(seed: int) -> None:
    rng = random.Random(seed)
    nurses = _nurses(rng)
    visits = _visits(rng, 10)
    # The patient lives next to n0 but prefers n3, on the other side of town.
    far = Visit("pref", nurses[0].home, 30, (480, 1080), preferred="n3")
    plan = plan_tours(nurses, [*visits, far], TRAVEL, seed=seed, max_iterations=200)
    assert plan.nurses_of("pref") == ["n3"]
    stop = next(s for s in plan.tour_of("n3").stops if s.visit == "pref")
    assert not stop.preferred_missed


def test_preferred_nurse_without_the_qualification_is_not_given_the_visit() -> None:
    rng = random.Random(4)
    nurses = _nurses(rng)
    infusion = Visit("immuno", nurses[3].home, 60, (480, 720), frozenset({IMMUNO}), preferred="n3")
    plan = plan_tours(nurses, [infusion], TRAVEL, max_iterations=200)
    holders = plan.nurses_of("immuno")
    assert len(holders) == 1 and holders[0] in {"n0", "n1"}
    stop = plan.tour_of(holders[0]).stops[0]
    assert stop.preferred_missed


@pytest.mark.parametrize("seed", [1, 5])
def test_double_visit_has_two_qualified_nurses_at_the_same_start(seed: int) -> None:
    rng = random.Random(seed)
    nurses = _nurses(rng)
    visits = _visits(rng, 12)
    double = Visit("double", _point(rng), 45, (540, 660), frozenset({IMMUNO}), nurses=2)
    plan = plan_tours(nurses, [*visits, double], TRAVEL, seed=seed, max_iterations=200)
    holders = plan.nurses_of("double")
    assert sorted(holders) == ["n0", "n1"]
    stops = [next(s for s in plan.tour_of(h).stops if s.visit == "double") for h in holders]
    assert stops[0].start == stops[1].start
    assert 540 <= stops[0].start <= 660
    assert {stops[0].partner, stops[1].partner} == {"n0", "n1"}
    placed = {s.visit for t in plan.tours for s in t.stops}
    assert placed | {u.visit for u in plan.unassigned} == {v.key for v in [*visits, double]}


def test_double_visit_is_never_half_staffed() -> None:
    rng = random.Random(2)
    nurses = _nurses(rng, trained=1)
    double = Visit("double", _point(rng), 45, (540, 660), frozenset({IMMUNO}), nurses=2)
    plan = plan_tours(nurses, [double], TRAVEL, max_iterations=100)
    assert plan.nurses_of("double") == []
    assert [(u.visit, u.reason) for u in plan.unassigned] == [("double", NO_SECOND_NURSE)]


def test_double_visit_without_a_free_second_nurse_is_left_out() -> None:
    rng = random.Random(3)
    nurses = _nurses(rng, count=2)
    # n1's whole morning is taken by a fixed visit, so nobody can join n0 in the window.
    busy = Visit("busy", nurses[1].home, 300, (480, 480))
    double = Visit("double", _point(rng), 45, (540, 600), nurses=2)
    plan = plan_tours(nurses, [busy, double], TRAVEL, max_iterations=100)
    assert plan.nurses_of("double") == []
    assert ("double", NO_SECOND_NURSE) in [(u.visit, u.reason) for u in plan.unassigned]


def test_insertion_keeps_every_tour_order_and_only_adds() -> None:
    rng = random.Random(6)
    nurses = _nurses(rng)
    visits = _visits(rng, 12)
    plan = plan_tours(nurses, visits, TRAVEL, max_iterations=200)
    by_key = {v.key: v for v in visits}
    routes = {t.nurse: [by_key[s.visit] for s in t.stops] for t in plan.tours}
    absent = plan.tours[0].nurse
    moved = routes.pop(absent)
    present = [n for n in nurses if n.key != absent]
    replanned, changed = insert_visits(present, routes, moved, TRAVEL)
    assert replanned.tour_of(absent) is None
    for tour in replanned.tours:
        old = [v.key for v in routes.get(tour.nurse, [])]
        new = [s.visit for s in tour.stops]
        assert [k for k in new if k in old] == old  # order kept, nothing removed
        assert set(new) - set(old) <= {v.key for v in moved}
        nurse = next(n for n in present if n.key == tour.nurse)
        assert schedule(nurse, [by_key[k] for k in new], TRAVEL) is not None
    placed = {s.visit for t in replanned.tours for s in t.stops}
    before = {s.visit for t in plan.tours for s in t.stops}
    assert placed | {u.visit for u in replanned.unassigned} == before
    assert changed and absent not in changed


def test_insertion_finds_a_second_nurse_at_the_same_start_or_drops_the_visit() -> None:
    rng = random.Random(8)
    nurses = _nurses(rng, count=3)
    double = Visit("double", _point(rng), 45, (540, 660), nurses=2)
    routes = {"n0": [double.at(600)], "n1": [double.at(600)], "n2": []}
    plan, changed = insert_visits(
        nurses[1:], {"n1": routes["n1"]}, [], TRAVEL, seconds={"double": "n1"}
    )
    assert sorted(plan.nurses_of("double")) == ["n1", "n2"]
    assert all(s.start == 600 for t in plan.tours for s in t.stops)
    assert changed == {"n2"}
    alone, _changed = insert_visits(
        [nurses[1]], {"n1": routes["n1"]}, [], TRAVEL, seconds={"double": "n1"}
    )
    assert alone.tours == [] and alone.unassigned[0].reason == NO_SECOND_NURSE
    assert qualified(nurses[2], double)


def test_a_sequence_that_no_longer_fits_loses_visits_that_are_then_listed() -> None:
    rng = random.Random(9)
    nurses = _nurses(rng, count=2)
    late = Visit("late", _point(rng), 30, (480, 490))
    early = Visit("early", _point(rng), 400, (480, 480))
    # Both at 8:00 for n0: impossible together; nothing new to insert.
    plan, _changed = insert_visits(nurses, {"n0": [early, late]}, [], TRAVEL)
    placed = {s.visit for t in plan.tours for s in t.stops}
    listed = {u.visit for u in plan.unassigned}
    assert placed | listed == {"late", "early"} and not placed & listed
    assert listed


# --- Safety nets of a re-plan (clinical review) --------------------------------------------------


def test_a_replan_takes_a_visit_out_of_an_unqualified_nurses_tour() -> None:
    rng = random.Random(8)
    nurses = _nurses(rng)  # n0, n1 trained; n2, n3 not (or no longer)
    infusion = Visit("immuno", nurses[2].home, 60, (480, 900), frozenset({IMMUNO}))
    plain = Visit("plain", nurses[2].home, 30, (480, 900))
    plan, changed = insert_visits(nurses, {"n2": [infusion, plain]}, [], TRAVEL)
    assert plan.nurses_of("immuno") == [] and plan.nurses_of("plain") == ["n2"]
    assert [(u.visit, u.reason) for u in plan.unassigned] == [("immuno", NO_QUALIFIED_NURSE)]
    assert "n2" in changed


def test_a_replan_never_keeps_a_double_visit_with_one_nurse_or_an_unqualified_second() -> None:
    rng = random.Random(9)
    nurses = _nurses(rng)
    double = Visit("double", nurses[0].home, 45, (600, 600), frozenset({IMMUNO}), nurses=2)
    # Held by one nurse only: leaves her tour too.
    plan, _changed = insert_visits(nurses, {"n0": [double]}, [], TRAVEL)
    assert plan.nurses_of("double") == []
    assert [(u.visit, u.reason) for u in plan.unassigned] == [("double", NO_SECOND_NURSE)]
    # Held with an untrained nurse: leaves both tours.
    plan, _changed = insert_visits(nurses, {"n0": [double], "n3": [double]}, [], TRAVEL)
    assert plan.nurses_of("double") == []
    assert [(u.visit, u.reason) for u in plan.unassigned] == [("double", NO_QUALIFIED_NURSE)]


def test_a_new_visit_goes_only_to_the_tours_open_to_it() -> None:
    rng = random.Random(10)
    nurses = _nurses(rng)
    near_n3 = Visit("near", nurses[3].home, 30, (480, 900))
    plan, changed = insert_visits(nurses, {}, [near_n3], TRAVEL, open_to={"n1"})
    assert plan.nurses_of("near") == ["n1"] and changed == {"n1"}


def test_a_double_visit_dropped_from_an_open_tour_leaves_its_partners_tour_too() -> None:
    rng = random.Random(11)
    nurses = _nurses(rng)
    double = Visit("double", nurses[0].home, 45, (600, 600), frozenset({IMMUNO}), nurses=2)
    # Its window moved since publication: n0's stored sequence no longer fits with the double.
    clash = Visit("clash", nurses[0].home, 30, (600, 600))
    routes = {"n0": [clash, double], "n1": [double]}
    plan, changed = insert_visits(nurses, routes, [], TRAVEL, open_to={"n0"})
    assert plan.nurses_of("double") == [] and plan.nurses_of("clash") == ["n0"]
    assert [(u.visit, u.reason) for u in plan.unassigned] == [("double", "no_room")]
    assert changed == {"n0", "n1"}
