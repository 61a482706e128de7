"""The patient's preferred nurse inside the tour optimisation (PyVRP routing profiles): she gets
the visit when her detour is small, not when it is large (the solver alone; the repair step may
still move it afterwards), and qualification always wins over preference."""

from __future__ import annotations

from oncoparcours.planning.rules.geo import TravelModel, haversine_km
from oncoparcours.planning.rules.tours import (
    PREFERENCE_METRES,
    Nurse,
    Visit,
    _solve,
    plan_tours,
)

TRAVEL = TravelModel(detour_factor=1.4, speed_kmh=30)
IMMUNO = "immunotherapy_initiation"
NEAR = Nurse("near", (45.700, 4.800), 420, 900, frozenset({IMMUNO}))
PREFERRED = Nurse("preferred", (45.700, 4.820), 420, 900, frozenset({IMMUNO}))
FAR = Nurse("far", (45.900, 4.800), 420, 900, frozenset({IMMUNO}))
UNTRAINED = Nurse("untrained", (45.700, 4.820), 420, 900)
HOME = (45.700, 4.803)  # the patient's home, next to NEAR's


def _round_trip_m(nurse: Nurse) -> float:
    return 2 * TRAVEL.road_km(nurse.home, HOME) * 1000


def _solved(nurses: list[Nurse], visit: Visit) -> dict[str, list[str]]:
    routes = _solve(nurses, [visit], TRAVEL, 1, 300, 2.0)
    return {key: keys for key, keys in routes.items() if keys}


def test_the_setting_costs_what_the_tests_say() -> None:
    detour = _round_trip_m(PREFERRED) - _round_trip_m(NEAR)
    assert 0 < detour < PREFERENCE_METRES
    assert _round_trip_m(FAR) - _round_trip_m(NEAR) > PREFERENCE_METRES
    assert haversine_km(NEAR.home, HOME) < haversine_km(PREFERRED.home, HOME)


def test_without_preference_the_nearest_nurse_gets_the_visit() -> None:
    visit = Visit("v", HOME, 30, (480, 720))
    assert _solved([NEAR, PREFERRED], visit) == {"near": ["v"]}


def test_the_solver_gives_the_preferred_nurse_the_visit_when_it_costs_little() -> None:
    visit = Visit("v", HOME, 30, (480, 720), preferred="preferred")
    assert _solved([NEAR, PREFERRED], visit) == {"preferred": ["v"]}
    stop = plan_tours([NEAR, PREFERRED], [visit], TRAVEL, max_seconds=2).tour_of("preferred")
    assert stop is not None and not stop.stops[0].preferred_missed


def test_the_solver_keeps_the_visit_near_when_the_preferred_nurse_is_far() -> None:
    visit = Visit("v", HOME, 30, (480, 720), preferred="far")
    assert _solved([NEAR, FAR], visit) == {"near": ["v"]}


def test_qualification_wins_over_preference_in_the_solver_and_after() -> None:
    visit = Visit("v", HOME, 60, (480, 720), frozenset({IMMUNO}), preferred="untrained")
    assert _solved([NEAR, UNTRAINED], visit) == {"near": ["v"]}
    plan = plan_tours([NEAR, UNTRAINED], [visit], TRAVEL, max_seconds=2)
    assert plan.nurses_of("v") == ["near"]
    tour = plan.tour_of("near")
    assert tour is not None and tour.stops[0].preferred_missed
    assert plan.tour_of("untrained") is None
