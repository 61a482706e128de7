"""Benchmarks of the chair / apheresis-machine solver (issue 18, CP-SAT).

Seeded instances of one day (no database; the pure solver as ``chair_plan_build`` calls it):

1. a day hospital: 12 chairs, 80 sessions (30 min to 5 h, preparations ready from 08:00 to
   14:00, a tenth with another appointment, a fifth recurring), 4 nurses;
2. an EFS care centre: 4 apheresis machines, 14 sessions (red-cell exchanges 150 min, a few
   leukapheresis 300 min), 2 nurses;
3. the issue's target: a 30-chair day hospital, 200 sessions, gap to the CP-SAT bound at 30 s
   (target ≤ 2 %), seeds 1..``--big-seeds``.

Solve time (wall clock, model building included) median and p95 over the runs (one seed each).
The limit is CP-SAT's deterministic time (``--limit``, about seconds of work on one core): on a
loaded machine the wall clock is longer.

    .venv/bin/python bench/chairs.py [--runs 5] [--limit 3] [--big-limit 30] [--big-seeds 3]
                                     [--no-big | --only-big] [--workers 1]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import common

from oncoparcours.planning.rules import chair_schedule as cs


def day_hospital(chairs: int, sessions: int, nurses: int, seed: int):
    rng = random.Random(seed)
    centre = cs.Centre(
        opens=8 * 60,
        closes=19 * 60,
        slot=15,
        starts_per_slot=2,
        nurses=nurses,
        patients_per_nurse=4,
    )
    resources = [cs.Resource(f"chair{i:02d}", "chair") for i in range(chairs)]
    demands = []
    for i in range(sessions):
        busy: tuple[tuple[int, int], ...] = ()
        if rng.random() < 0.1:
            at = rng.choice(range(8 * 60, 16 * 60, 30))
            busy = ((at, at + 45),)
        demands.append(
            cs.Demand(
                key=f"s{i:03d}",
                patient=f"p{i:03d}",
                kind="chair",
                duration=rng.choice([30, 60, 60, 90, 90, 120, 120, 180, 240, 300]),
                ready=rng.choice([480, 510, 540, 540, 570, 600, 660, 720, 840]),
                busy=busy,
                recurring=rng.random() < 0.2,
            )
        )
    return centre, resources, demands


def efs_site(seed: int):
    rng = random.Random(seed)
    centre = cs.Centre(opens=8 * 60, closes=18 * 60, slot=15, starts_per_slot=1, nurses=2)
    resources = [cs.Resource(f"separator{i}", "apheresis") for i in range(4)]
    demands = [
        cs.Demand(
            key=f"e{i:02d}",
            patient=f"q{i:02d}",
            kind="apheresis",
            duration=300 if i % 5 == 0 else 150,
            ready=rng.choice([480, 480, 510, 540, 600]),
            recurring=i % 5 != 0 and rng.random() < 0.7,  # red-cell exchange programmes
        )
        for i in range(14)
    ]
    return centre, resources, demands


def run(
    name: str, build, runs: int, limit: float, workers: int = 1, first: int = 1
) -> dict[str, object]:
    times, placed, gaps, loads = [], [], [], []
    for seed in range(first, first + runs):
        loads.append(os.getloadavg()[0])
        centre, resources, demands = build(seed)
        started = time.perf_counter()
        result = cs.schedule(
            centre, resources, demands, time_limit=limit, seed=seed, workers=workers
        )
        times.append(time.perf_counter() - started)
        assert cs.check(centre, resources, demands, result.assignments) == []
        placed.append(len(result.assignments))
        gaps.append(100 * result.gap)
        print(
            f"{name} seed {seed}: {len(result.assignments)}/{len(demands)} placed, "
            f"{result.status}, gap {100 * result.gap:.4f} %, {times[-1]:.2f} s, "
            f"load {loads[-1]:.2f}",
            flush=True,
        )
    figures = common.summary(times)
    print(
        f"{name}: solve time median {figures['median']} s, p95 {figures['p95']} s; "
        f"placed {min(placed)}–{max(placed)}; gap max {max(gaps):.2f} %"
    )
    return {
        "seconds": figures,
        "placed": placed,
        "gap_percent": [round(g, 5) for g in gaps],
        "load_average": loads,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=float, default=3.0)
    parser.add_argument("--big-limit", type=float, default=30.0)
    parser.add_argument("--no-big", action="store_true")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--only-big", action="store_true")
    parser.add_argument("--big-seeds", type=int, default=3, help="seeds 1..N of the 30-chair day")
    args = parser.parse_args()
    record: dict[str, object] = {"limit": args.limit, "workers": args.workers}
    if args.only_big:
        args.runs = 0
    if args.runs:
        record["day_hospital_12x80"] = run(
            "day hospital 12 chairs / 80 sessions",
            lambda seed: day_hospital(12, 80, 4, seed),
            args.runs,
            args.limit,
            args.workers,
        )
        record["efs_4x14"] = run(
            "EFS 4 machines / 14 sessions", efs_site, args.runs, args.limit, args.workers
        )
    if not args.no_big:
        record["day_hospital_30x200"] = run(
            "day hospital 30 chairs / 200 sessions",
            lambda seed: day_hospital(30, 200, 8, seed),
            args.big_seeds,
            args.big_limit,
            args.workers,
        )
    print(common.save("chairs", record))


if __name__ == "__main__":
    main()
