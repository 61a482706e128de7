"""Benchmarks of the nurse-tour solver (issue 18).

1. Solomon RC208 (100 customers, VRPTW) with PyVRP at a fixed wall-clock budget (default 10 s),
   several seeds; cost with DIMACS rounding (distances truncated to one decimal), best-known
   776.1. Gap % = 100 × (cost − BKS) / BKS. ``--params`` runs plain PyVRP (its default
   parameters), the tuned parameters of the planning rules (``TUNED_SOLVER``), the multi-start
   set (``MULTISTART_SOLVER``: 2 worker processes × 3 searches from scratch, the best kept), or
   several of them (default: plain and tuned) on the same seeds, side by side. The call is the
   planner's (``solve_best``): the time budget is wall clock from the call (the workers'
   start-up included), an iteration budget is per worker (split between its restarts).
2. Re-planning one cancelled visit in a 200-visit day (20 nurses around Lyon, seeded): the time
   to re-plan as ``visit_cancel`` does (target ≤ 2 s: every tour re-checked, the affected one
   keeping its other visits in order and taking the day's unassigned ones that fit); and, as
   ``nurse_absent`` does, the time to insert the busiest nurse's visits into the 19 other tours.

    .venv/bin/python bench/tours.py [--budget 10 | --iterations 20000] [--seeds 1 2 3]
        [--params plain tuned multistart] [--skip-replan]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import common

from oncoparcours.planning.rules.geo import TravelModel
from oncoparcours.planning.rules.tours import (
    NAMED_SOLVERS,
    Nurse,
    Visit,
    insert_visits,
    plan_tours,
)

INSTANCE = common.shared_benchmarks("vrptw", "RC208.vrp")
BKS = 776.1
PARAMS = NAMED_SOLVERS


def solomon(
    path: Path, budget: float, seeds: list[int], names: list[str], iterations: int | None = None
) -> dict[str, object]:
    """Each seed with each parameter set in turn (interleaved, so that a change of the machine's
    load during the run falls on both alike). ``iterations``: stop after that many iterations
    instead of ``budget`` seconds (deterministic for a seed, whatever the machine's load)."""
    from pyvrp import read

    data = read(path, round_func="dimacs")
    costs: dict[str, list[float]] = {name: [] for name in names}
    for seed in seeds:
        for name in names:
            searched, cost, elapsed = common.solve_vrptw(
                data, seed, PARAMS[name], budget, iterations
            )
            feasible = searched.feasible
            costs[name].append(cost)
            print(
                f"RC208 {name} seed {seed}: cost {cost:.1f} "
                f"({'feasible' if feasible else 'INFEASIBLE'}), {searched.solution.num_routes()} "
                f"routes, gap {100 * (cost - BKS) / BKS:.2f} %, {searched.iterations} "
                f"iterations, {elapsed:.1f} s, load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    runs: dict[str, object] = {}
    for name, values in costs.items():
        median = statistics.median(values)
        at_bks = sum(1 for c in values if c <= BKS + 1e-6)
        print(f"RC208 {name}: {at_bks} / {len(seeds)} seeds at {BKS}, median {median:.1f}")
        runs[name] = {
            "solver": PARAMS[name],
            "costs": values,
            "median": median,
            "best": min(values),
            "gap_median_pct": round(100 * (median - BKS) / BKS, 2),
            "at_bks": at_bks,
        }
    return {
        "instance": "RC208",
        "budget_s": None if iterations else budget,
        "iterations": iterations,
        "seeds": seeds,
        "runs": runs,
    }


def replan(seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    centre = (45.742, 4.881)

    def near() -> tuple[float, float]:
        return centre[0] + rng.uniform(-0.12, 0.12), centre[1] + rng.uniform(-0.16, 0.16)

    nurses = [
        Nurse(f"n{i}", near(), 420, 1140, frozenset({"immuno"} if i % 2 else set()), 30)
        for i in range(20)
    ]
    visits = []
    for i in range(200):
        kind = rng.random()
        if kind < 0.4:
            visits.append(Visit(f"v{i}", near(), 15, (420, 600)))
        elif kind < 0.6:
            visits.append(Visit(f"v{i}", near(), 60, (480, 720), frozenset({"immuno"})))
        else:
            visits.append(Visit(f"v{i}", near(), 30, (480, 1080)))
    travel = TravelModel(1.4, 30)
    started = time.monotonic()
    plan = plan_tours(nurses, visits, travel, seed=seed, max_iterations=20000, max_seconds=30)
    build_s = time.monotonic() - started
    tour = max(plan.tours, key=lambda t: len(t.stops))
    nurse = next(n for n in nurses if n.key == tour.nurse)
    by_key = {v.key: v for v in visits}
    remaining = [by_key[s.visit] for s in tour.stops[1:]]
    waiting = [by_key[u.visit] for u in plan.unassigned]
    started = time.monotonic()
    # As visit_cancel: every tour is checked, only the cancelled visit's tour takes visits.
    cancel_routes = {t.nurse: [by_key[s.visit] for s in t.stops] for t in plan.tours}
    cancel_routes[nurse.key] = remaining
    insert_visits(nurses, cancel_routes, waiting, travel, open_to={nurse.key})
    replan_s = time.monotonic() - started
    routes = {t.nurse: [by_key[s.visit] for s in t.stops] for t in plan.tours}
    moved = routes.pop(tour.nurse)
    started = time.monotonic()
    absent, _changed = insert_visits(
        [n for n in nurses if n.key != tour.nurse], routes, moved, travel
    )
    absent_s = time.monotonic() - started
    placed = sum(len(t.stops) for t in plan.tours)
    print(
        f"200-visit day: built in {build_s:.1f} s ({placed} placed, {len(plan.unassigned)} "
        f"unassigned); re-planning the cancelled visit's tour: {replan_s:.2f} s; the busiest "
        f"nurse absent ({len(moved)} visits, {len(absent.unassigned)} left out): {absent_s:.2f} s"
    )
    return {
        "build_s": round(build_s, 2),
        "placed": placed,
        "replan_s": round(replan_s, 2),
        "absent_s": round(absent_s, 2),
        "absent_moved": len(moved),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--budget", type=float, default=10.0)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--instance", type=Path, default=INSTANCE)
    parser.add_argument("--params", nargs="+", choices=sorted(PARAMS), default=["plain", "tuned"])
    parser.add_argument(
        "--iterations",
        type=int,
        help="RC208 stops after this many iterations (per worker) instead of --budget seconds "
        "(about 20,000 is 10 s of one free core of the 2026-12-05 machine)",
    )
    parser.add_argument("--skip-replan", action="store_true", help="RC208 only")
    args = parser.parse_args()
    load = os.getloadavg()
    solomon_runs = solomon(args.instance, args.budget, args.seeds, args.params, args.iterations)
    record = {
        "machine": common.machine(),
        "load_average": {
            "before": [round(x, 2) for x in load],
            "after": [round(x, 2) for x in os.getloadavg()],
        },
        "solomon": solomon_runs,
        "replan": None if args.skip_replan else replan(args.seeds[0]),
    }
    print(common.save("tours", record))


if __name__ == "__main__":
    main()
