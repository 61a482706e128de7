"""Several independent PyVRP searches (``run`` section of the solver parameters): the best
feasible solution is kept, the result is deterministic for a seed under an iteration budget, and
one search is PyVRP's own call with the plan's seed."""

from __future__ import annotations

import random
from typing import Any

import pytest

from oncoparcours.planning.rules.tours import (
    MULTISTART_SOLVER,
    PLAIN_SOLVER,
    Searched,
    _better,
    derived_seed,
    run_plan,
    solve_best,
    solve_params,
)


def _instance(seed: int = 3, clients: int = 40) -> Any:
    """A small VRPTW: one depot, 6 vehicles of capacity 30, clients with tight windows."""
    from pyvrp import Model

    rng = random.Random(seed)
    model = Model()
    depot = model.add_depot(model.add_location(x=50, y=50))
    model.add_vehicle_type(num_available=6, capacity=[30], start_depot=depot, end_depot=depot)
    for _ in range(clients):
        early = rng.randrange(80, 300)
        model.add_client(
            model.add_location(x=rng.randrange(100), y=rng.randrange(100)),
            delivery=[rng.randrange(1, 4)],
            service_duration=5,
            tw_early=early,
            tw_late=early + rng.randrange(20, 90),
        )
    for frm in model.locations:
        for to in model.locations:
            metres = round(((frm.x - to.x) ** 2 + (frm.y - to.y) ** 2) ** 0.5)
            model.add_edge(frm, to, distance=metres, duration=metres)
    return model.data()


def _alone(data: Any, seed: int, iterations: int) -> Any:
    from pyvrp import solve
    from pyvrp.stop import MaxIterations

    return solve(data, MaxIterations(iterations), seed=seed, display=False, collect_stats=False)


def test_run_plan_defaults_and_refusals() -> None:
    assert run_plan(PLAIN_SOLVER) == (1, 1)
    assert run_plan(MULTISTART_SOLVER) == (2, 3)
    with pytest.raises(ValueError, match="at least 1"):
        run_plan({"run": {"workers": 0}})
    with pytest.raises(ValueError, match="unknown run fields"):
        run_plan({"run": {"threads": 2}})
    # The run section is not PyVRP's: its parameters stay PyVRP's defaults.
    from pyvrp import SolveParams

    assert solve_params(MULTISTART_SOLVER) == SolveParams()
    assert derived_seed(7, 0) == 7 and len({derived_seed(7, i) for i in range(6)}) == 6


def test_one_search_is_pyvrps_call_with_the_plans_seed() -> None:
    data = _instance()
    searched = solve_best(data, 5, PLAIN_SOLVER, max_iterations=300)
    alone = _alone(data, 5, 300)
    assert searched.index == 0 and searched.iterations == 300
    assert searched.cost == alone.cost()
    assert searched.solution == alone.best


def test_the_best_of_the_searches_is_kept_and_is_deterministic() -> None:
    data = _instance()
    params = {"run": {"workers": 2, "restarts": 2}}
    first = solve_best(data, 3, params, max_iterations=400)
    again = solve_best(data, 3, params, max_iterations=400)
    # Each of the 4 searches alone: 200 iterations (a worker's 400 split over its 2 restarts).
    alone = [_alone(data, derived_seed(3, index), 200) for index in range(4)]
    feasible = [(r.cost(), index) for index, r in enumerate(alone) if r.is_feasible()]
    assert feasible, "the small instance has feasible solutions"
    assert first.feasible and (first.cost, first.index) == min(feasible)
    assert first.index == 2  # here the second worker's first search found the best
    assert first.iterations == sum(r.num_iterations for r in alone) == 800
    assert (again.cost, again.index) == (first.cost, first.index)
    assert again.solution == first.solution


def test_a_feasible_solution_beats_a_cheaper_infeasible_one() -> None:
    infeasible = Searched(None, False, 10.0, 0, 0)
    feasible = Searched(None, True, 20.0, 1, 0)
    cheaper_later = Searched(None, True, 20.0, 2, 0)
    assert _better(feasible, infeasible) and not _better(infeasible, feasible)
    assert _better(feasible, cheaper_later)  # same cost: the lower search index


def test_a_budget_is_required() -> None:
    with pytest.raises(ValueError, match="budget"):
        solve_best(_instance(), 1, PLAIN_SOLVER)


def test_a_time_budget_stops_every_worker() -> None:
    import time

    started = time.monotonic()
    searched = solve_best(_instance(), 2, {"run": {"workers": 2, "restarts": 2}}, max_seconds=1.5)
    assert searched.feasible
    assert time.monotonic() - started < 15  # the workers' start-up on a loaded machine
