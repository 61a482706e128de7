"""Benchmark of the pathway engine (issue 3).

1. Applies the home-immunotherapy template (2 years, ~35 administrations plus labs, calls and
   visits: ~120 dated activities) to --applications patients of the demo region, in-process,
   and reports the time per application (target: <= 50 ms). Starts are spread over the last
   120 days; past activities are then marked done, 3 % left open (late).
2. Serves the application and drives the worklist of the demo coordination nurse over HTTP
   with --users concurrent users; reports its latency at that data size.
3. Counts the SQL queries of the worklist page (constant in data size; asserted by the tests).

    .venv/bin/python bench/pathways_apply.py --database-url postgres://postgres@127.0.0.1:5432/oncoparcours_bench
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common


def apply_many(count: int, username: str) -> tuple[list[float], int]:
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from oncoparcours.demo.pathways import loader_user
    from oncoparcours.pathways.models import PathwayInstance, PathwayTemplate
    from oncoparcours.pathways.services import pathway_apply
    from oncoparcours.patients.models import CareTeamMember, Patient
    from oncoparcours.patients.permissions import system_writes

    template = PathwayTemplate.objects.get(code="home-immunotherapy", is_latest=True)
    actor = loader_user()
    busy = PathwayInstance.objects.filter(patient=OuterRef("pk"), template__code=template.code)
    candidates = Patient.objects.filter(deceased_on__isnull=True).exclude(Exists(busy))
    theirs = candidates.filter(
        pk__in=CareTeamMember.objects.filter(professional__user__username=username).values(
            "patient_id"
        )
    )
    patients = list(theirs[:count]) + list(candidates.exclude(pk__in=theirs.values("pk"))[:count])
    patients = patients[:count]
    today = timezone.localdate()
    timings = []
    for index, patient in enumerate(patients):
        start = today - dt.timedelta(days=index % 120)
        began = time.perf_counter()
        with system_writes():  # the demo loader's account, a member of no care team
            pathway_apply(
                template=template,
                patient=patient,
                start=start,
                parameters={"interval_weeks": (2, 3, 4)[index % 3]},
                actor=actor,
            )
        timings.append((time.perf_counter() - began) * 1000)
        if index % 1000 == 999:
            print(f"  {index + 1} applied", flush=True)
    complete_the_past(today)
    return timings, PathwayInstance.objects.count()


def complete_the_past(today: dt.date, left_open: float = 0.03) -> int:
    """Make the history realistic: past activities are done, except a few left open (late)."""
    import random

    from django.db.models import F

    from oncoparcours.pathways.models import ActivityInstance

    rng = random.Random(1)
    past = list(
        ActivityInstance.objects.filter(status="planned", due_date__lt=today).values_list(
            "pk", flat=True
        )
    )
    done = [pk for pk in past if rng.random() >= left_open]
    for index in range(0, len(done), 5000):
        ActivityInstance.objects.filter(pk__in=done[index : index + 5000]).update(
            status="done", done_on=F("due_date")
        )
    return len(done)


def worklist_queries(username: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from oncoparcours.core.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    client.get("/parcours/activites/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/parcours/activites/").status_code == 200
    return len(captured)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--data-dir", type=Path, default=common.ROOT / "var" / "bench")
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--username", default="idec")
    parser.add_argument(
        "--skip-apply",
        action="store_true",
        help="Reuse the pathways already applied (only measure the pages).",
    )
    args = parser.parse_args()
    env = common.environment(args.database_url, args.data_dir)
    print("loading data (once per database)...", flush=True)
    common.ensure_data(env, args.patients)
    database = common.django_setup(env)
    if args.skip_apply:
        from oncoparcours.pathways.models import PathwayInstance

        timings, instances = [], PathwayInstance.objects.count()
    else:
        print(
            f"{database}: applying home-immunotherapy to {args.applications} patients...",
            flush=True,
        )
        timings, instances = apply_many(args.applications, args.username)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from oncoparcours.pathways.models import ActivityInstance

    activities = ActivityInstance.objects.count()
    queries = worklist_queries(args.username)
    connection.close()

    def choose(rng):  # type: ignore[no-untyped-def]
        roll = rng.random()
        if roll < 0.6:
            return "worklist (me, week)", "/parcours/activites/"
        if roll < 0.85:
            return "worklist (team, 7 days)", "/parcours/activites/?scope=team&period=next7"
        return "home", "/"

    server = common.serve(env, args.port)
    try:
        clients = [common.Client(args.port) for _ in range(args.users)]
        for client in clients:
            client.login(args.username)
        common.run_users(clients, duration=5, think=args.think, choose=choose)
        results, errors, wall = common.run_users(
            clients, duration=args.duration, think=args.think, choose=choose
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    record = {
        "benchmark": "pathways_apply",
        "database": database,
        "patients": args.patients,
        "applications": len(timings),
        "instances_in_database": instances,
        "activities_in_database": activities,
        "apply_ms": common.summary(timings),
        "apply_mean_ms": round(sum(timings) / max(len(timings), 1), 2),
        "worklist_queries": queries,
        "users": args.users,
        "think_seconds": args.think,
        "throughput_rps": round(sum(len(v) for v in results.values()) / wall, 1),
        "errors": len(errors),
        "pages": {kind: common.summary(values) for kind, values in sorted(results.items())},
    }
    apply = record["apply_ms"]
    print(
        f"\napply: {len(timings)} applications, median {apply['median']} ms, "
        f"p95 {apply['p95']} ms, "
        f"mean {record['apply_mean_ms']} ms; {instances} pathways, {activities} activities; "
        f"worklist {queries} SQL queries"
    )
    common.print_table(
        f"{database}, {args.users} users, think {args.think}s, "
        f"{record['throughput_rps']} req/s, errors {len(errors)}",
        record["pages"],
    )
    print(f"\nsaved {common.save('pathways_apply', record).relative_to(common.ROOT)}")


if __name__ == "__main__":
    main()
