"""Database-level protection against booking one patient twice at overlapping times, whatever the
centre: an exclusion constraint on PostgreSQL (btree_gist), triggers on SQLite. The scheduling
service checks first and names the clash; this catches what a race or another client would let
through. Only scheduled and done bookings occupy the patient's time."""

from __future__ import annotations

import logging
from typing import Any

from django.db import migrations, transaction

logger = logging.getLogger(__name__)

TABLE = "celltherapy_booking"
CONSTRAINT = "booking_patient_no_overlap"
OCCUPYING = "('scheduled', 'done')"


def _postgresql_forward(schema_editor: Any) -> None:
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    except Exception:
        logger.warning("btree_gist unavailable: %s is not created", CONSTRAINT)
        return
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        f"(patient_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        f"WHERE (status IN {OCCUPYING} AND starts_at IS NOT NULL AND ends_at IS NOT NULL)"
    )


def _sqlite_statements() -> list[str]:
    # Constants of this module only, no user input.
    clash = (
        f"SELECT RAISE(ABORT, '{CONSTRAINT}') WHERE EXISTS (SELECT 1 FROM {TABLE} other "  # noqa: S608
        "WHERE other.patient_id = NEW.patient_id AND other.id != NEW.id "
        f"AND other.status IN {OCCUPYING} AND other.starts_at IS NOT NULL "
        "AND other.ends_at IS NOT NULL "
        "AND other.starts_at < NEW.ends_at AND NEW.starts_at < other.ends_at)"
    )
    when = (
        f"WHEN NEW.status IN {OCCUPYING} AND NEW.starts_at IS NOT NULL AND NEW.ends_at IS NOT NULL"
    )
    return [
        f"CREATE TRIGGER {CONSTRAINT}_{event.lower()} BEFORE {event} ON {TABLE} "
        f"FOR EACH ROW {when} BEGIN {clash}; END"
        for event in ("INSERT", "UPDATE")
    ]


def _forward(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _postgresql_forward(schema_editor)
    elif vendor == "sqlite":
        for statement in _sqlite_statements():
            schema_editor.execute(statement)


def _reverse(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT IF EXISTS {CONSTRAINT}")
    elif vendor == "sqlite":
        for event in ("insert", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {CONSTRAINT}_{event}")


def patient_overlap_operation() -> migrations.RunPython:
    return migrations.RunPython(_forward, _reverse)


def is_overlap_violation(error: Exception) -> bool:
    return CONSTRAINT in str(error)
