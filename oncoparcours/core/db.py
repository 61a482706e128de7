"""Database-level protection of append-only tables (audit trail, consents, alerts, custody).

UPDATE is refused on every vendor; DELETE is refused on PostgreSQL (SQLite test flushes use
DELETE, PostgreSQL's use TRUNCATE, which these triggers do not cover). The ORM refuses both
anyway (see ``core.models.AppendOnlyModel``); the triggers catch raw SQL and other clients.
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
            f"CREATE TRIGGER {name}_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END"
        ]
        reverse = [f"DROP TRIGGER IF EXISTS {name}_update"]
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
