"""Cells of every CSV / spreadsheet the product writes are neutralised against formula injection
(OWASP "CSV injection"): a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is opened by Excel or LibreOffice Calc as a formula (``=HYPERLINK(...)``, DDE), so it is
prefixed with a single quote, which spreadsheet software shows as text. Numbers are left alone
(a negative number is data, not a formula).

One helper for the whole product: ``safe_cell`` / ``safe_row`` / ``writer`` for rows written from
Python, ``duckdb_safe_text`` for files written by DuckDB ``COPY``.

French spreadsheet software (Excel and LibreOffice Calc with French settings) opens a CSV file
directly when it is separated by ";", encoded in UTF-8 with a byte-order mark, and writes decimal
numbers with a comma ("38,6"): ``writer(stream, french=True)`` and ``duckdb_decimal_comma`` do
this (``docs/indicators.md``). A decimal number is formatted after neutralisation, so "-1,5"
stays a number, not a quoted text."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FRENCH_DELIMITER = ";"
FRENCH_ENCODING = "utf-8-sig"  # UTF-8 with a byte-order mark
QUOTE = "'"


def safe_cell(value: Any) -> Any:
    """The value, with a leading ``'`` when it is text that a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return QUOTE + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


def decimal_comma(value: Any) -> Any:
    """ "38,6" for the float 38.6 (no thousands separator: the cell stays a number)."""
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    return value


class SafeWriter:
    """``csv.writer`` whose every row goes through ``safe_row`` (and ``decimal_comma`` when
    French)."""

    def __init__(self, stream: Any, *, french: bool = False, **options: Any) -> None:
        if french:
            options.setdefault("delimiter", FRENCH_DELIMITER)
        self._writer = csv.writer(stream, **options)
        self._french = french

    def writerow(self, row: Iterable[Any]) -> Any:
        cells = safe_row(row)
        if self._french:
            cells = [decimal_comma(cell) for cell in cells]
        return self._writer.writerow(cells)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: Any, *, french: bool = False, **options: Any) -> SafeWriter:
    return SafeWriter(stream, french=french, **options)


def duckdb_safe_text(column: str) -> str:
    """A DuckDB SQL expression: ``column`` (VARCHAR) neutralised like ``safe_cell``."""
    prefixes = ", ".join(f"chr({ord(c)})" for c in FORMULA_PREFIXES)
    quoted = f'"{column}"'
    return (
        f"CASE WHEN left({quoted}, 1) IN ({prefixes}) THEN '{QUOTE * 2}' || {quoted} "
        f"ELSE {quoted} END AS {quoted}"
    )


def duckdb_decimal_comma(column: str) -> str:
    """A DuckDB SQL expression: the DOUBLE ``column`` as text with a decimal comma (DuckDB's
    ``COPY … TO`` writes CSV decimals with a point only)."""
    quoted = f'"{column}"'
    return f"replace(CAST({quoted} AS VARCHAR), '.', ',') AS {quoted}"
