"""Exports: an indicator's table as CSV or Parquet, and the pseudonymised event-level extract
(optionally with dates shifted per patient), written by DuckDB."""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from pathlib import Path

import duckdb

from .engine import Result
from .extract import COLUMNS, pseudonym_key

SHIFT_DAYS = 15  # dates move by a per-patient number of days in [-15, +15]


def result_csv(result: Result) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    if result.unavailable:
        writer.writerows([["indicateur", "note"], [result.indicator, result.unavailable]])
        return buffer.getvalue().encode("utf-8-sig")
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
    return buffer.getvalue().encode("utf-8-sig")


def result_parquet(result: Result) -> bytes:
    if result.unavailable:
        connection = duckdb.connect()
        return _copy_out(
            connection,
            f"SELECT '{result.indicator}' AS indicator, '{result.unavailable.replace(chr(39), chr(39) * 2)}' AS note",
            "parquet",
        )
    columns = [c.key for c in result.columns] + ["suppressed"]
    types = ["VARCHAR" if c.kind == "text" else "DOUBLE" for c in result.columns] + ["BOOLEAN"]
    connection = duckdb.connect()
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
    return _copy_out(connection, "SELECT * FROM result", "parquet")


def extract_file(directory: Path, *, shift_dates: bool, fmt: str) -> bytes:
    """The event-level extract: keyed pseudonyms only, optional per-patient date shift."""
    connection = duckdb.connect()
    path = str(directory / "events.parquet").replace("'", "''")
    salt = hashlib.sha256(pseudonym_key() + b"date-shift").hexdigest()
    columns = ", ".join(COLUMNS)
    if shift_dates:
        shift = f"to_days(CAST(hash(patient || '{salt}') % {2 * SHIFT_DAYS + 1} AS INTEGER) - {SHIFT_DAYS})"
        selected = columns.replace(
            "event_at, end_at,", f"event_at + {shift} AS event_at, end_at + {shift} AS end_at,"
        )
    else:
        selected = columns
    return _copy_out(
        connection, f"SELECT {selected} FROM read_parquet('{path}') ORDER BY patient, event_at", fmt
    )


def _copy_out(connection: duckdb.DuckDBPyConnection, query: str, fmt: str) -> bytes:
    options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true, DELIMITER ';'"
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / f"out.{fmt}"
        connection.execute(f"COPY ({query}) TO '{target}' ({options})")
        connection.close()
        return target.read_bytes()
