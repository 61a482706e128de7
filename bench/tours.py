"""Benchmarks of the nurse-tour solver (issue 18).

1. Solomon RC208 (100 customers, VRPTW) with PyVRP at a fixed wall-clock budget (default 10 s),
   several seeds; cost with DIMACS rounding (distances truncated to one decimal), best-known
   776.1. Gap % = 100 × (cost − BKS) / BKS.
2. Re-planning one cancelled visit in a 200-visit day (20 nurses around Lyon, seeded): the time
   to re-plan as ``visit_cancel`` does (target ≤ 2 s: every tour re-checked, the affected one
   keeping its other visits in order and taking the day's unassigned ones that fit); and, as
   ``nurse_absent`` does, the time to insert the busiest nurse's visits into the 19 other tours.

    .venv/bin/python bench/tours.py [--budget 10] [--seeds 1 2 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import common

from oncoparcours.planning.rules.geo import TravelModel
from oncoparcours.planning.rules.tours import Nurse, Visit, insert_visits, plan_tours

# ../shared/benchmarks from the main checkout (or from a worktree one level deeper).
INSTANCE = next(
    (
        base / "shared" / "benchmarks" / "vrptw" / "RC208.vrp"
        for base in (common.ROOT.parent, common.ROOT.parent.parent)
        if (base / "shared" / "benchmarks" / "vrptw" / "RC208.vrp").exists()
    ),
    common.ROOT.parent / "shared" / "benchmarks" / "vrptw" / "RC208.vrp",
)
BKS = 776.1


def solomon(path: Path, budget: float, seeds: list[int]) -> dict[str, object]:
    from pyvrp import read, solve
    from pyvrp.stop import MaxRuntime

    data = read(path, round_func="dimacs")
    costs = []
    for seed in seeds:
        started = time.monotonic()
        result = solve(data, stop=MaxRuntime(budget), seed=seed, display=False)
        elapsed = time.monotonic() - started
        cost = result.best.distance() / 10
        feasible = result.best.is_feasible()
        costs.append(cost)
        print(
            f"RC208 seed {seed}: cost {cost:.1f} ({'feasible' if feasible else 'INFEASIBLE'}), "
            f"{result.best.num_routes()} routes, gap {100 * (cost - BKS) / BKS:.2f} %, "
            f"{elapsed:.1f} s"
        )
    median = statistics.median(costs)
    return {
        "instance": "RC208",
        "budget_s": budget,
        "seeds": seeds,
        "costs": costs,
        "median": median,
        "best": min(costs),
        "gap_median_pct": round(100 * (median - BKS) / BKS, 2),
        "at_bks": sum(1 for c in costs if c <= BKS + 1e-6),
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
    args = parser.parse_args()
    record = {
        "machine": common.machine(),
        "solomon": solomon(args.instance, args.budget, args.seeds),
        "replan": replan(args.seeds[0]),
    }
    print(common.save("tours", record))


if __name__ == "__main__":
    main()
