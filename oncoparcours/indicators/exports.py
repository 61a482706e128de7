"""Exports: an indicator's table as CSV or Parquet, and the pseudonymised event-level extract
(optionally with dates shifted per patient), written by DuckDB.

Every file says what it is for and how many patients were left out because they object to that
purpose (``exclusions.py``):
- CSV (semicolon-separated, decimal comma, UTF-8 with BOM, as French spreadsheet software
  expects; ``core/spreadsheet.py``): the table only, its first line the column names (a
  spreadsheet would show comment lines as data). What the file is, its purpose, the patients
  left out and the day it was produced travel in HTTP headers of the download
  (``provenance_headers``: ``X-Export-Title``, ``X-Export-Purpose``, ``X-Export-Excluded-Patients``,
  ``X-Export-Note``, ``X-Export-Produced-On``; text percent-encoded UTF-8) and are shown on the
  page that offers the download (docs/indicators.md).
- Parquet: the same information in the file's key-value metadata (``purpose``,
  ``excluded_patients``, ``exclusion_note``), read with DuckDB ``parquet_kv_metadata(...)``.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from pathlib import Path
from urllib.parse import quote

import duckdb
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core import spreadsheet

from . import exclusions
from .engine import Result
from .exclusions import Exclusion
from .extract import COLUMNS, DECIMAL_COLUMNS, TEXT_COLUMNS, events_source, pseudonym_key

SHIFT_DAYS = 15  # dates move by a per-patient number of days in [-15, +15]


def provenance_headers(*, title: str, exclusion: Exclusion | None, excluded: int) -> dict[str, str]:
    """What a CSV download is, as HTTP headers (text percent-encoded UTF-8, RFC 3986)."""
    produced = exclusion.as_of if exclusion else timezone.localdate()
    headers = {
        "X-Export-Title": quote(title),
        "X-Export-Excluded-Patients": str(excluded),
        "X-Export-Note": quote(exclusions.note(excluded, exclusion)),
        "X-Export-Produced-On": produced.isoformat(),
    }
    if exclusion is not None:
        purpose = _("%(purpose)s (legal basis: %(basis)s)") % {
            "purpose": exclusion.label,
            "basis": exclusion.legal_basis,
        }
        headers["X-Export-Purpose"] = quote(purpose)
    return headers


def _metadata(exclusion: Exclusion | None, excluded: int) -> dict[str, str]:
    return {
        "purpose": exclusion.purpose if exclusion else "",
        "excluded_patients": str(excluded),
        "exclusion_note": exclusions.note(excluded, exclusion),
        "produced_on": exclusion.as_of.isoformat() if exclusion else "",
    }


def result_csv(result: Result, *, title: str = "") -> bytes:
    buffer = io.StringIO()
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
    _install_labels(connection)
    body = _copy_out(connection, _french_csv_query(f"{query} {order}"), fmt)
    return "\ufeff".encode() + body, excluded


# The CSV extract is for people (French spreadsheet software): French column names, codes
# replaced by their French labels, dates dd/mm/yyyy, yes/no. The Parquet extract is the
# machine-readable one (typed columns, codes as in ``extract.KINDS``; docs/indicators.md).
CSV_HEADERS = {
    "patient": "patient (pseudonyme)",
    "kind": "événement",
    "event_at": "date",
    "end_at": "date de fin",
    "organisation": "établissement (identifiant)",
    "network": "réseau",
    "board": "RCP (identifiant)",
    "template": "parcours",
    "category": "catégorie",
    "value": "valeur",
    "value2": "valeur 2",
    "count": "nombre",
    "overseas": "outre-mer",
}
KIND_LABELS_FR = {
    "diagnosis": "diagnostic de cancer primitif",
    "suspicion": "suspicion de cancer (parcours de diagnostic rapide)",
    "diagnosis_confirmed": "diagnostic confirmé (résultat d'anatomopathologie)",
    "first_treatment": "premier traitement",
    "rcp_case": "dossier présenté en RCP",
    "rcp_decision": "décision de RCP",
    "referral": "adressage à un centre du réseau",
    "alert": "alerte",
    "emergency": "recours en urgence",
    "followup": "suivi à domicile",
    "inclusion": "inclusion article 51",
    "refusal": "refus du parcours article 51",
    "sequence": "séquence article 51",
    "administration": "administration de traitement",
    "car_t": "commande CAR-T",
}


def category_labels() -> list[tuple[str, str, str]]:
    """(kind, code, French label) for the coded categories of the extract (model choices and
    the Article 51 sequences), read with French active."""
    from django.utils import translation

    from oncoparcours.boards.models import Decision, Referral
    from oncoparcours.monitoring.models import Alert, AlertEvent
    from oncoparcours.pathways.models import ActivityInstance, PathwayRefusal

    from .catalogue import article51_costs

    sources = (
        ("rcp_decision", Decision, "place_of_care"),
        ("referral", Referral, "status"),
        ("alert", Alert, "level"),
        ("emergency", AlertEvent, "action"),
        ("refusal", PathwayRefusal, "reason"),
        ("administration", ActivityInstance, "place"),
    )
    rows = []
    with translation.override("fr"):
        for kind, model, name in sources:
            for code, label in model._meta.get_field(name).flatchoices:  # type: ignore[union-attr]
                rows.append((kind, str(code), str(label)))
    for sequence in article51_costs().get("sequences", []):
        label = sequence.get("label")
        rows.append(
            ("sequence", sequence["key"], label["fr"] if isinstance(label, dict) else str(label))
        )
    return rows


def template_labels() -> list[tuple[str, str]]:
    """(code, French title) of the pathway templates, their latest version."""
    from oncoparcours.pathways.models import PathwayTemplate

    return list(PathwayTemplate.objects.filter(is_latest=True).values_list("code", "title_fr"))


def _install_labels(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute("CREATE TEMP TABLE kind_label (code VARCHAR, label VARCHAR)")
    connection.executemany("INSERT INTO kind_label VALUES (?, ?)", list(KIND_LABELS_FR.items()))
    connection.execute(
        "CREATE TEMP TABLE category_label (kind VARCHAR, code VARCHAR, label VARCHAR)"
    )
    connection.executemany("INSERT INTO category_label VALUES (?, ?, ?)", category_labels())
    connection.execute("CREATE TEMP TABLE template_label (code VARCHAR, label VARCHAR)")
    labels = template_labels()
    if labels:
        connection.executemany("INSERT INTO template_label VALUES (?, ?)", labels)


def _french_csv_query(query: str) -> str:
    """The extract as people read it: French headers and labels (codes without a label, e.g. an
    ICD-10 category or a manufacturer, stay as they are), dates dd/mm/yyyy HH:MM."""
    french = f"""SELECT e.patient AS patient,
        coalesce(k.label, e.kind) AS kind,
        strftime(e.event_at, '%d/%m/%Y %H:%M') AS event_at,
        strftime(e.end_at, '%d/%m/%Y %H:%M') AS end_at,
        e.organisation AS organisation, e.network AS network, e.board AS board,
        coalesce(t.label, e.template) AS template,
        coalesce(c.label, e.category) AS category,
        e.value AS value, e.value2 AS value2, e.count AS count,
        CASE WHEN e.overseas THEN 'oui' WHEN NOT e.overseas THEN 'non' END AS overseas,
        e.patient AS sort_patient, e.event_at AS sort_at
        FROM ({query}) e
        LEFT JOIN kind_label k ON k.code = e.kind
        LEFT JOIN template_label t ON t.code = e.template
        LEFT JOIN category_label c ON c.kind = e.kind AND c.code = e.category"""
    columns = ", ".join(
        _csv_column(c).removesuffix(f' AS "{c}"') + f' AS "{CSV_HEADERS[c]}"' for c in COLUMNS
    )
    return f"SELECT {columns} FROM ({french}) ORDER BY sort_patient, sort_at"


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
