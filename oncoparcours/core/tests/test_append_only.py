"""Append-only tables refuse UPDATE and DELETE in the database itself, on every vendor."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from oncoparcours.core.audit import audit_record
from oncoparcours.core.db import append_only_tables
from oncoparcours.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def triggers_by_table() -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal"
            )
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        found: dict[str, set[str]] = {}
        for table, name in cursor.fetchall():
            found.setdefault(table, set()).add(name)
    return found


def test_every_append_only_table_has_update_and_delete_triggers():
    tables = append_only_tables()
    assert {"core_auditevent", "celltherapy_custodyevent", "monitoring_alert"} <= set(tables)
    found = triggers_by_table()
    missing = [
        (table, event)
        for table in tables
        for event in ("update", "delete")
        if f"{table}_append_only_{event}" not in found.get(table, set())
    ]
    assert missing == []


def test_the_database_refuses_deleting_audit_rows_even_in_raw_sql():
    event = audit_record(actor=None, action=AuditAction.LOGIN_FAILED)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_migrate_puts_back_a_dropped_trigger():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER core_auditevent_append_only_delete ON core_auditevent")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_append_only_delete")
    call_command("migrate", verbosity=0)
    assert "core_auditevent_append_only_delete" in triggers_by_table()["core_auditevent"]
