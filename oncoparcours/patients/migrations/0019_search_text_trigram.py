"""A trigram index on the patients' search text, on PostgreSQL only (issue 19).

The name search filters ``search_text LIKE '%token%'`` for each word typed
(``selectors.patient_search``): a B-tree cannot serve a pattern with a leading wildcard, so a
professional with a large caseload had every patient row read. A GIN index with ``pg_trgm``'s
``gin_trgm_ops`` serves ``LIKE '%…%'`` (three letters or more). SQLite has no such index: there
the migration does nothing. The extension is created when missing (``pg_trgm`` is a trusted
extension: the database owner may create it); going back drops the index and leaves the
extension, which other objects may use.
"""

from __future__ import annotations

from django.db import migrations

INDEX = "patient_search_text_trgm"


def create_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON patients_patient "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("patients", "0018_change_detection_indexes")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
