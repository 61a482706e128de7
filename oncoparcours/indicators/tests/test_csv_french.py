"""Every CSV the product exports opens in French spreadsheet software (issue 14): UTF-8 with a
byte-order mark, ";" between cells, decimal comma. Each file is read back with ``csv`` (delimiter
";") and its numbers parsed back to the values computed."""

from __future__ import annotations

import csv
import io

import duckdb
import pytest

from oncoparcours.core.number_fields import normalise_decimal
from oncoparcours.indicators import exports
from oncoparcours.indicators.engine import Column, Result
from oncoparcours.indicators.extract import EVENTS, SCHEMA

BOM = "\ufeff".encode()


def read_french_csv(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(BOM), "UTF-8 byte-order mark missing"
    text = body.decode("utf-8-sig")
    lines = text.splitlines(keepends=True)
    assert not any(line.startswith("#") for line in lines)  # no comment line shown as data
    return list(csv.DictReader(io.StringIO("".join(lines)), delimiter=";"))


def number(cell: str) -> float:
    return float(normalise_decimal(cell))


def test_an_indicator_table_reads_back_with_its_decimals():
    result = Result(
        indicator="near_home_share",
        columns=[
            Column("organisation", "Établissement", "text"),
            Column("share", "Part (%)", "percent"),
            Column("patients", "Patients"),
        ],
        rows=[
            {"organisation": "Centre hospitalier d'Amboise", "share": 38.6, "patients": 1250},
            {"organisation": "CHU de Martinique", "share": -0.25, "patients": 3},
        ],
    )
    rows = read_french_csv(exports.result_csv(result, title="Part des patients"))
    assert [r["Établissement"] for r in rows] == [
        "Centre hospitalier d'Amboise",
        "CHU de Martinique",
    ]
    assert [r["Part (%)"] for r in rows] == ["38,6", "-0,25"]
    assert [number(r["Part (%)"]) for r in rows] == [38.6, -0.25]
    assert [int(r["Patients"]) for r in rows] == [1250, 3]


@pytest.mark.django_db
def test_the_event_extract_reads_back_with_its_decimals(tmp_path):
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE events ({SCHEMA})")
    connection.execute(
        "INSERT INTO events VALUES ('p1', 'followup', TIMESTAMP '2026-01-02 12:00:00', NULL,"
        " 'Centre Léon Bérard', NULL, NULL, '', 'fatigue', 38.6, 1250.5, 2, false)"
    )
    partition = tmp_path / EVENTS / "part=p"
    partition.mkdir(parents=True)
    connection.execute(f"COPY events TO '{partition / 'events.parquet'}' (FORMAT parquet)")
    connection.close()
    body, _excluded = exports.extract_file(tmp_path, shift_dates=False, fmt="csv", exclusion=None)
    (row,) = read_french_csv(body)
    assert row["établissement (identifiant)"] == "Centre Léon Bérard"
    assert row["événement"] == "suivi à domicile" and row["date"] == "02/01/2026 12:00"
    assert (row["valeur"], row["valeur 2"]) == ("38,6", "1250,5")
    assert (number(row["valeur"]), number(row["valeur 2"]), int(row["nombre"])) == (
        38.6,
        1250.5,
        2,
    )
