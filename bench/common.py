"""Shared helpers for the benchmark scripts: data loading, serving, an HTTP client with a
session, concurrent virtual users, percentiles, the machine description and the results file."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import platform
import random
import re
import statistics
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
RESULTS = Path(__file__).resolve().parent / "results"
PASSWORD = "demo-oncoparcours"


def shared_benchmarks(*parts: str) -> Path:
    """``../shared/benchmarks/<parts>`` from the main checkout, or from a worktree one level
    deeper (the first that exists; the main checkout's when neither does)."""
    candidates = [
        base / "shared" / "benchmarks" / Path(*parts) for base in (ROOT.parent, ROOT.parent.parent)
    ]
    return next((path for path in candidates if path.exists()), candidates[0])


def solve_vrptw(
    data: Any, seed: int, params: dict, budget: float, iterations: int | None
) -> tuple[Any, float, float]:
    """The tour planner's search (``planning.rules.tours.solve_best``) on a VRPLIB instance read
    with DIMACS rounding: stopped after ``iterations`` when given (deterministic for a seed),
    else after ``budget`` seconds. Returns the search's result, its cost in the instance's unit
    (distance / 10) and the wall-clock seconds it took."""
    from oncoparcours.planning.rules.tours import solve_best

    started = time.monotonic()
    searched = solve_best(
        data,
        seed,
        params,
        max_iterations=iterations,
        max_seconds=budget if iterations is None else None,
    )
    return searched, searched.solution.distance() / 10, time.monotonic() - started


def machine() -> dict[str, object]:
    model, memory_gib = "", 0.0
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory_gib = round(kib / 1024 / 1024, 1)
    except (OSError, StopIteration):
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "count": len(values),
        "median": round(statistics.median(values), 2) if values else float("nan"),
        "p95": round(percentile(values, 95), 2),
        "p99": round(percentile(values, 99), 2),
        "max": round(max(values), 2) if values else float("nan"),
    }


def save(name: str, record: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"{name}-{stamp}.json"
    path.write_text(json.dumps({"machine": machine(), **record}, indent=2, default=str))
    return path


def print_table(title: str, rows: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print("| page | requests | median ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|")
    for kind, figures in rows.items():
        cells = [kind, figures["count"], figures["median"], figures["p95"], figures["p99"]]
        print("| " + " | ".join(str(cell) for cell in cells) + " |")


def environment(database_url: str, data_dir: Path) -> dict[str, str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DEBUG": "false",
        "ONCOPARCOURS_ENV": "dev",
        "ONCOPARCOURS_DATA_DIR": str(data_dir),
        # Each response says how long the server spent on it (Server-Timing), so the tables
        # can show the server's own time beside what the (GIL-bound) load generator saw.
        "ONCOPARCOURS_SERVER_TIMING": "1",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def ensure_data(env: dict[str, str], patients: int) -> None:
    """Migrate and load the demo region with ``patients`` (a no-op when already loaded)."""
    subprocess.run([str(BIN / "oncoparcours"), "migrate", "-v0"], env=env, check=True)
    subprocess.run(
        [str(BIN / "oncoparcours"), "demo", "--seed", "7", "--patients", str(patients), "--quiet"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def django_setup(env: dict[str, str]) -> str:
    """Set up Django in this process against the benchmark database; returns its description."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oncoparcours.settings")
    import django

    django.setup()
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return "sqlite " + ".".join(map(str, connection.Database.sqlite_version_info))
    return f"postgresql {connection.pg_version}"  # type: ignore[attr-defined]


def serve(env: dict[str, str], port: int, workers: int = 4, threads: int = 2) -> subprocess.Popen:
    """Start ``oncoparcours serve`` (gunicorn) and wait until it answers."""
    server = subprocess.Popen(
        [
            str(BIN / "oncoparcours"),
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            probe.request("GET", "/connexion/")
            probe.getresponse().read()
            break
        except OSError:
            time.sleep(0.2)
    return server


class Client:
    """One browser-like session: cookies, CSRF login, keep-alive with reconnection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.server_ms: float | None = None  # Server-Timing of the last response

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        try:
            return self._request(method, path, body)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return self._request(method, path, body)

    def _request(self, method: str, path: str, body: str | None) -> tuple[int, str]:
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": "http://127.0.0.1/",
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read().decode("utf-8", "replace")
        self.server_ms = server_time(response.getheader("Server-Timing"))
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, content

    def login(self, username: str) -> None:
        _status, page = self.request("GET", "/connexion/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if match is None:
            raise SystemExit("no login form")
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": match.group(1), "username": username, "password": PASSWORD}
        )
        status, _ = self.request("POST", "/connexion/", body)
        if status != 302:
            raise SystemExit(f"login failed for {username}: HTTP {status}")


def server_time(header: str | None) -> float | None:
    """The ``app;dur=`` milliseconds of a Server-Timing header (None without one)."""
    match = re.search(r"app;dur=([0-9.]+)", header or "")
    return float(match.group(1)) if match else None


def record_latency(
    results: dict[str, list[float]], kind: str, elapsed: float, client: Client
) -> None:
    """Client-side latency under ``kind``; the server's own time under ``kind (server)``."""
    results.setdefault(kind, []).append(elapsed)
    if client.server_ms is not None:
        results.setdefault(f"{kind} (server)", []).append(client.server_ms)


Chooser = Callable[[random.Random], tuple[str, str]]  # rng -> (kind, path)


def run_users(
    clients: list[Client], *, duration: float, think: float, choose: Chooser
) -> tuple[dict[str, list[float]], list[str], float]:
    """Each client requests what ``choose`` says until ``duration`` elapses, waiting on average
    ``think`` seconds between requests. Returns latencies (ms) by kind, errors, wall time."""
    results: dict[str, list[float]] = {}
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def user(client: Client, seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < stop:
            kind, path = choose(rng)
            started = time.perf_counter()
            status, _ = client.request("GET", path)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                record_latency(results, kind, elapsed, client)
                if status != 200:
                    errors.append(f"{status} {path}")
            if think:
                time.sleep(rng.expovariate(1 / think))

    threads = [threading.Thread(target=user, args=(c, i)) for i, c in enumerate(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors, time.monotonic() - started
