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
import http.client
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import save, summary

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PASSWORD = "demo-oncoparcours"


def env_for(args: argparse.Namespace) -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "false",
        "ONCOPARCOURS_ENV": "dev",
        "ONCOPARCOURS_DATA_DIR": str(args.data_dir),
    }
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    return env


def ensure_data(args: argparse.Namespace, env: dict[str, str]) -> None:
    subprocess.run([str(BIN / "oncoparcours"), "migrate", "-v0"], env=env, check=True)
    subprocess.run(
        [
            str(BIN / "oncoparcours"),
            "demo",
            "--seed",
            "7",
            "--patients",
            str(args.patients),
            "--quiet",
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def visible_patients(env: dict[str, str], username: str) -> tuple[list[str], list[str], str]:
    """Ids and name prefixes of the patients the user may see, and the database version."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oncoparcours.settings")
    import django

    django.setup()
    from django.db import connection

    from oncoparcours.core.models import User
    from oncoparcours.patients.selectors import patients_for_user

    user = User.objects.get(username=username)
    rows = list(patients_for_user(user).values_list("id", "sort_name")[:5000])
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        version = ".".join(map(str, connection.Database.sqlite_version_info))
    else:
        version = str(connection.pg_version)  # type: ignore[attr-defined]
    connection.close()
    return [str(i) for i, _ in rows], [n[:4] for _, n in rows], f"{connection.vendor} {version}"


class Client:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.connection = http.client.HTTPConnection(host, port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        try:
            return self._request(method, path, body)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed an idle keep-alive connection: reconnect once.
            self.connection.close()
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            return self._request(method, path, body)

    def _request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": "http://127.0.0.1/",
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, content

    def login(self, username: str) -> None:
        _status, page = self.request("GET", "/connexion/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        )
        status, _ = self.request("POST", "/connexion/", body)
        if status != 302:
            raise SystemExit(f"login failed for {username}: HTTP {status}")


def run_user(
    client: Client,
    stop: float,
    think: float,
    ids: list[str],
    names: list[str],
    results: dict[str, list[float]],
    errors: list[str],
    seed: int,
) -> None:
    rng = random.Random(seed)
    while time.monotonic() < stop:
        roll = rng.random()
        if roll < 0.25:
            kind, path = "list", f"/patients/?page={rng.randint(1, 20)}"
        elif roll < 0.40:
            kind, path = "search", f"/patients/?q={urllib.parse.quote(rng.choice(names))}"
        elif roll < 0.85:
            kind, path = "record", f"/patients/{rng.choice(ids)}/"
        else:
            kind, path = "home", "/"
        started = time.perf_counter()
        status, _ = client.request("GET", path)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            errors.append(f"{status} {path}")
        results[kind].append(elapsed)
        if think:
            time.sleep(rng.expovariate(1 / think))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "bench")
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
    args.data_dir.mkdir(parents=True, exist_ok=True)
    env = env_for(args)
    print("loading data (once per database)...", flush=True)
    ensure_data(args, env)
    ids, names, database = visible_patients(env, args.username)
    print(f"{database}; {args.username} sees {len(ids)}+ patients", flush=True)
    server = subprocess.Popen(
        [
            str(BIN / "oncoparcours"),
            "serve",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", args.port, timeout=1)
                probe.request("GET", "/connexion/")
                break
            except OSError:
                time.sleep(0.2)
        clients = []
        for _ in range(args.users):
            client = Client("127.0.0.1", args.port)
            client.login(args.username)
            clients.append(client)
        for _phase, duration in (("warmup", args.warmup), ("measure", args.duration)):
            results: dict[str, list[float]] = {"list": [], "search": [], "record": [], "home": []}
            errors: list[str] = []
            stop = time.monotonic() + duration
            threads = [
                threading.Thread(
                    target=run_user, args=(c, stop, args.think, ids, names, results, errors, i)
                )
                for i, c in enumerate(clients)
            ]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.monotonic() - started
        all_latencies = [v for values in results.values() for v in values]
        record = {
            "benchmark": "http_patients",
            "database": database,
            "patients": args.patients,
            "users": args.users,
            "think_seconds": args.think,
            "duration_seconds": args.duration,
            "gunicorn": {"workers": args.workers, "threads": args.threads},
            "throughput_rps": round(len(all_latencies) / wall, 1),
            "errors": len(errors),
            "pages": {kind: summary(values) for kind, values in results.items()},
            "all": summary(all_latencies),
        }
        path = save("http_patients", record)
        print(
            f"\n{database}, {args.patients} patients, {args.users} users, think {args.think}s, "
            f"{record['throughput_rps']} req/s, errors {len(errors)}"
        )
        print("| page | requests | median ms | p95 ms | p99 ms |")
        print("|---|---|---|---|---|")
        for kind, figures in {**record["pages"], "all": record["all"]}.items():
            cells = [kind, figures["count"], figures["median"], figures["p95"], figures["p99"]]
            print("| " + " | ".join(str(cell) for cell in cells) + " |")
        print(f"\nsaved {path.relative_to(ROOT)}")
        if errors:
            print("first errors:", errors[:5])
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
