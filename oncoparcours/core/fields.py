"""Free text with a length limit enforced by the database as well as by forms.

Django's ``TextField(max_length=...)`` only limits the form field; ``BoundedTextField`` adds a
column CHECK constraint (``LENGTH(column) <= max_length``, characters on both PostgreSQL and
SQLite), so raw SQL, the API, imports and services cannot store more either.
``core/tests/test_field_limits.py`` walks every model and form and fails on an unbounded field.
"""

from __future__ import annotations

from typing import Any

from django.db import models

# Limits in characters, by kind of text (forms use the same constants).
REASON = 2000  # a reason, a note, an acknowledgement, a question
COMMENT = 4000  # an observation, a justification, a question to the board, a proposal
GENERATED = 20_000  # text the application writes itself (error traces)
SOURCE_FILE = 1_000_000  # a versioned data file kept verbatim (pathway template, rule set)


class BoundedTextField(models.TextField):
    def __init__(self, *args: Any, max_length: int, **kwargs: Any) -> None:
        kwargs["max_length"] = max_length
        super().__init__(*args, **kwargs)

    def db_check(self, connection: Any) -> str | None:
        column = connection.ops.quote_name(self.column)
        return f"LENGTH({column}) <= {int(self.max_length or 0)}"


def length_checks_operation(app_label: str) -> Any:
    """Migration operation: on PostgreSQL, add the column CHECK of every BoundedTextField of
    ``app_label`` that lacks it. Django's AlterField compares only the built-in types' checks,
    so turning a TextField into a BoundedTextField adds no constraint there (SQLite rebuilds the
    table from the column definition, CHECK included; CreateModel includes it everywhere).
    Idempotent: an existing constraint of that name is kept."""
    from django.db import migrations

    def apply(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        for model in apps.get_app_config(app_label).get_models():
            for field in model._meta.local_concrete_fields:
                if not isinstance(field, BoundedTextField):
                    continue
                table = model._meta.db_table
                name = schema_editor._create_index_name(table, [field.column], suffix="_check")
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1 FROM pg_constraint WHERE conname = %s", [name])
                    if cursor.fetchone():
                        continue
                schema_editor.execute(
                    schema_editor._create_check_sql(model, name, field.db_check(connection))
                )

    return migrations.RunPython(apply, migrations.RunPython.noop)
