"""HTTP benchmark of the foundation pages at scale (issue 2).

Loads --patients synthetic patients (once per database), serves the application with gunicorn
(DEBUG off), logs in --users virtual users as the demo oncologist and drives, for --duration
seconds: the patient list (random pages and name searches), patient records and the home page.
Each user waits --think seconds on average between requests (0 = closed loop, the worst case).

    .venv/bin/python bench/http_patients.py --database-url postgres://postgres@127.0.0.1:5432/oncoparcours_bench
    .venv/bin/python bench/http_patients.py            # SQLite file under var/bench/

Target (issue 2): on PostgreSQL, 2 cores, 100,000 patients: p95 <= 150 ms at 20 concurrent users.
"""

from __future__ import annotations

import argparse
import sys
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--data-dir", type=Path, default=common.ROOT / "var" / "bench")
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--think", type=float, default=0.0)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--username", default="oncologue")
    args = parser.parse_args()
    env = common.environment(args.database_url, args.data_dir)
    print("loading data (once per database)...", flush=True)
    common.ensure_data(env, args.patients)
    database = common.django_setup(env)
    from oncoparcours.core.models import User
    from oncoparcours.patients.selectors import patients_for_user

    rows = list(
        patients_for_user(User.objects.get(username=args.username)).values_list("id", "sort_name")[
            :5000
        ]
    )
    ids, names = [str(i) for i, _ in rows], [n[:4] for _, n in rows]
    print(f"{database}; {args.username} sees {len(ids)} patients", flush=True)

    def choose(rng):  # type: ignore[no-untyped-def]
        roll = rng.random()
        if roll < 0.25:
            return "list", f"/patients/?page={rng.randint(1, 20)}"
        if roll < 0.40:
            return "search", f"/patients/?q={urllib.parse.quote(rng.choice(names))}"
        if roll < 0.85:
            return "record", f"/patients/{rng.choice(ids)}/"
        return "home", "/"

    server = common.serve(env, args.port, args.workers, args.threads)
    try:
        clients = [common.Client(args.port) for _ in range(args.users)]
        for client in clients:
            client.login(args.username)
        common.run_users(clients, duration=args.warmup, think=args.think, choose=choose)
        results, errors, wall = common.run_users(
            clients, duration=args.duration, think=args.think, choose=choose
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    every = [v for kind, values in results.items() if "(server)" not in kind for v in values]
    every_server = [v for kind, values in results.items() if "(server)" in kind for v in values]
    record = {
        "benchmark": "http_patients",
        "database": database,
        "patients": args.patients,
        "users": args.users,
        "think_seconds": args.think,
        "duration_seconds": args.duration,
        "gunicorn": {"workers": args.workers, "threads": args.threads},
        "throughput_rps": round(len(every) / wall, 1),
        "errors": len(errors),
        "pages": {kind: common.summary(values) for kind, values in sorted(results.items())},
        "all": common.summary(every),
        "all_server": common.summary(every_server),
    }
    common.print_table(
        f"{database}, {args.patients} patients, {args.users} users, think "
        f"{args.think}s, {record['throughput_rps']} req/s, errors {len(errors)}",
        {**record["pages"], "all": record["all"], "all (server)": record["all_server"]},
    )
    print(f"\nsaved {common.save('http_patients', record).relative_to(common.ROOT)}")
    if errors:
        print("first errors:", errors[:5])


if __name__ == "__main__":
    main()
