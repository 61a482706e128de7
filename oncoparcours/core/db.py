"""Database-level protection of append-only tables (audit trail, consents, alerts, custody).

UPDATE and DELETE are refused on every vendor. The ORM refuses both anyway (see
``core.models.AppendOnlyModel``); the triggers catch raw SQL and other clients. After every
``migrate``, ``ensure_append_only_triggers`` (a post_migrate handler) puts both triggers on the
table of every ``AppendOnlyModel`` that lacks them, so a new append-only model, or a SQLite table
rebuilt by a migration, is never left unprotected. Erasing the whole database (``flush``) is the one
exception: PostgreSQL's flush uses TRUNCATE, which row triggers do not cover, and the ``flush``
command lifts SQLite's DELETE triggers for its duration (see ``core.management.commands.flush``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import migrations


def _statements(vendor: str, table: str) -> tuple[list[str], list[str]]:
    name = f"{table}_append_only"
    if vendor == "postgresql":
        forward = [
            f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' rows are append-only'; END;
            $$ LANGUAGE plpgsql""",
            f"CREATE TRIGGER {name}_update BEFORE UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}()",
            f"CREATE TRIGGER {name}_delete BEFORE DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}()",
        ]
        reverse = [
            f"DROP TRIGGER IF EXISTS {name}_update ON {table}",
            f"DROP TRIGGER IF EXISTS {name}_delete ON {table}",
            f"DROP FUNCTION IF EXISTS {name}()",
        ]
    elif vendor == "sqlite":
        forward = [
            f"CREATE TRIGGER {name}_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END"
            for event in ("UPDATE", "DELETE")
        ]
        reverse = [f"DROP TRIGGER IF EXISTS {name}_update", f"DROP TRIGGER IF EXISTS {name}_delete"]
    else:
        forward, reverse = [], []
    return forward, reverse


def append_only_operation(table: str) -> migrations.RunPython:
    def run(direction: int) -> Callable[[Any, Any], None]:
        def apply(apps: Any, schema_editor: Any) -> None:
            statements = _statements(schema_editor.connection.vendor, table)[direction]
            for statement in statements:
                schema_editor.execute(statement)

        return apply

    return migrations.RunPython(run(0), run(1))


def append_only_after_rebuild(table: str) -> migrations.RunPython:
    """After a migration that rebuilds ``table`` on SQLite (adding a NOT NULL column does), put its
    append-only trigger back: SQLite drops a table's triggers with the table. PostgreSQL alters
    tables in place and keeps them."""

    def apply(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "sqlite":
            return
        for statement in _statements("sqlite", table)[0]:
            schema_editor.execute(
                statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS")
            )

    return migrations.RunPython(apply, migrations.RunPython.noop)


def _idempotent(vendor: str, statement: str) -> str:
    if vendor == "sqlite":
        return statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS")
    return statement.replace("CREATE TRIGGER", "CREATE OR REPLACE TRIGGER")


def append_only_tables() -> list[str]:
    """The table of every concrete ``AppendOnlyModel``."""
    from django.apps import apps

    from .models import AppendOnlyModel

    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, AppendOnlyModel) and not model._meta.proxy
    )


def ensure_append_only_triggers(using: str = "default", **kwargs: Any) -> None:
    """Put the UPDATE and DELETE triggers on every append-only table (idempotent)."""
    from django.db import connections

    connection = connections[using]
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in append_only_tables():
            if table not in existing:
                continue
            for statement in _statements(connection.vendor, table)[0]:
                cursor.execute(_idempotent(connection.vendor, statement))


def sqlite_delete_triggers(cursor: Any) -> list[tuple[str, str]]:
    """(name, SQL) of the append-only DELETE triggers of a SQLite database."""
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
        "AND name LIKE '%\\_append\\_only\\_delete' ESCAPE '\\'"
    )
    return [(name, sql) for name, sql in cursor.fetchall()]
