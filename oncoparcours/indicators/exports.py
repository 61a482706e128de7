"""Exports: an indicator's table as CSV or Parquet, and the pseudonymised event-level extract
(optionally with dates shifted per patient), written by DuckDB.

Every file says what it is for and how many patients were left out because they object to that
purpose (``exclusions.py``):
- CSV (semicolon-separated, decimal comma, UTF-8 with BOM, as French spreadsheet software
  expects; ``core/spreadsheet.py``): the first
  lines start with ``#``. Excel and LibreOffice Calc show them as the first rows; programs skip
  them (pandas ``comment="#"``, DuckDB ``read_csv(..., comment='#')``, R ``comment.char="#"``).
- Parquet: the same information in the file's key-value metadata (``purpose``,
  ``excluded_patients``, ``exclusion_note``), read with DuckDB ``parquet_kv_metadata(...)``.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from pathlib import Path

import duckdb
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from oncoparcours.core import spreadsheet

from . import exclusions
from .engine import Result
from .exclusions import Exclusion
from .extract import COLUMNS, DECIMAL_COLUMNS, TEXT_COLUMNS, events_source, pseudonym_key

SHIFT_DAYS = 15  # dates move by a per-patient number of days in [-15, +15]


def _comment(text: str) -> str:
    """One ``#`` line of a CSV header: no separator or line break inside."""
    return "# " + " ".join(text.replace(" ; ", ", ").replace(";", ",").split())


def header_lines(*, title: str, exclusion: Exclusion | None, excluded: int) -> list[str]:
    lines = [title]
    if exclusion is not None:
        lines.append(
            _("Purpose: %(purpose)s (legal basis: %(basis)s)")
            % {"purpose": exclusion.label, "basis": exclusion.legal_basis}
        )
    lines.append(exclusions.note(excluded, exclusion))
    lines.append(
        _("Produced on %(day)s; oppositions in force that day apply to every period.")
        % {"day": date_format(exclusion.as_of if exclusion else timezone.localdate(), "d/m/Y")}
    )
    return [_comment(line) for line in lines]


def _metadata(exclusion: Exclusion | None, excluded: int) -> dict[str, str]:
    return {
        "purpose": exclusion.purpose if exclusion else "",
        "excluded_patients": str(excluded),
        "exclusion_note": exclusions.note(excluded, exclusion),
        "produced_on": exclusion.as_of.isoformat() if exclusion else "",
    }


def result_csv(result: Result, *, title: str = "") -> bytes:
    buffer = io.StringIO()
    for line in header_lines(
        title=title or result.indicator, exclusion=result.exclusion, excluded=result.excluded
    ):
        buffer.write(line + "\r\n")
    writer = spreadsheet.writer(buffer, french=True)
    if result.unavailable:
        writer.writerows([["indicateur", "note"], [result.indicator, result.unavailable]])
        return buffer.getvalue().encode(spreadsheet.FRENCH_ENCODING)
    writer.writerow([c.label for c in result.columns] + ["masque"])
    for row in result.rows:
        hidden = row.get("hidden", set())
        writer.writerow(
            [
                "" if row.get(c.key) is None or c.key in hidden else row.get(c.key)
                for c in result.columns
            ]
            + ["oui" if hidden else ""]
        )
    return buffer.getvalue().encode(spreadsheet.FRENCH_ENCODING)


def result_parquet(result: Result) -> bytes:
    metadata = _metadata(result.exclusion, result.excluded)
    connection = duckdb.connect()
    if result.unavailable:
        connection.execute("CREATE TABLE result (indicator VARCHAR, note VARCHAR)")
        connection.execute(
            "INSERT INTO result VALUES (?, ?)", [result.indicator, result.unavailable]
        )
        return _copy_out(connection, "SELECT * FROM result", "parquet", metadata)
    columns = [c.key for c in result.columns] + ["suppressed"]
    types = ["VARCHAR" if c.kind == "text" else "DOUBLE" for c in result.columns] + ["BOOLEAN"]
    connection.execute(
        "CREATE TABLE result ("
        + ", ".join(f'"{n}" {t}' for n, t in zip(columns, types, strict=True))
        + ")"
    )
    if result.rows:
        connection.executemany(
            f"INSERT INTO result VALUES ({', '.join('?' for _ in columns)})",
            [
                [None if c.key in row.get("hidden", ()) else row.get(c.key) for c in result.columns]
                + [bool(row.get("hidden"))]
                for row in result.rows
            ],
        )
    return _copy_out(connection, "SELECT * FROM result", "parquet", metadata)


def extract_file(
    directory: Path, *, shift_dates: bool, fmt: str, exclusion: Exclusion | None
) -> tuple[bytes, int]:
    """The event-level extract for ``exclusion.purpose``: keyed pseudonyms only, the objecting
    patients left out (SQL anti-join), optional per-patient date shift. Returns the file and
    how many patients were left out."""
    connection = duckdb.connect()
    connection.execute(f"CREATE VIEW events_all AS SELECT * FROM {events_source(directory)}")
    excluded = exclusions.install(connection, exclusion)
    salt = hashlib.sha256(pseudonym_key() + b"date-shift").hexdigest()
    columns = ", ".join(COLUMNS)
    if shift_dates:
        shift = f"to_days(CAST(hash(patient || '{salt}') % {2 * SHIFT_DAYS + 1} AS INTEGER) - {SHIFT_DAYS})"
        selected = columns.replace(
            "event_at, end_at,", f"event_at + {shift} AS event_at, end_at + {shift} AS end_at,"
        )
    else:
        selected = columns
    order = "ORDER BY patient, event_at"
    query = f"SELECT {selected} FROM events"
    if fmt == "parquet":
        return (
            _copy_out(connection, f"{query} {order}", fmt, _metadata(exclusion, excluded)),
            excluded,
        )
    neutralised = ", ".join(_csv_column(c) for c in COLUMNS)
    body = _copy_out(connection, f"SELECT {neutralised} FROM ({query}) {order}", fmt)
    title = _("Pseudonymised event-level extract")
    header = "".join(
        line + "\n" for line in header_lines(title=title, exclusion=exclusion, excluded=excluded)
    )
    return "\ufeff".encode() + header.encode("utf-8") + body, excluded


def _csv_column(column: str) -> str:
    if column in TEXT_COLUMNS:
        return spreadsheet.duckdb_safe_text(column)
    if column in DECIMAL_COLUMNS:
        return spreadsheet.duckdb_decimal_comma(column)
    return f'"{column}"'


def excluded_count(directory: Path, exclusion: Exclusion) -> int:
    """How many patients of the extract an export for ``exclusion.purpose`` leaves out now."""
    connection = duckdb.connect()
    connection.execute(f"CREATE VIEW events_all AS SELECT * FROM {events_source(directory)}")
    count = exclusions.install(connection, exclusion)
    connection.close()
    return count


def _copy_out(
    connection: duckdb.DuckDBPyConnection,
    query: str,
    fmt: str,
    metadata: dict[str, str] | None = None,
) -> bytes:
    if fmt == "parquet":
        options = "FORMAT parquet"
        if metadata:
            pairs = ", ".join(
                f"{key}: '{value.replace(chr(39), chr(39) * 2)}'" for key, value in metadata.items()
            )
            options += f", KV_METADATA {{{pairs}}}"
    else:
        options = "FORMAT csv, HEADER true, DELIMITER ';'"
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / f"out.{fmt}"
        connection.execute(f"COPY ({query}) TO '{target}' ({options})")
        connection.close()
        return target.read_bytes()
