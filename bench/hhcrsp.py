"""Home-health routing and scheduling benchmark (issue 18): the Mankowska, Meisel & Bierwirth
(2014) instances with synchronised double visits and soft time windows.

Each instance is solved by ``planning/rules/sync_routing.py`` within a wall-clock budget (default
60 s up to 50 patients, 300 s above, as the issue asks), then the plan is VERIFIED on its own
(every service by a qualified caregiver, both services of a double visit by two caregivers,
simultaneous starts equal, sequential gaps inside [min, max], travel times, no start before the
window, routes from and back to the office) and its cost recomputed from the schedule in the
best-known table's convention: total_cost = (distance + total tardiness + max tardiness) / 3.
Gap % = 100 × (cost − BKS) / BKS.

    .venv/bin/python bench/hhcrsp.py [--instances '*_10_*'] [--budget 60] [--seed 1]
        [--ruin 0.03 (0: the solver before ruin and recreate)] [--incremental]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import common

from oncoparcours.planning.rules.sync_routing import RUIN, load, solve, verify

# ../shared/benchmarks/hhcrsp from the main checkout (or from a worktree one level deeper),
# unpacked next to the archive or in /tmp/mk.
CANDIDATES = [
    base / "shared" / "benchmarks" / "hhcrsp"
    for base in (common.ROOT.parent, common.ROOT.parent.parent)
] + [Path("/tmp/mk")]
ARCHIVE = next(
    (c / "mankowska.tar.xz" for c in CANDIDATES if (c / "mankowska.tar.xz").exists()), None
)
DATA = next((c for c in CANDIDATES if (c / "instances" / "mankowska").is_dir()), None)


def unpacked() -> Path:
    """The unpacked data: next to the archive, in /tmp/mk, or unpacked now from the archive."""
    if DATA is not None:
        return DATA
    if ARCHIVE is None:
        raise SystemExit("no Mankowska data: ../shared/benchmarks/hhcrsp/mankowska.tar.xz")
    target = Path(tempfile.gettempdir()) / "hhcrsp-mankowska"
    if not (target / "instances" / "mankowska").is_dir():
        with tarfile.open(ARCHIVE) as archive:
            archive.extractall(target, filter="data")
    return target


def best_known(path: Path) -> dict[str, float]:
    """total_cost by instance name from solutions/mankowska_best.md."""
    table = {}
    for line in path.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 5 and cells[0].endswith(".json"):
            table[cells[0].removesuffix(".json")] = float(cells[4])
    return table


def size(name: str) -> int:
    match = re.search(r"_(\d+)_\d+$", name)
    return int(match.group(1)) if match else 0


def run(
    path: Path,
    budget: float | None,
    seed: int,
    bks: dict[str, float],
    every: bool = False,
    ruin: float = RUIN,
    incremental: bool = False,
) -> dict[str, object]:
    name = path.stem
    problem = load(json.loads(path.read_text()))
    seconds = budget if budget is not None else (60.0 if len(problem.patients) <= 50 else 300.0)
    started = time.monotonic()
    result = solve(
        problem,
        seconds=seconds,
        seed=seed,
        every_caregiver=every,
        ruin=ruin,
        incremental=incremental,
    )
    elapsed = time.monotonic() - started
    check = verify(problem, result.routes)
    cost = check.total_cost
    known = bks.get(name)
    gap = round(100 * (cost - known) / known, 2) + 0.0 if known else None  # no -0.0
    print(
        f"{name}: cost {cost:.3f} (distance {check.distance:.3f}, tardiness "
        f"{check.total_tardiness:.3f}, max {check.max_tardiness:.3f}), BKS {known}, gap {gap} %, "
        f"{'feasible' if check.feasible else 'INFEASIBLE: ' + '; '.join(check.errors[:3])}, "
        f"{elapsed:.1f} s, {result.iterations} iterations, ruin-and-recreate "
        f"{result.ruins_accepted}/{result.ruins} accepted, load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    return {
        "instance": name,
        "patients": len(problem.patients),
        "caregivers": len(problem.caregivers),
        "budget_s": seconds,
        "elapsed_s": round(elapsed, 2),
        "iterations": result.iterations,
        "ruins": result.ruins,
        "ruins_accepted": result.ruins_accepted,
        "load_average_after": os.getloadavg(),
        "first_cost": round(result.first_objective / 3, 3),
        "cost": round(cost, 3),
        "distance": round(check.distance, 3),
        "total_tardiness": round(check.total_tardiness, 3),
        "max_tardiness": round(check.max_tardiness, 3),
        "bks": known,
        "gap_pct": gap,
        "feasible": check.feasible,
        "errors": list(check.errors),
        "solver_agrees": abs(result.objective / 3 - cost) < 1e-6,
        # The plan itself, so that anyone can check it: per caregiver, (patient, service, start).
        "routes": {
            caregiver.key: [
                [problem.patients[s.patient].key, s.service, round(s.start, 6)] for s in route
            ]
            for caregiver, route in zip(problem.caregivers, result.routes, strict=True)
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=None, help="directory with instances/")
    parser.add_argument("--instances", default="*", help="glob on the instance names")
    parser.add_argument("--budget", type=float, default=None, help="seconds per instance")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--name", default="hhcrsp", help="results file prefix")
    parser.add_argument(
        "--every-caregiver", action="store_true", help="an idle caregiver costs 10,000"
    )
    parser.add_argument(
        "--ruin",
        type=float,
        default=RUIN,
        help=f"chance per iteration of a ruin-and-recreate move (default {RUIN}; 0: none)",
    )
    parser.add_argument(
        "--incremental", action="store_true", help="re-time only what a move can change"
    )
    args = parser.parse_args()
    args.data = args.data or unpacked()
    files = sorted(
        (args.data / "instances" / "mankowska").glob(f"{args.instances}.json"),
        key=lambda p: (size(p.stem), p.stem),
    )
    if not files:
        raise SystemExit(f"no instance matches {args.instances!r} under {args.data}")
    bks = best_known(args.data / "solutions" / "mankowska_best.md")
    load_before = os.getloadavg()
    rows = [
        run(path, args.budget, args.seed, bks, args.every_caregiver, args.ruin, args.incremental)
        for path in files
    ]
    by_size: dict[int, list[float]] = {}
    for row in rows:
        if row["gap_pct"] is not None:
            by_size.setdefault(int(row["patients"]), []).append(float(row["gap_pct"]))  # type: ignore[arg-type]
    medians = {n: round(statistics.median(gaps), 2) for n, gaps in sorted(by_size.items())}
    feasible = sum(1 for row in rows if row["feasible"])
    print(f"feasible {feasible}/{len(rows)}; median gap by size: {medians}")
    record = {
        "seed": args.seed,
        "every_caregiver": args.every_caregiver,
        "ruin": args.ruin,
        "incremental": args.incremental,
        "budget_s": args.budget,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "instances": rows,
        "feasible": f"{feasible}/{len(rows)}",
        "median_gap_by_size": medians,
    }
    print(common.save(args.name, record))


if __name__ == "__main__":
    main()
