"""Fault drill (issue 13): PostgreSQL restarts (immediate mode: a crash, then WAL recovery) while
patients submit self-reports over HTTP. Clients retry with their submission key until the server
acknowledges (HTTP 2xx). Afterwards every acknowledged submission is in the database exactly
once with its alert, and a retry after the acknowledgement returns the same report.

The drill runs a private PostgreSQL cluster (initdb/pg_ctl, as the ``postgres`` user when the
tests run as root) holding a copy of the test database, and ``oncoparcours serve`` against it."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from oncoparcours.testing.drills import oncoparcours, wait_until

pytestmark = [
    pytest.mark.drill,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="copies the migrated PostgreSQL test database into a private cluster: run the "
        "suite with DATABASE_URL=postgres://… to include this drill",
    ),
]

CLIENTS, PER_CLIENT = 4, 25


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/lib/postgresql/15/bin")
    if found is None:
        pytest.skip(f"{name} not found: cannot run a private PostgreSQL")
    return found


class Cluster:
    def __init__(self, directory: Path) -> None:
        # Its own directory under /tmp: pytest's are private to root, and initdb refuses root.
        self.home = Path(tempfile.mkdtemp(prefix="oncoparcours-drill-pg-"))
        self.data, self.port = self.home / "pgdata", free_port()
        if os.geteuid() == 0:
            shutil.chown(self.home, "postgres")
        initdb = [tool("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]
        made = subprocess.run(as_postgres([*initdb, "--no-sync"]), capture_output=True)
        if made.returncode != 0:
            pytest.skip(f"initdb failed: {made.stderr.decode()[-300:]}")
        self.log = self.home / "postgres.log"

    def ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        command = [tool("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w"]
        subprocess.run(as_postgres([*command, "-o", options, *args]), check=True)

    def sql(self, query: str, database: str = "drill") -> list[tuple]:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True
        ) as link:
            cursor = link.execute(query)  # type: ignore[arg-type]
            return list(cursor.fetchall()) if cursor.description else []


def copy_test_database(cluster: Cluster) -> None:
    settings = connection.settings_dict
    cluster.sql("CREATE DATABASE drill", database="postgres")
    dump = subprocess.run(
        [
            tool("pg_dump"),
            "--no-owner",
            "-h",
            settings.get("HOST") or "127.0.0.1",
            "-p",
            str(settings.get("PORT") or 5432),
            "-U",
            settings.get("USER") or "postgres",
            settings["NAME"],
        ],
        capture_output=True,
        check=True,
    )
    psql = [tool("psql"), "-q", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres"]
    subprocess.run(
        [*psql, "-d", "drill", "-v", "ON_ERROR_STOP=1"],
        input=dump.stdout,
        capture_output=True,
        check=True,
    )


class Patient(threading.Thread):
    """Submits reports one after the other, each retried with its key until acknowledged."""

    def __init__(self, port: int, token: str) -> None:
        super().__init__(daemon=True)
        self.port, self.token = port, token
        self.acknowledged: dict[str, str] = {}  # submission key -> report id
        self.failures = 0
        self.replays: list[tuple[str, int, str]] = []

    def post(self, key: str) -> tuple[int, dict]:
        body = json.dumps(
            {
                "submission_key": key,
                "source": "patient",
                "observations": {"fatigue": "relieved_by_rest"},
            }
        )
        link = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            link.request("POST", f"/suivi/{self.token}/api/rapports/", body=body)
            response = link.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        except (OSError, http.client.HTTPException, ValueError):
            return 0, {}
        finally:
            link.close()

    def run(self) -> None:
        for index in range(PER_CLIENT):
            key = str(uuid.uuid4())
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                status, payload = self.post(key)
                if 200 <= status < 300:
                    self.acknowledged[key] = payload["report"]
                    break
                self.failures += 1
                time.sleep(0.2)
            if index % 10 == 0 and key in self.acknowledged:  # a retry after the answer
                self.replays.append(self.replay(key))

    def replay(self, key: str) -> tuple[str, int, str]:
        """Sends an acknowledged submission again, retrying while the database is down (the
        restart may fall between the answer and the retry): the first answer must be 200."""
        deadline = time.monotonic() + 60
        status, payload = self.post(key)
        while (status == 0 or status >= 500) and time.monotonic() < deadline:
            time.sleep(0.2)
            status, payload = self.post(key)
        return key, status, payload.get("report", "")


@pytest.mark.django_db(transaction=True)
def test_postgres_restart_loses_and_duplicates_no_acknowledged_report(link_token, tmp_path):
    cluster = Cluster(tmp_path)
    cluster.ctl("start")
    server = None
    try:
        copy_test_database(cluster)
        web = free_port()
        env = {
            **os.environ,
            "ONCOPARCOURS_ENV": "dev",
            "DEBUG": "false",
            "ONCOPARCOURS_DATA_DIR": str(tmp_path / "data"),
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{cluster.port}/drill",
        }
        serve = ("serve", "--bind", f"127.0.0.1:{web}", "--workers", "2", "--threads", "2")
        server = oncoparcours(*serve, env=env, log=tmp_path / "serve.log")
        patients = [Patient(web, link_token) for _ in range(CLIENTS)]
        assert wait_until(lambda: patients[0].post(str(uuid.uuid4()))[0] == 201, timeout=30)
        for patient in patients:
            patient.start()
        acknowledged = lambda: sum(len(p.acknowledged) for p in patients)  # noqa: E731
        assert wait_until(lambda: acknowledged() >= 30, timeout=30)
        cluster.ctl("restart", "-m", "immediate")  # a crash: WAL recovery on start
        for patient in patients:
            patient.join(timeout=120)
        stored = dict(
            cluster.sql("SELECT submission_key::text, id::text FROM monitoring_report")  # type: ignore[arg-type]
        )
        alerts = cluster.sql(
            "SELECT r.submission_key::text, count(a.id) FROM monitoring_report r "
            "LEFT JOIN monitoring_alert a ON a.report_id = r.id GROUP BY 1"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        cluster.ctl("stop", "-m", "fast")
        shutil.rmtree(cluster.home, ignore_errors=True)

    sent = {key: report for p in patients for key, report in p.acknowledged.items()}
    assert len(sent) == CLIENTS * PER_CLIENT, "every submission was acknowledged in the end"
    assert sum(p.failures for p in patients) > 0, "the restart must have refused some requests"
    for key, report in sent.items():
        assert stored.get(key) == report, f"acknowledged submission {key} lost or changed"
    assert len(stored) == len(sent) + 1  # and the probe; nothing stored twice (unique key)
    assert all(count == 1 for _key, count in alerts)
    replays = [r for p in patients for r in p.replays]
    wrong = [(key, status, r) for key, status, r in replays if status != 200 or sent[key] != r]
    assert replays and not wrong, f"a retry after the answer got another answer: {wrong}"
