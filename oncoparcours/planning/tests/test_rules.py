"""Tour rules: the qualification rule is never violated, windows and shifts hold, lunch is placed,
nothing is dropped silently."""

from __future__ import annotations

import random

import pytest

from oncoparcours.planning.rules.geo import TravelModel, haversine_km
from oncoparcours.planning.rules.tours import (
    NO_QUALIFIED_NURSE,
    NO_ROOM,
    OUTSIDE_SHIFTS,
    Nurse,
    Visit,
    plan_tours,
    schedule,
)

TRAVEL = TravelModel(detour_factor=1.4, speed_kmh=30)
IMMUNO = "immunotherapy_initiation"
CENTRE = (45.742, 4.881)


def _point(rng: random.Random) -> tuple[float, float]:
    return (CENTRE[0] + rng.uniform(-0.06, 0.06), CENTRE[1] + rng.uniform(-0.08, 0.08))


def _day(seed: int, visits: int = 24) -> tuple[list[Nurse], list[Visit]]:
    rng = random.Random(seed)
    nurses = [
        Nurse(
            f"n{i}",
            _point(rng),
            420,
            900,
            frozenset({IMMUNO} if i < 2 else set()),
            lunch_minutes=30,
            lunch_window=(690, 840),
        )
        for i in range(4)
    ]
    day = []
    for i in range(visits):
        kind = rng.choice(["lab", "administration", "visit"])
        if kind == "lab":
            day.append(Visit(f"v{i}", _point(rng), 15, (420, 600)))
        elif kind == "administration":
            day.append(Visit(f"v{i}", _point(rng), 60, (480, 720), frozenset({IMMUNO})))
        else:
            day.append(Visit(f"v{i}", _point(rng), 30, (480, 1080)))
    return nurses, day


def test_haversine_lyon_paris() -> None:
    # Lyon Part-Dieu – Paris Notre-Dame, about 392 km as the crow flies.
    assert haversine_km((45.7606, 4.8596), (48.853, 2.3499)) == pytest.approx(392, abs=3)
    assert TRAVEL.minutes(CENTRE, CENTRE) == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_untrained_nurse_never_gets_an_immunotherapy_visit(seed: int) -> None:
    nurses, visits = _day(seed)
    plan = plan_tours(nurses, visits, TRAVEL, seed=seed, max_iterations=300)
    by_key = {visit.key: visit for visit in visits}
    trained = {nurse.key for nurse in nurses if IMMUNO in nurse.qualifications}
    immunotherapy_placed = 0
    for tour in plan.tours:
        for stop in tour.stops:
            if IMMUNO in by_key[stop.visit].qualifications:
                immunotherapy_placed += 1
                assert tour.nurse in trained
    assert immunotherapy_placed > 0


def test_no_trained_nurse_leaves_the_visit_unassigned_with_the_reason() -> None:
    nurses, visits = _day(4, visits=10)
    untrained = [
        Nurse(n.key, n.home, n.shift_start, n.shift_end, frozenset(), n.lunch_minutes)
        for n in nurses
    ]
    plan = plan_tours(untrained, visits, TRAVEL, max_iterations=200)
    needing = {visit.key for visit in visits if visit.qualifications}
    assert needing
    reasons = {u.visit: u.reason for u in plan.unassigned}
    for key in needing:
        assert reasons[key] == NO_QUALIFIED_NURSE
    placed = {stop.visit for tour in plan.tours for stop in tour.stops}
    assert not placed & needing


@pytest.mark.parametrize("seed", [5, 6])
def test_windows_shifts_and_lunch_hold_and_nothing_is_dropped(seed: int) -> None:
    nurses, visits = _day(seed, visits=40)  # more than four nurses can do
    plan = plan_tours(nurses, visits, TRAVEL, seed=seed, max_iterations=300)
    by_key = {visit.key: visit for visit in visits}
    nurse_by_key = {nurse.key: nurse for nurse in nurses}
    placed = []
    for tour in plan.tours:
        nurse = nurse_by_key[tour.nurse]
        assert nurse.shift_start <= tour.depart and tour.back <= nurse.shift_end
        previous_end = tour.depart
        for stop in tour.stops:
            visit = by_key[stop.visit]
            assert visit.window[0] <= stop.start <= visit.window[1]
            assert stop.start >= stop.arrival >= previous_end
            previous_end = stop.end
        if tour.lunch_start is None:  # over in time for a break at home
            assert tour.back + 30 <= 840 or tour.depart >= 690 + 30
        else:
            assert tour.lunch_start >= 690 and tour.lunch_start + 30 <= 840
            for stop in tour.stops:  # no visit overlaps the break
                assert stop.end <= tour.lunch_start or stop.start >= tour.lunch_start + 30
        placed += [stop.visit for stop in tour.stops]
    unassigned = [u.visit for u in plan.unassigned]
    assert sorted(placed + unassigned) == sorted(by_key)
    assert len(set(placed)) == len(placed)
    assert {u.reason for u in plan.unassigned} <= {NO_ROOM, OUTSIDE_SHIFTS}
    assert plan.unassigned  # 40 visits do not fit: the surplus is listed


def test_a_window_outside_every_shift_is_reported() -> None:
    nurse = Nurse("n", CENTRE, 420, 720)
    late = Visit("late", CENTRE, 30, (1080, 1140))
    plan = plan_tours([nurse], [late], TRAVEL, max_iterations=50)
    assert plan.tours == []
    assert [(u.visit, u.reason) for u in plan.unassigned] == [("late", OUTSIDE_SHIFTS)]


def test_schedule_places_lunch_in_its_window() -> None:
    nurse = Nurse("n", CENTRE, 420, 900, lunch_minutes=45, lunch_window=(720, 840))
    visits = [
        Visit("a", CENTRE, 60, (660, 700)),
        Visit("b", CENTRE, 60, (780, 800)),
    ]
    tour = schedule(nurse, visits, TRAVEL)
    assert tour is not None
    assert tour.lunch_after == 1 and 720 <= tour.lunch_start <= 735
    assert schedule(nurse, [Visit("c", CENTRE, 150, (700, 700))], TRAVEL) is None


def test_bad_input_names_the_field() -> None:
    with pytest.raises(ValueError, match="shift"):
        Nurse("n", CENTRE, 900, 420)
    with pytest.raises(ValueError, match="time window"):
        Visit("v", CENTRE, 30, (600, 500))


def test_a_morning_tour_leaves_lunch_at_home() -> None:
    nurse = Nurse("n", CENTRE, 420, 900, lunch_minutes=30, lunch_window=(690, 840))
    tour = schedule(nurse, [Visit("a", (CENTRE[0] + 0.01, CENTRE[1]), 15, (480, 540))], TRAVEL)
    assert tour is not None and tour.lunch_start is None and tour.back < 690


def test_solver_parameters_are_passed_to_pyvrp() -> None:
    """The tuned parameters (data in the rules) reach PyVRP's SolveParams; what they do not give
    keeps PyVRP's default; an unknown section is refused rather than ignored."""
    from pyvrp import SolveParams

    from oncoparcours.planning.rules.tours import PLAIN_SOLVER, TUNED_SOLVER, solve_params

    assert solve_params(PLAIN_SOLVER) == SolveParams()
    tuned = solve_params(TUNED_SOLVER)
    defaults = SolveParams()
    for section, fields in TUNED_SOLVER.items():
        for name, value in fields.items():
            assert getattr(getattr(tuned, section), name) == value
    assert tuned.operators == defaults.operators
    with pytest.raises(ValueError, match="unknown solver parameter sections"):
        solve_params({"genetic": {"repair_probability": 0.5}})
