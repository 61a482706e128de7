"""``backup`` and ``restore``: a round trip on the suite's database vendor (SQLite file copy, or
pg_dump / pg_restore into a scratch PostgreSQL database), verified; a tampered backup fails."""

from __future__ import annotations

import io
import sqlite3
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection

from oncoparcours.core.audit import audit_record
from oncoparcours.core.backup import pg_url
from oncoparcours.core.models import AuditAction

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=out)
    except SystemExit as exit_status:
        return int(exit_status.code or 0), out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def trail():
    for n in range(6):
        audit_record(actor=None, action=AuditAction.VIEW, reason=f"lecture {n}")
    assert run("audit", "verify")[0] == 0  # sealed and anchored


@pytest.fixture
def scratch_url():
    """A scratch PostgreSQL database beside the test database (dropped afterwards)."""
    import psycopg

    base = dict(connection.settings_dict)
    name = f"{base['NAME']}_restore"
    admin = pg_url({**base, "NAME": "postgres"})
    with psycopg.connect(admin, autocommit=True) as admin_connection:
        admin_connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin_connection.execute(f'CREATE DATABASE "{name}"')
    yield pg_url({**base, "NAME": name})
    with psycopg.connect(admin, autocommit=True) as admin_connection:
        admin_connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_backup_round_trip_and_a_tampered_backup(trail, tmp_path):
    backup = tmp_path / "copy.sqlite3"
    status, output = run("backup", "--output", str(backup))
    assert status == 0, output
    assert "6 audit row(s) checked" in output and "Backup verified." in output
    restored = tmp_path / "restored.sqlite3"
    status, output = run("restore", str(backup), "--into", f"sqlite:///{restored}")
    assert status == 0, output
    assert "Restored copy verified." in output
    # Someone edits the backup file (triggers dropped first).
    with sqlite3.connect(backup) as raw:
        raw.execute("DROP TRIGGER core_auditevent_append_only_update")
        # The third row of the trail (ids depend on what ran before in the same database).
        [(third,)] = raw.execute("SELECT id FROM core_auditevent ORDER BY id LIMIT 1 OFFSET 2")
        raw.execute("UPDATE core_auditevent SET reason = 'rien' WHERE id = ?", (third,))
    status, output = run("restore", str(backup), "--into", f"sqlite:///{restored}")
    assert status == 1
    assert f"audit row {third}: altered" in output and "RESTORED COPY DOES NOT VERIFY." in output


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_backup_round_trip_and_a_tampered_backup(trail, tmp_path, scratch_url):
    import psycopg

    backup = tmp_path / "copy.dump"
    status, output = run("backup", "--output", str(backup))
    assert status == 0, output
    assert backup.read_bytes().startswith(b"PGDMP")
    status, output = run("restore", str(backup), "--into", scratch_url)
    assert status == 0, output
    assert "6 audit row(s) checked" in output and "Restored copy verified." in output
    # Tamper with the restored copy and dump it: that backup must not verify.
    with psycopg.connect(scratch_url, autocommit=True) as raw:
        raw.execute("DROP TRIGGER core_auditevent_append_only_delete ON core_auditevent")
        raw.execute("DELETE FROM core_auditevent WHERE id = (SELECT max(id) FROM core_auditevent)")
    tampered = tmp_path / "tampered.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", str(tampered), scratch_url],
        check=True,
    )
    (tmp_path / "tampered.dump.anchors.jsonl").write_bytes(
        (tmp_path / "copy.dump.anchors.jsonl").read_bytes()
    )
    status, output = run("restore", str(tampered), "--into", scratch_url)
    assert status == 1
    assert "RESTORED COPY DOES NOT VERIFY." in output


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_an_older_pg_dump_than_the_server_is_a_clear_error(tmp_path, monkeypatch):
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 11.22'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:{__import__('os').environ['PATH']}")
    with pytest.raises(
        Exception, match=r"11.22 is older than the PostgreSQL server .*postgresql-client-15"
    ):
        call_command("backup", "--output", str(tmp_path / "x.dump"), stdout=io.StringIO())
