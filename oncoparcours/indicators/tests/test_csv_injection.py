"""Downloads neutralise cells a spreadsheet would run as a formula (OWASP CSV injection): the
files are read back as a spreadsheet program would read them."""

from __future__ import annotations

import csv
import io

import duckdb
import pytest

from oncoparcours.core.spreadsheet import safe_cell
from oncoparcours.indicators import exports
from oncoparcours.indicators.engine import Column, Result
from oncoparcours.indicators.extract import EVENTS, SCHEMA

HOSTILE = [
    '=HYPERLINK("http://evil.example")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\tTAB",
    "\rCR",
]


def _rows(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8-sig")
    lines = text.splitlines(keepends=True)
    assert not any(line.startswith("#") for line in lines)  # no comment line shown as data
    return list(csv.reader(io.StringIO("".join(lines)), delimiter=";"))


@pytest.mark.parametrize("value", HOSTILE)
def test_safe_cell_prefixes_formula_text_only(value):
    assert safe_cell(value) == "'" + value
    assert safe_cell("Lyon") == "Lyon"
    assert safe_cell(-3.5) == -3.5  # a number is data


def test_indicator_csv_neutralises_text_cells_and_keeps_numbers():
    result = Result(
        indicator="near_home_share",
        columns=[Column("organisation", "Établissement", "text"), Column("share", "Part")],
        rows=[{"organisation": value, "share": -1.5} for value in HOSTILE]
        + [{"organisation": "Centre Léon Bérard", "share": 42.0}],
    )
    rows = _rows(exports.result_csv(result, title="=1+1"))
    assert [r[0] for r in rows[1:-1]] == ["'" + value for value in HOSTILE]
    assert rows[-1][:2] == ["Centre Léon Bérard", "42,0"]
    assert {r[1] for r in rows[1:-1]} == {"-1,5"}  # a number with a decimal comma, not text


@pytest.mark.django_db
def test_event_extract_csv_neutralises_text_cells(tmp_path, settings):
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE events ({SCHEMA})")
    for number, value in enumerate(HOSTILE):
        connection.execute(
            "INSERT INTO events VALUES (?, 'diagnosis', TIMESTAMP '2026-01-02 12:00:00', NULL,"
            " ?, NULL, NULL, '', ?, -2.0, NULL, 1, false)",
            [f"p{number}", value, value],
        )
    partition = tmp_path / EVENTS / "part=p"  # the extract's layout: partitioned by pseudonym
    partition.mkdir(parents=True)
    connection.execute(f"COPY events TO '{partition / 'events.parquet'}' (FORMAT parquet)")
    connection.close()
    body, excluded = exports.extract_file(tmp_path, shift_dates=False, fmt="csv", exclusion=None)
    rows = _rows(body)
    header = rows[0]
    by_column = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert excluded == 0 and len(by_column) == len(HOSTILE)
    assert sorted(r["catégorie"] for r in by_column) == sorted("'" + v for v in HOSTILE)
    assert sorted(r["établissement (identifiant)"] for r in by_column) == sorted(
        "'" + v for v in HOSTILE
    )
    assert {r["valeur"] for r in by_column} == {"-2,0"}
    assert {r["événement"] for r in by_column} == {"diagnostic de cancer primitif"}
    assert {r["outre-mer"] for r in by_column} == {"non"}
