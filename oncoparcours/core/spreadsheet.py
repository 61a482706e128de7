"""Cells of every CSV / spreadsheet the product writes are neutralised against formula injection
(OWASP "CSV injection"): a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is opened by Excel or LibreOffice Calc as a formula (``=HYPERLINK(...)``, DDE), so it is
prefixed with a single quote, which spreadsheet software shows as text. Numbers are left alone
(a negative number is data, not a formula).

One helper for the whole product: ``safe_cell`` / ``safe_row`` / ``writer`` for rows written from
Python, ``duckdb_safe_text`` for files written by DuckDB ``COPY``."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def safe_cell(value: Any) -> Any:
    """The value, with a leading ``'`` when it is text that a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return QUOTE + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


class SafeWriter:
    """``csv.writer`` whose every row goes through ``safe_row``."""

    def __init__(self, stream: Any, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: Any, **options: Any) -> SafeWriter:
    return SafeWriter(stream, **options)


def duckdb_safe_text(column: str) -> str:
    """A DuckDB SQL expression: ``column`` (VARCHAR) neutralised like ``safe_cell``."""
    prefixes = ", ".join(f"chr({ord(c)})" for c in FORMULA_PREFIXES)
    quoted = f'"{column}"'
    return (
        f"CASE WHEN left({quoted}, 1) IN ({prefixes}) THEN '{QUOTE * 2}' || {quoted} "
        f"ELSE {quoted} END AS {quoted}"
    )
