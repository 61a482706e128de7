"""Support for the fault drills (issue 13): the test database shared with real subprocesses
(``oncoparcours worker``, ``oncoparcours serve``) that are killed or cut off mid-way.

On PostgreSQL the subprocesses use pytest's test database itself (the drill tests commit:
``django_db(transaction=True)``). On SQLite the test database lives in memory, so the drill
copies it to a file with SQLite's backup API, lets the subprocesses work on the file and copies
it back into memory to check the outcome with the ORM."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

BIN = Path(sys.executable).parent


@dataclass
class DrillDatabase:
    """Where subprocesses find the test database, and how to read its state back."""

    env: dict[str, str]
    file: Path | None  # the SQLite copy, or None on PostgreSQL

    def count(self, sql: str) -> int:
        """One integer from the shared database, as the subprocesses see it now."""
        if self.file is not None:
            with sqlite3.connect(self.file, timeout=20) as reader:
                return int(reader.execute(sql).fetchone()[0])
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return int(cursor.fetchone()[0])

    def sync_back(self) -> None:
        """Make the subprocesses' writes visible to the ORM of the test process."""
        if self.file is not None:
            source = sqlite3.connect(self.file)
            source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.ensure_connection()
            source.backup(connection.connection)
            source.close()


def shared_database(directory: Path) -> DrillDatabase:
    """The committed test database, reachable from a subprocess started with ``env``."""
    env = {
        **os.environ,
        "ONCOPARCOURS_ENV": "dev",
        "DEBUG": "false",
        "ONCOPARCOURS_DATA_DIR": str(directory),
    }
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        file = directory / "drill.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(file)
        connection.connection.backup(target)
        target.close()
        env["DATABASE_URL"] = f"sqlite:///{file}"
        return DrillDatabase(env, file)
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host, port = settings.get("HOST") or "127.0.0.1", settings.get("PORT") or 5432
    env["DATABASE_URL"] = f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
    return DrillDatabase(env, None)


def wait_until(condition: Callable[[], bool], *, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def oncoparcours(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start ``oncoparcours <args>`` in the background, its output in ``log``."""
    handle = log.open("ab")
    return subprocess.Popen(  # noqa: S603 (our own command, fixed arguments)
        [str(BIN / "oncoparcours"), *args], env=env, stdout=handle, stderr=subprocess.STDOUT
    )
