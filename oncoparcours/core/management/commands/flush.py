"""Django's ``flush`` (erase every row) on a database whose append-only tables refuse DELETE.

PostgreSQL's flush uses TRUNCATE, which the row triggers do not cover. SQLite's uses DELETE, so
its append-only DELETE triggers are lifted for the flush and put back right after (test
databases are flushed this way between browser tests)."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import DEFAULT_DB_ALIAS, connections

from oncoparcours.core.db import sqlite_delete_triggers


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with connection.cursor() as cursor:
            triggers = sqlite_delete_triggers(cursor)
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for _name, sql in triggers:
                    cursor.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))
