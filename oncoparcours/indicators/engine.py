"""Computing indicators: set-based SQL in DuckDB over the event-level extract (Parquet), with
the dashboard's filters. Each indicator returns a table (rows of strata), a headline and the
chart series; strata describing fewer than 5 patients are suppressed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from oncoparcours.core import french

from . import exclusions
from .catalogue import parameters
from .exclusions import Exclusion
from .extract import events_source

TABLES = ("events", "organisations", "boards")
# The kinds of event of the extract, as people read them (French, English).
KIND_LABELS: dict[str, tuple[str, str]] = {
    "administration": ("administrations", "administrations"),
    "alert": ("alertes", "alerts"),
    "car_t": ("commandes CAR-T", "CAR-T orders"),
    "diagnosis": ("diagnostics", "diagnoses"),
    "diagnosis_confirmed": ("diagnostics confirmés", "confirmed diagnoses"),
    "first_treatment": ("premiers traitements", "first treatments"),
    "followup": ("suivi à domicile", "home follow-up"),
    "inclusion": ("inclusions", "inclusions"),
    "rcp_decision": ("décisions de RCP", "board decisions"),
    "referral": ("adressages", "referrals"),
    "suspicion": ("suspicions de cancer", "cancer suspicions"),
}
# The kinds of event each indicator is computed from (see extract.KINDS).
SOURCES: dict[str, tuple[str, ...]] = {
    "delay_suspicion_diagnosis": ("suspicion", "diagnosis_confirmed"),
    "delay_diagnosis_rcp": ("diagnosis", "rcp_decision"),
    "delay_rcp_treatment": ("rcp_decision", "first_treatment"),
    "rcp_before_treatment": ("first_treatment",),
    "near_home_share": ("rcp_decision",),
    "transfers": ("rcp_decision",),
    "referrals": ("referral",),
    "trial_proposals": ("rcp_decision",),
    "alert_rate": ("alert", "followup"),
    "alert_handling": ("alert",),
    "emergencies": ("followup",),
    "day_hospital_places": ("administration",),
    "a51_inclusions": ("inclusion",),
    "a51_refusals": ("inclusion",),
    "a51_sequences": ("inclusion",),
    "a51_cost": ("inclusion",),
    "car_t_turnaround": ("car_t",),
}


@dataclass(frozen=True)
class Filters:
    start: dt.date | None = None
    end: dt.date | None = None
    organisation: str = ""
    network: str = ""
    board: str = ""
    template: str = ""

    def as_query(self) -> dict[str, str]:
        values = {
            "debut": self.start.isoformat() if self.start else "",
            "fin": self.end.isoformat() if self.end else "",
            "etablissement": self.organisation,
            "reseau": self.network,
            "rcp": self.board,
            "parcours": self.template,
        }
        return {key: value for key, value in values.items() if value}


@dataclass
class Column:
    key: str
    label: str
    kind: str = "number"  # number | percent | text


@dataclass
class Result:
    indicator: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    headline: str = ""
    series: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    suppressed: int = 0
    unavailable: str = ""
    # Patients left out because they object to the export's purpose (exclusions.py).
    excluded: int = 0
    exclusion: Exclusion | None = None

    @property
    def exclusion_note(self) -> str:
        return exclusions.note(self.excluded, self.exclusion)


def minimum_patients() -> int:
    return int(parameters()["suppression"]["minimum_patients"])


class Engine:
    """One DuckDB connection over the extract; ``now`` closes open periods. Every statement
    reads ``events``: the extract without the patients who object to the export's purpose
    (``exclusion``, read when the engine is made)."""

    def __init__(
        self,
        directory: Path,
        *,
        now: dt.datetime,
        english: bool = False,
        exclusion: Exclusion | None = None,
    ) -> None:
        self.connection = duckdb.connect()
        self.connection.execute("SET threads TO 2")
        for table in TABLES:
            source = (
                events_source(directory)
                if table == "events"
                else f"read_parquet('{_quote(directory / f'{table}.parquet')}')"
            )
            name = "events_all" if table == "events" else table
            self.connection.execute(f"CREATE VIEW {name} AS SELECT * FROM {source}")
        self._setup(now, english, exclusion)

    def _setup(self, now: dt.datetime, english: bool, exclusion: Exclusion | None) -> None:
        self.now = now.replace(tzinfo=None)
        self.english = english
        self._boards: dict[str, str] | None = None
        self._overseas_boards: set[str] | None = None
        self._kinds: set[str] | None = None
        self.exclusion = exclusion
        self.excluded = exclusions.install(self.connection, exclusion)

    @classmethod
    def over_connection(
        cls,
        connection: duckdb.DuckDBPyConnection,
        *,
        now: dt.datetime,
        english: bool = False,
        exclusion: Exclusion | None = None,
    ) -> Engine:
        """An engine over tables already in ``connection`` (tests, benchmarks): its ``events``
        table becomes ``events_all``, read through the exclusion."""
        engine = cls.__new__(cls)
        engine.connection = connection
        connection.execute("ALTER TABLE events RENAME TO events_all")
        engine._setup(now, english, exclusion)
        return engine

    def close(self) -> None:
        self.connection.close()

    def t(self, fr: str, en: str) -> str:
        return en if self.english else fr

    def num(self, value: float | int | None, digits: int | None = None) -> str:
        """A figure for generated text: "55,6" in French, "55.6" in English."""
        return french.decimal(value, digits, english=self.english)

    def count(self, number: int | None, fr: tuple[str, str], en: tuple[str, str]) -> str:
        """ "0 ligne masquée", "2 lignes masquées" / "1 row hidden", "2 rows hidden": French
        takes the singular for 0 and 1, English for 1 only. ``fr``/``en``: (singular, plural)."""
        number = number or 0
        if self.english:
            return f"{number} {en[0] if number == 1 else en[1]}"
        return f"{number} {fr[0] if number <= 1 else fr[1]}"

    # SQL helpers ---------------------------------------------------------------------------
    def where(
        self, filters: Filters, kind: str, *, period: bool = True, alias: str = ""
    ) -> tuple[str, list[Any]]:
        prefix = f"{alias}." if alias else ""
        clauses: list[str] = [f"{prefix}kind = ?"]
        params: list[Any] = [kind]
        if period and filters.start:
            clauses.append(f"{prefix}event_at >= ?")
            params.append(dt.datetime.combine(filters.start, dt.time(0)))
        if period and filters.end:
            clauses.append(f"{prefix}event_at < ?")
            params.append(dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time(0)))
        for column, value in (
            ("organisation", filters.organisation),
            ("network", filters.network),
            ("board", filters.board),
            ("template", filters.template),
        ):
            if value:
                clauses.append(f"{prefix}{column} = ?")
                params.append(value)
        return " AND ".join(clauses), params

    def rows(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        cursor = self.connection.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def window(self, filters: Filters) -> tuple[dt.datetime, dt.datetime]:
        if filters.start:
            start = dt.datetime.combine(filters.start, dt.time(0))
        else:
            first = self.connection.execute("SELECT min(event_at) FROM events").fetchone()
            start = first[0] if first and first[0] else self.now
        end = (
            dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time(0))
            if filters.end
            else self.now
        )
        return start, min(end, self.now) if not filters.end else end

    def names(self) -> dict[str, str]:
        return dict(self.connection.execute("SELECT id, short_name FROM organisations").fetchall())

    def board_names(self) -> dict[str, str]:
        if self._boards is None:
            self._boards = dict(self.connection.execute("SELECT id, name FROM boards").fetchall())
        return self._boards

    def suppress(self, result: Result, count_key: str = "patients") -> Result:
        """Blank every figure of a stratum with fewer than the minimum number of patients."""
        minimum = minimum_patients()
        for row in result.rows:
            count = row.get(count_key)
            if count is not None and 0 < count < minimum:
                hidden = {column.key for column in result.columns if column.kind != "text"}
                for key in hidden:
                    row[key] = None
                row["suppressed"], row["hidden"] = True, hidden
                result.suppressed += 1
        if result.suppressed:
            result.notes.append(
                self.t(
                    self.count(result.suppressed, ("ligne masquée", "lignes masquées"), ("", ""))
                    + f" : moins de {minimum} patients.",
                    self.count(result.suppressed, ("", ""), ("row hidden", "rows hidden"))
                    + f": fewer than {minimum} patients.",
                )
            )
        return result

    def compute(self, indicator_id: str, filters: Filters) -> Result:
        result = self._compute(indicator_id, filters)
        result.excluded, result.exclusion = self.excluded, self.exclusion
        return result

    def _compute(self, indicator_id: str, filters: Filters) -> Result:
        missing = self.missing_sources(indicator_id)
        if missing:
            return Result(
                indicator_id,
                [],
                [],
                unavailable=self.t(
                    "Non disponible : aucune donnée source dans l'extraction ("
                    + ", ".join(KIND_LABELS.get(kind, (kind, kind))[0] for kind in missing)
                    + ").",
                    "Not available: no source data in the extract ("
                    + ", ".join(KIND_LABELS.get(kind, (kind, kind))[1] for kind in missing)
                    + ").",
                ),
            )
        from .computations import COMPUTATIONS

        return COMPUTATIONS[indicator_id](self, filters)

    def missing_sources(self, indicator_id: str) -> list[str]:
        """The kinds of event an indicator needs that the extract does not hold at all."""
        if self._kinds is None:
            self._kinds = {
                row[0]
                for row in self.connection.execute("SELECT DISTINCT kind FROM events").fetchall()
            }
        return [kind for kind in SOURCES.get(indicator_id, ()) if kind not in self._kinds]


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def pct(numerator: float | None, denominator: float | None) -> float | None:
    if not denominator or numerator is None:
        return None
    return round(100.0 * numerator / denominator, 1)


def rounded(value: Any, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def bar_series(result: Result, key: str) -> dict[str, Any]:
    rows = (
        [r for r in result.rows[1:] if r.get(key) is not None]
        if len(result.rows) > 1
        else result.rows
    )
    return {"type": "bar", "labels": [r["stratum"] for r in rows], "values": [r[key] for r in rows]}
