"""Gehring–Homberger 1,000-customer VRPTW subset (issue 18): the product's tour solver against
plain PyVRP at a fixed wall-clock budget.

The nurse-tour planner (``planning/rules/tours.py`` ``_solve``) hands its routing problem to
``pyvrp.solve`` with the parameters of ``SOLVER`` in that module; the issue's bar is "no worse
than plain PyVRP + 0.1 point" of gap. ``--params`` runs plain PyVRP (default parameters), the
tuned set (``TUNED_SOLVER``), the multi-start set (``MULTISTART_SOLVER``: 2 worker processes,
an iteration budget per worker), or several (default: plain and tuned, each instance with each
in turn), through the planner's ``solve_best``. This
script runs each instance of ``../shared/benchmarks/vrptw`` (one per class: C1, C2, R1, R2, RC1,
RC2 ``_10_1``) with that call, DIMACS rounding (distances truncated
to one decimal, cost = distance / 10), and reports the gap to the best-known solution of its
``.sol`` file: gap % = 100 × (cost − BKS) / BKS. The vehicle count is not minimised first (the
DIMACS cost is distance only).

    .venv/bin/python bench/vrptw_gh.py [--budget 300] [--seed 1] [--instances C1_10_1 RC2_10_1]
        [--params plain tuned] [--iterations N]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import common

from oncoparcours.planning.rules.tours import NAMED_SOLVERS

FOLDER = common.shared_benchmarks("vrptw")
PARAMS = NAMED_SOLVERS
INSTANCES = ("C1_10_1", "C2_10_1", "R1_10_1", "R2_10_1", "RC1_10_1", "RC2_10_1")


def best_known(path: Path) -> float:
    for line in path.read_text().splitlines():
        if line.startswith("Cost"):
            return float(line.split()[1])
    raise SystemExit(f"no 'Cost' line in {path}")


def run(
    name: str, budget: float, seed: int, params: str, iterations: int | None = None
) -> dict[str, object]:
    from pyvrp import read

    data = read(FOLDER / f"{name}.vrp", round_func="dimacs")
    bks = best_known(FOLDER / f"{name}.sol")
    load = os.getloadavg()[0]
    searched, cost, elapsed = common.solve_vrptw(data, seed, PARAMS[params], budget, iterations)
    row = {
        "instance": name,
        "params": params,
        "bks": bks,
        "cost": round(cost, 1),
        "feasible": searched.feasible,
        "routes": searched.solution.num_routes(),
        "gap_pct": round(100 * (cost - bks) / bks, 2),
        "iterations": searched.iterations,
        "seconds": round(elapsed, 1),
        "load_average": round(load, 1),
    }
    print(
        f"{name} {params}: cost {cost:.1f} ({'feasible' if row['feasible'] else 'INFEASIBLE'}), "
        f"{row['routes']} routes, BKS {bks}, gap {row['gap_pct']} %, {elapsed:.0f} s, "
        f"load {load:.1f}",
        flush=True,
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--budget", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--instances", nargs="+", default=list(INSTANCES))
    parser.add_argument("--params", nargs="+", choices=sorted(PARAMS), default=["plain", "tuned"])
    parser.add_argument(
        "--iterations",
        type=int,
        help="stop after this many iterations (per worker) instead of --budget seconds "
        "(deterministic for a seed, whatever the machine's load)",
    )
    args = parser.parse_args()
    rows = [
        run(name, args.budget, args.seed, params, args.iterations)
        for name in args.instances
        for params in args.params
    ]
    record = {
        "machine": common.machine(),
        "budget_s": None if args.iterations else args.budget,
        "iterations": args.iterations,
        "seed": args.seed,
        "solvers": {name: PARAMS[name] for name in args.params},
        "instances": rows,
    }
    print(common.save("vrptw_gh", record))


if __name__ == "__main__":
    main()
