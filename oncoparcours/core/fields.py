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
