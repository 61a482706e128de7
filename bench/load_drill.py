"""Load drill (issue 13): --users professionals browsing (home, patient list, name search,
patient record, worklist, alert inbox; exponential think time) while self-reports arrive over
HTTP at --rate per second on the patients' JSON endpoint, for --duration seconds, on the
database already loaded (``oncoparcours demo`` then ``bench/clone_patients.py``).

Prints errors, median / p95 / p99 per page, submission → nurse's inbox latency p99 (the
observer of ``alert_latency.py``), lost and duplicated reports, and the SQL queries per page
(in-process, Django test client) — compare them between two data sizes with --queries-only.

Targets (issue 13): 100 professionals + 100 reports/s, 10 minutes, 1,000,000 patients:
0 errors, page p95 <= 150 ms, alert latency p99 <= 1 s.

    .venv/bin/python bench/load_drill.py --database-url postgres://…/drills_load \\
        --users 100 --rate 100 --duration 600
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import alert_latency
import common

PAGES = (  # kind, share of the requests
    ("home", 0.15),
    ("list", 0.20),
    ("search", 0.15),
    ("record", 0.30),
    ("worklist", 0.10),
    ("inbox", 0.10),
)


def professionals(count: int) -> list[tuple[str, list[tuple[str, str]]]]:
    """``count`` professionals with patients, each with a known password, and their patients
    (id, first letters of the name): the demo logins first, then others."""
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count

    from oncoparcours.core.models import User
    from oncoparcours.patients.selectors import patients_for_user

    demo = list(User.objects.filter(username__in=["oncologue", "idec"]))
    others = list(
        User.objects.filter(professional__isnull=False, is_active=True)
        .exclude(pk__in=[u.pk for u in demo])
        .annotate(patients=Count("professional__care_teams"))
        .filter(patients__gt=20)
        .order_by("pk")[: max(0, count - len(demo))]
    )
    password = make_password(common.PASSWORD)
    User.objects.filter(pk__in=[u.pk for u in others]).update(password=password)
    chosen = []
    for user in (demo + others)[:count]:
        rows = list(patients_for_user(user).values_list("id", "sort_name")[:2000])
        chosen.append((user.username, [(str(i), n[:4]) for i, n in rows]))
    return chosen


def chooser(patients: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    def choose(rng: random.Random) -> tuple[str, str]:
        roll, total, kind = rng.random(), 0.0, "home"
        for page, share in PAGES:
            total += share
            if roll < total:
                kind = page
                break
        if kind == "list":
            return kind, f"/patients/?page={rng.randint(1, 10)}"
        if kind == "search":
            return kind, f"/patients/?q={urllib.parse.quote(rng.choice(patients)[1])}"
        if kind == "record":
            return kind, f"/patients/{rng.choice(patients)[0]}/"
        if kind == "worklist":
            return kind, "/parcours/activites/"
        if kind == "inbox":
            return kind, "/alertes/"
        return "home", "/"

    return choose


def query_counts(users: list[tuple[str, list[tuple[str, str]]]]) -> dict[str, int]:
    """SQL queries per page for the first professional, in-process (the page's own queries)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from oncoparcours.core.models import User

    username, patients = users[0]
    client = Client()
    client.force_login(User.objects.get(username=username))
    paths = {
        "home": "/",
        "list": "/patients/?page=2",
        "search": f"/patients/?q={urllib.parse.quote(patients[0][1])}",
        "record": f"/patients/{patients[0][0]}/",
        "worklist": "/parcours/activites/",
        "inbox": "/alertes/",
    }
    counts = {}
    for kind, path in paths.items():
        client.get(path)  # warm caches
        with CaptureQueriesContext(connection) as captured:
            status = client.get(path).status_code
        counts[kind] = len(captured) if status == 200 else -status
    return counts


def reports(port: int, tokens: list[str], rate: float, duration: float, start: float):  # type: ignore[no-untyped-def]
    """Open-loop self-reports at ``rate``/s (2 % sent twice with the same key)."""
    rng = random.Random(4)
    jobs: queue.Queue = queue.Queue()
    results: list = []
    keys: list[str] = []
    lock = threading.Lock()
    for index in range(int(rate * duration)):
        key = str(uuid.uuid4())
        keys.append(key)
        body = json.dumps(
            {
                "submission_key": key,
                "source": "patient",
                "observations": rng.choice(alert_latency.GRADE_1_ANSWERS),
            }
        ).encode()
        jobs.put((start + index / rate, rng.choice(tokens), body, rng.random() < 0.02))
    senders = [alert_latency.Sender(port, jobs, results, lock) for _ in range(32)]
    for sender in senders:
        jobs.put(None)
        sender.start()
    return senders, results, keys


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--rate", type=float, default=100.0, help="self-reports per second")
    parser.add_argument("--duration", type=float, default=600.0)
    parser.add_argument("--think", type=float, default=5.0, help="mean think time, seconds")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8131)
    parser.add_argument("--links", type=int, default=600)
    parser.add_argument("--nurse", default="idec")
    parser.add_argument("--queries-only", action="store_true")
    args = parser.parse_args()
    env = common.environment(args.database_url, common.ROOT / "var" / "bench-drills")
    database = common.django_setup(env)
    from django.db import connection
    from django.utils import timezone

    from oncoparcours.monitoring.models import Alert, Report

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM patients_patient")
        size = cursor.fetchone()[0]
    users = professionals(args.users)
    counts = query_counts(users)
    print(f"{database}, {size} patients; SQL queries per page: {counts}", flush=True)
    if args.queries_only:
        common.save("load-drill-queries", {"patients": size, "queries": counts})
        return
    tokens = alert_latency.make_links(args.nurse, args.links)
    load_before = os.getloadavg()
    server = common.serve(env, args.port, args.workers, args.threads)
    try:
        clients = []
        for username, patients in users:
            client = common.Client(args.port)
            client.login(username)
            clients.append((client, chooser(patients)))
        since = timezone.now()
        seen: dict[str, float] = {}
        polls: list[float] = []
        stop = threading.Event()
        observer = threading.Thread(
            target=alert_latency.observe, args=(args.nurse, since, seen, stop, polls, 0.2)
        )
        observer.start()
        start = time.monotonic() + 1.0
        senders, results, keys = reports(args.port, tokens, args.rate, args.duration, start)
        pages, errors = browse(clients, args.duration, args.think)
        for sender in senders:
            sender.join()
        accepted = {r[3]["report"]: r for r in results if r[2] == 201}
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not set(accepted) <= set(seen):
            time.sleep(0.2)
        stop.set()
        observer.join()
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies = [(seen[k] - r[0]) * 1000 for k, r in accepted.items() if k in seen]
    stored = Report.objects.filter(submission_key__in=keys).count()
    every = [v for kind, values in pages.items() if "(server)" not in kind for v in values]
    every_server = [v for kind, values in pages.items() if "(server)" in kind for v in values]
    record = {
        "database": database,
        "patients": size,
        "users": args.users,
        "think_seconds": args.think,
        "rate_per_s": args.rate,
        "duration_s": args.duration,
        "server": f"gunicorn {args.workers} workers x {args.threads} threads",
        "load_average_before_after": [load_before, load_after],
        "page_errors": len(errors),
        "first_errors": errors[:5],
        "pages": {kind: common.summary(values) for kind, values in sorted(pages.items())},
        "all_pages": common.summary(every),
        "all_pages_server": common.summary(every_server),
        "reports_sent": len(keys),
        "report_http_ms": common.summary([(r[1] - r[0]) * 1000 for r in results]),
        "report_server_ms": common.summary([r[5] for r in results if r[5] is not None]),
        "report_errors": sum(1 for r in results if r[2] not in (200, 201)),
        "reports_stored": stored,
        "alerts_stored": Alert.objects.filter(report__submission_key__in=keys).count(),
        "lost": len(accepted) - len(latencies),
        "submit_to_inbox_ms": common.summary(latencies),
        "queries_per_page": counts,
    }
    common.print_table(
        f"{database}, {size} patients, {args.users} users, {args.rate}/s reports",
        {**record["pages"], "all": record["all_pages"], "all (server)": record["all_pages_server"]},
    )
    print(json.dumps({k: v for k, v in record.items() if k != "pages"}, indent=2))
    print(f"saved {common.save('load-drill', record).relative_to(common.ROOT)}")


def browse(clients, duration: float, think: float):  # type: ignore[no-untyped-def]
    """Every professional browses with its own page chooser; latencies by page, errors."""
    results: dict[str, list[float]] = {}
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def user(client: common.Client, choose, seed: int) -> None:  # type: ignore[no-untyped-def]
        rng = random.Random(seed)
        time.sleep(rng.random() * think)
        while time.monotonic() < stop:
            kind, path = choose(rng)
            began = time.perf_counter()
            try:
                status, _ = client.request("GET", path)
            except OSError as error:
                status = f"{error}"  # type: ignore[assignment]
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                common.record_latency(results, kind, elapsed, client)
                if status != 200:
                    errors.append(f"{status} {path}")
            time.sleep(rng.expovariate(1 / think))

    threads = [
        threading.Thread(target=user, args=(client, choose, index))
        for index, (client, choose) in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


if __name__ == "__main__":
    main()
