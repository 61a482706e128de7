"""Backups and restores of the database (SQLite backup API; PostgreSQL pg_dump custom format /
pg_restore), each followed by a verification of the ledgers of the copy (``custody verify`` and
``audit verify``, read-only, against the anchors saved beside the backup)."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.db import connection

from .anchors import anchor_file
from .errors import ApplicationError
from .ledger_keys import default_key_file

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


def anchors_beside(backup: Path) -> Path:
    return backup.with_name(backup.name + ".anchors.jsonl")


def pg_url(settings_dict: dict[str, Any]) -> str:
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or 5432
    return f"postgresql://{auth}{host}:{port}/{settings_dict['NAME']}"


def _tool(name: str) -> str:
    found = shutil.which(name) or f"/usr/bin/{name}"
    if not Path(found).exists():
        raise ApplicationError(f"{name} is not installed (package postgresql-client).")
    return found


def _major(text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", text)
    if not match:
        raise ApplicationError(f"cannot read a PostgreSQL version in {text!r}")
    return int(match.group(1))


def check_pg_dump_version(tool: str = "pg_dump") -> None:
    """pg_dump refuses servers newer than itself: say so plainly before it fails half-way."""
    client = subprocess.run(  # noqa: S603 (argument list, no shell; fixed tools)
        [_tool(tool), "--version"], capture_output=True, text=True, check=True
    ).stdout
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    if _major(client.split("(PostgreSQL)")[-1]) < _major(server):
        raise ApplicationError(
            f"{client.strip()} is older than the PostgreSQL server ({server}): install the "
            f"client of version {_major(server)} or newer (postgresql-client-{_major(server)})."
        )


def backup_database(output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    live_anchors = anchor_file()
    if live_anchors is not None and live_anchors.exists():
        shutil.copyfile(live_anchors, anchors_beside(output))  # before the copy: never ahead
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(output)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        check_pg_dump_version()
        subprocess.run(  # noqa: S603 (argument list, no shell; fixed tools)
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--file",
                str(output),
                "--dbname",
                pg_url(connection.settings_dict),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
    else:
        raise ApplicationError(f"no backup for {connection.vendor}")
    return output


def restore_database(backup: Path, into: str | None) -> str:
    """Restore ``backup`` into ``into`` (a DATABASE_URL; default: this database). Returns the URL
    restored into."""
    head = backup.open("rb").read(16)
    if head.startswith(SQLITE_MAGIC):
        target = into or f"sqlite:///{connection.settings_dict['NAME']}"
        parsed = dj_database_url.parse(target)
        if parsed["ENGINE"] != "django.db.backends.sqlite3":
            raise ApplicationError("a SQLite backup is restored into a SQLite database")
        source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        destination = sqlite3.connect(parsed["NAME"])
        try:
            source.backup(destination)
        finally:
            source.close()
            destination.close()
        return target
    if head.startswith(PG_MAGIC):
        target = into or pg_url(connection.settings_dict)
        if dj_database_url.parse(target)["ENGINE"] != "django.db.backends.postgresql":
            raise ApplicationError("a pg_dump backup is restored into a PostgreSQL database")
        result = subprocess.run(  # noqa: S603 (argument list, no shell; fixed tools)
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                target,
                str(backup),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise ApplicationError(f"pg_restore failed: {result.stderr.strip()[-500:]}")
        return target
    raise ApplicationError(f"{backup} is neither a SQLite database nor a pg_dump custom archive")


@dataclass(frozen=True)
class Verification:
    ok: bool
    output: str


def verify_copy(database_url: str, anchors: Path | None) -> Verification:
    """Run ``custody verify`` and ``audit verify`` (read-only) on another database, in a child
    process with the same ledger keys."""
    key_file = settings.LEDGER_KEY_FILE or ("" if settings.LEDGER_KEYS else str(default_key_file()))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ONCOPARCOURS_LEDGER_KEYS": settings.LEDGER_KEYS,
        "ONCOPARCOURS_LEDGER_KEY_FILE": key_file,
        "DJANGO_SETTINGS_MODULE": "oncoparcours.settings",
    }
    anchor_args = ["--anchor-file", str(anchors) if anchors and anchors.exists() else ""]
    outputs, ok = [], True
    for command in (["custody", "verify"], ["audit", "verify"]):
        result = subprocess.run(  # noqa: S603 (argument list, no shell; fixed tools)
            [sys.executable, "-m", "oncoparcours.cli", *command, "--read-only", *anchor_args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        outputs.append(result.stdout + result.stderr)
        ok = ok and result.returncode == 0
    return Verification(ok, "".join(outputs))
