"""Benchmark of alert latency (issue 4): patients' self-reports arrive over HTTP at a sustained
rate (default 100 per second for 2 minutes) on the JSON endpoint of their personal links; an
observer polls the coordination nurse's inbox query (the selector the inbox page uses) and
records when each alert first appears.

Reports: submission → visible-in-inbox latency (median, p95, p99; target p99 <= 2 s), the rate
achieved, and the integrity checks — every accepted submission has exactly one report and one
alert (none lost), retries of the same submission (2 %) return the same report (no duplicate).

    .venv/bin/python bench/alert_latency.py --database-url postgres://postgres@127.0.0.1:5432/oncoparcours_bench
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import queue
import random
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

GRADE_1_ANSWERS = (
    {"stools_over_baseline_per_day": 2},
    {"fatigue": "relieved_by_rest"},
    {"temperature_c": 38.3},
    {"pruritus": "mild_localized", "fatigue": "none"},
)


def make_links(username: str, count: int) -> list[str]:
    """Personal links for ``count`` patients whose coordination nurse is ``username``."""
    from django.db.models import Q
    from django.utils import timezone

    from oncoparcours.monitoring.services import access_link_create
    from oncoparcours.patients.models import CareTeamMember, Patient

    member = CareTeamMember.objects.filter(professional__user__username=username).first()
    if member is None or member.professional.user is None:
        raise SystemExit(f"no patient for {username}: load the demo first")
    today = timezone.localdate()
    current = CareTeamMember.objects.filter(
        professional=member.professional, role="coordination_nurse", start__lte=today
    ).filter(Q(end__isnull=True) | Q(end__gte=today))
    patients = Patient.objects.filter(
        pk__in=current.values("patient_id"), deceased_on__isnull=True
    )[:count]
    actor = member.professional.user
    return [access_link_create(patient=p, actor=actor, days=2)[1] for p in patients]


class Sender(threading.Thread):
    def __init__(self, port: int, jobs: queue.Queue, results: list, lock: threading.Lock) -> None:
        super().__init__(daemon=True)
        self.port, self.jobs, self.results, self.lock = port, jobs, results, lock
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.server_ms: float | None = None

    def post(self, token: str, body: bytes) -> tuple[int, dict]:
        for attempt in range(2):
            try:
                self.connection.request(
                    "POST",
                    f"/suivi/{token}/api/rapports/",
                    body=body,
                    headers={"Content-Type": "application/json"},
                )
                response = self.connection.getresponse()
                self.server_ms = common.server_time(response.getheader("Server-Timing"))
                return response.status, json.loads(response.read() or b"{}")
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def run(self) -> None:
        while True:
            job = self.jobs.get()
            if job is None:
                return
            due, token, body, retry = job
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            started = time.monotonic()
            status, payload = self.post(token, body)
            ended, server_ms = time.monotonic(), self.server_ms
            again = self.post(token, body) if retry else None
            with self.lock:
                self.results.append((started, ended, status, payload, again, server_ms))


def observe(
    username: str, since, seen: dict, stop: threading.Event, polls: list, interval: float
) -> None:
    """The nurse's screen: the inbox query refreshed every ``interval`` seconds; each new alert
    is timestamped when a refresh first returns it (so latencies include the refresh wait)."""
    from django.db import connection

    from oncoparcours.core.models import User
    from oncoparcours.monitoring.selectors import inbox

    user = User.objects.get(username=username)
    cursor = since
    while not stop.is_set():
        began = time.monotonic()
        rows = list(
            inbox(user=user, status="unacknowledged")
            .filter(created_at__gte=cursor)
            .values_list("report_id", "created_at")
        )
        now = time.monotonic()
        newest = cursor
        for report_id, created_at in rows:
            seen.setdefault(str(report_id), now)
            newest = max(newest, created_at)
        # Commits can land slightly out of created_at order: look back 5 seconds.
        cursor = max(since, newest - dt.timedelta(seconds=5))
        polls.append((now - began) * 1000)
        stop.wait(interval)
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--patients-in-demo", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=100.0, help="submissions per second")
    parser.add_argument("--duration", type=float, default=120.0, help="seconds")
    parser.add_argument("--links", type=int, default=600)
    parser.add_argument("--senders", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8047)
    parser.add_argument("--nurse", default="idec")
    parser.add_argument("--poll-interval", type=float, default=0.2, help="inbox refresh, seconds")
    args = parser.parse_args()

    env = common.environment(args.database_url, common.ROOT / "var" / "bench")
    common.ensure_data(env, args.patients_in_demo)
    database = common.django_setup(env)
    from django.utils import timezone

    from oncoparcours.monitoring.models import Alert, Report

    tokens = make_links(args.nurse, args.links)
    server = common.serve(env, args.port, workers=args.workers, threads=args.threads)
    rng = random.Random(4)
    total = int(args.rate * args.duration)
    jobs: queue.Queue = queue.Queue()
    results: list = []
    lock = threading.Lock()
    keys = []
    try:
        since = timezone.now()
        seen: dict[str, float] = {}
        polls: list[float] = []
        stop = threading.Event()
        observer = threading.Thread(
            target=observe, args=(args.nurse, since, seen, stop, polls, args.poll_interval)
        )
        observer.start()
        senders = [Sender(args.port, jobs, results, lock) for _ in range(args.senders)]
        start = time.monotonic() + 1.0
        for index in range(total):
            key = str(uuid.uuid4())
            keys.append(key)
            body = json.dumps(
                {
                    "submission_key": key,
                    "source": "patient",
                    "observations": rng.choice(GRADE_1_ANSWERS),
                }
            ).encode()
            jobs.put((start + index / args.rate, rng.choice(tokens), body, rng.random() < 0.02))
        for sender in senders:
            jobs.put(None)
            sender.start()
        for sender in senders:
            sender.join()
        elapsed = max(r[1] for r in results) - start
        deadline = time.monotonic() + 15
        accepted = {r[3]["report"] for r in results if r[2] == 201}
        while time.monotonic() < deadline and not accepted <= set(seen):
            time.sleep(0.2)
        stop.set()
        observer.join()
    finally:
        server.terminate()
        server.wait()

    by_report = {r[3].get("report"): r for r in results if r[2] == 201}
    latencies = [(seen[report] - r[0]) * 1000 for report, r in by_report.items() if report in seen]
    http_ms = [(r[1] - r[0]) * 1000 for r in results]
    retries = [r for r in results if r[4] is not None]
    retry_ok = sum(
        1 for r in retries if r[4][0] == 200 and r[4][1].get("report") == r[3].get("report")
    )
    stored = Report.objects.filter(submission_key__in=keys).count()
    alerts = Alert.objects.filter(report__submission_key__in=keys).count()
    figures = {
        "database": database,
        "submissions": total,
        "accepted": len(by_report),
        "errors": sum(1 for r in results if r[2] != 201),
        "achieved_rate_per_s": round(len(results) / elapsed, 1),
        "duration_s": round(elapsed, 1),
        "retries": len(retries),
        "retries_same_report": retry_ok,
        "reports_stored": stored,
        "alerts_stored": alerts,
        "alerts_seen_in_inbox": len(latencies),
        "lost": len(by_report) - len(latencies),
        "duplicates": stored - len(by_report),
        "submit_to_inbox_ms": common.summary(latencies),
        "http_submit_ms": common.summary(http_ms),
        "inbox_poll_ms": common.summary(polls),
        "server": f"gunicorn {args.workers} workers x {args.threads} threads",
    }
    path = common.save("alert-latency", figures)
    print(json.dumps(figures, indent=2))
    print(f"Saved {path}")


if __name__ == "__main__":
    main()
