"""Computing indicators: set-based SQL in DuckDB over the event-level extract (Parquet), with
the dashboard's filters. Each indicator returns a table (rows of strata), a headline and the
chart series; strata describing fewer than 5 patients are suppressed."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import duckdb

from .catalogue import BY_ID, parameters

TABLES = ("events", "organisations", "boards")
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


def minimum_patients() -> int:
    return int(parameters()["suppression"]["minimum_patients"])


class Engine:
    """One DuckDB connection over the extract; ``now`` closes open periods."""

    def __init__(self, directory: Path, *, now: dt.datetime, english: bool = False) -> None:
        self.connection = duckdb.connect()
        self.connection.execute("SET threads TO 2")
        for table in TABLES:
            path = _quote(directory / f"{table}.parquet")
            self.connection.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{path}')")
        self.now = now.replace(tzinfo=None)
        self.english = english
        self._boards: dict[str, str] | None = None
        self._kinds: set[str] | None = None

    @classmethod
    def over_connection(
        cls, connection: duckdb.DuckDBPyConnection, *, now: dt.datetime, english: bool = False
    ) -> Engine:
        """An engine over tables already in ``connection`` (tests, benchmarks)."""
        engine = cls.__new__(cls)
        engine.connection = connection
        engine.now = now.replace(tzinfo=None)
        engine.english = english
        engine._boards = None
        engine._kinds = None
        return engine

    def close(self) -> None:
        self.connection.close()

    def t(self, fr: str, en: str) -> str:
        return en if self.english else fr

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
                    f"{result.suppressed} ligne(s) masquée(s) : moins de {minimum} patients.",
                    f"{result.suppressed} row(s) hidden: fewer than {minimum} patients.",
                )
            )
        return result

    def compute(self, indicator_id: str, filters: Filters) -> Result:
        missing = self.missing_sources(indicator_id)
        if missing:
            return Result(
                indicator_id,
                [],
                [],
                unavailable=self.t(
                    "Non disponible : aucune donnée source dans l'extraction ("
                    + ", ".join(missing)
                    + ").",
                    "Not available: no source data in the extract (" + ", ".join(missing) + ").",
                ),
            )
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


# Delays -------------------------------------------------------------------------------------
DELAYS = {
    "delay_suspicion_diagnosis": ("suspicion", "diagnosis_confirmed"),
    "delay_diagnosis_rcp": ("diagnosis", "rcp_decision"),
    "delay_rcp_treatment": ("rcp_decision", "first_treatment"),
}


def delay(engine: Engine, filters: Filters, indicator_id: str) -> Result:
    start_kind, end_kind = DELAYS[indicator_id]
    target = BY_ID[indicator_id].extra["target_days"]
    end_where, params = engine.where(filters, end_kind, alias="e")
    start_where, start_params = engine.where(Filters(organisation=filters.organisation), start_kind)
    sql = f"""
        WITH s AS (SELECT patient, min(event_at) AS start FROM events WHERE {start_where} GROUP BY patient),
        e AS (SELECT patient, min(event_at) AS stop, any_value(organisation) AS organisation
              FROM events e WHERE {end_where} GROUP BY patient),
        d AS (SELECT e.organisation, date_diff('day', s.start, e.stop) AS days
              FROM s JOIN e USING (patient) WHERE e.stop >= s.start)
        SELECT organisation, grouping(organisation) AS total, count(*) AS patients,
               quantile_cont(days, 0.5) AS median, quantile_cont(days, 0.9) AS p90,
               avg(CASE WHEN days <= {int(target)} THEN 1.0 ELSE 0.0 END) AS within
        FROM d GROUP BY GROUPING SETS ((organisation), ()) ORDER BY total DESC, organisation
    """
    rows = engine.rows(sql, start_params + params)
    waiting_sql = f"""
        SELECT count(*) FROM (SELECT patient FROM events WHERE {start_where} GROUP BY patient) s
        WHERE NOT EXISTS (SELECT 1 FROM events x WHERE x.patient = s.patient AND x.kind = ?)
    """
    waiting = engine.connection.execute(waiting_sql, [*start_params, end_kind]).fetchone()
    names = engine.names()
    table = []
    for row in rows:
        table.append(
            {
                "stratum": engine.t("Ensemble", "All")
                if row["total"]
                else names.get(row["organisation"], row["organisation"] or "—"),
                "patients": row["patients"],
                "median": rounded(row["median"]),
                "p90": rounded(row["p90"]),
                "within": pct(row["within"], 1),
            }
        )
    result = Result(
        indicator_id,
        [
            Column("stratum", engine.t("Établissement", "Organisation"), "text"),
            Column("patients", engine.t("Patients", "Patients")),
            Column("median", engine.t("Médiane (jours)", "Median (days)")),
            Column("p90", engine.t("90e centile (jours)", "90th percentile (days)")),
            Column(
                "within",
                engine.t(f"Dans la cible ≤ {target} j (%)", f"Within ≤ {target} d (%)"),
                "percent",
            ),
        ],
        table,
    )
    result.notes.append(
        engine.t(
            f"{waiting[0] if waiting else 0} patient(s) sans événement d'arrivée (en attente, censurés).",
            f"{waiting[0] if waiting else 0} patient(s) without an end event (waiting, censored).",
        )
    )
    engine.suppress(result)
    overall = table[0] if table else None
    if overall and overall["median"] is not None:
        result.headline = engine.t(
            f"médiane {overall['median']} j", f"median {overall['median']} d"
        )
    result.series = _bar_series(result, "median")
    return result


def _bar_series(result: Result, key: str) -> dict[str, Any]:
    rows = (
        [r for r in result.rows[1:] if r.get(key) is not None]
        if len(result.rows) > 1
        else result.rows
    )
    return {"type": "bar", "labels": [r["stratum"] for r in rows], "values": [r[key] for r in rows]}


# Tumour boards --------------------------------------------------------------------------------
def rcp_before_treatment(engine: Engine, filters: Filters) -> Result:
    where, params = engine.where(filters, "first_treatment", alias="t")
    sql = f"""
        WITH t AS (SELECT patient, min(event_at) AS treated, any_value(organisation) AS organisation
                   FROM events t WHERE {where} GROUP BY patient),
        d AS (SELECT patient, min(event_at) AS decided FROM events WHERE kind = 'rcp_decision' GROUP BY patient)
        SELECT t.organisation AS organisation, grouping(t.organisation) AS total, count(*) AS patients,
               coalesce(sum(CASE WHEN d.decided IS NOT NULL AND CAST(d.decided AS DATE) <= CAST(t.treated AS DATE)
                   THEN 1 ELSE 0 END), 0) AS before,
               coalesce(sum(CASE WHEN d.decided IS NULL THEN 1 ELSE 0 END), 0) AS without
        FROM t LEFT JOIN d USING (patient)
        GROUP BY GROUPING SETS ((t.organisation), ()) ORDER BY total DESC, organisation
    """
    names = engine.names()
    rows = engine.rows(sql, params)
    table = [
        {
            "stratum": engine.t("Ensemble", "All")
            if r["total"]
            else names.get(r["organisation"], r["organisation"] or "—"),
            "patients": r["patients"],
            "before": r["before"],
            "share": pct(r["before"], r["patients"]),
            "without": r["without"],
        }
        for r in rows
    ]
    result = Result(
        "rcp_before_treatment",
        [
            Column("stratum", engine.t("Établissement", "Organisation"), "text"),
            Column("patients", engine.t("Patients traités", "Patients treated")),
            Column("before", engine.t("RCP avant traitement", "Board before treatment")),
            Column("share", engine.t("Part (%)", "Share (%)"), "percent"),
            Column("without", engine.t("Sans RCP", "No board")),
        ],
        table,
    )
    engine.suppress(result)
    if table and table[0]["share"] is not None:
        result.headline = f"{table[0]['share']} %"
    result.series = _bar_series(result, "share")
    return result


def near_home_share(engine: Engine, filters: Filters) -> Result:
    where, params = engine.where(filters, "rcp_decision")
    # The decision in force per patient and board: the latest one (computed once).
    engine.connection.execute(
        f"""CREATE OR REPLACE TEMP TABLE latest_decision AS
            SELECT patient, board, arg_max(category, event_at) AS category,
                   arg_max(organisation, event_at) AS organisation
            FROM events WHERE {where} GROUP BY patient, board""",
        params,
    )
    by_board = engine.rows(
        """SELECT board AS key, grouping(board) AS total, count(DISTINCT patient) AS patients,
                  count(DISTINCT CASE WHEN category = 'proximity' THEN patient END) AS near
           FROM latest_decision GROUP BY GROUPING SETS ((board), ()) ORDER BY total DESC, board""",
        [],
    )
    by_centre = engine.rows(
        """SELECT organisation AS key, count(DISTINCT patient) AS patients,
                  count(DISTINCT CASE WHEN category = 'proximity' THEN patient END) AS near
           FROM latest_decision WHERE organisation IS NOT NULL GROUP BY organisation ORDER BY organisation""",
        [],
    )
    boards = engine.board_names()
    names = engine.names()
    table = []
    for row in by_board:
        label = engine.t("Ensemble", "All") if row["total"] else boards.get(row["key"], row["key"])
        table.append(
            {
                "stratum": label,
                "group": engine.t("RCP", "Board"),
                "patients": row["patients"],
                "near": row["near"],
                "share": pct(row["near"], row["patients"]),
            }
        )
    for row in by_centre:
        table.append(
            {
                "stratum": names.get(row["key"], row["key"]),
                "group": engine.t("Établissement", "Organisation"),
                "patients": row["patients"],
                "near": row["near"],
                "share": pct(row["near"], row["patients"]),
            }
        )
    result = Result(
        "near_home_share",
        [
            Column("stratum", engine.t("Strate", "Stratum"), "text"),
            Column("group", engine.t("Par", "By"), "text"),
            Column("patients", engine.t("Patients", "Patients")),
            Column("near", engine.t("À proximité", "Near home")),
            Column("share", engine.t("Part à proximité (%)", "Near-home share (%)"), "percent"),
        ],
        table,
    )
    overall = table[0] if table else None
    engine.suppress(result)
    if overall and overall["share"] is not None:
        result.headline = f"{overall['share']} %"
        p0 = overall["near"] / overall["patients"]
        points = [
            {"label": r["stratum"], "n": r["patients"], "share": r["share"]}
            for r in table
            if r["group"] == engine.t("Établissement", "Organisation") and r["share"] is not None
        ]
        result.series = {
            "type": "funnel",
            "p0": round(100 * p0, 1),
            "points": points,
            "limits": funnel_limits(p0, max([p["n"] for p in points] or [10])),
        }
    return result


def funnel_limits(p0: float, n_max: int) -> list[dict[str, float]]:
    """95 % and 99.8 % control limits (normal approximation) of a proportion p0 by sample size."""
    limits = []
    for n in sorted({max(2, int(n_max * f / 20)) for f in range(1, 21)} | {5, 10, 20}):
        sd = math.sqrt(p0 * (1 - p0) / n)
        limits.append(
            {
                "n": n,
                "low95": round(100 * max(0.0, p0 - 1.96 * sd), 1),
                "high95": round(100 * min(1.0, p0 + 1.96 * sd), 1),
                "low998": round(100 * max(0.0, p0 - 3.09 * sd), 1),
                "high998": round(100 * min(1.0, p0 + 3.09 * sd), 1),
            }
        )
    return limits


def transfers(engine: Engine, filters: Filters) -> Result:
    where, params = engine.where(filters, "rcp_decision")
    rows = engine.rows(
        f"""SELECT board AS key, count(*) AS decisions, count(DISTINCT patient) AS patients,
                   coalesce(sum(CASE WHEN category = 'transfer' THEN 1 ELSE 0 END), 0) AS transfers,
                   coalesce(sum(CASE WHEN category = 'transfer' AND overseas THEN 1 ELSE 0 END), 0) AS overseas
            FROM events WHERE {where} GROUP BY GROUPING SETS ((board), ()) ORDER BY grouping(board) DESC, board""",
        params,
    )
    boards = engine.board_names()
    table = [
        {
            "stratum": engine.t("Ensemble", "All") if i == 0 else boards.get(r["key"], r["key"]),
            "patients": r["patients"],
            "decisions": r["decisions"],
            "transfers": r["transfers"],
            "overseas": r["overseas"],
        }
        for i, r in enumerate(rows)
    ]
    result = Result(
        "transfers",
        [
            Column("stratum", engine.t("RCP", "Board"), "text"),
            Column("patients", engine.t("Patients", "Patients")),
            Column("decisions", engine.t("Décisions", "Decisions")),
            Column("transfers", engine.t("Transferts", "Transfers")),
            Column(
                "overseas", engine.t("dont outre-mer → métropole", "of which overseas → mainland")
            ),
        ],
        table,
    )
    engine.suppress(result)
    if table and table[0]["transfers"] is not None:
        result.headline = engine.t(
            f"{table[0]['transfers']} transfert(s)", f"{table[0]['transfers']} transfer(s)"
        )
    result.series = _bar_series(result, "transfers")
    return result


def referrals(engine: Engine, filters: Filters) -> Result:
    where, params = engine.where(filters, "referral")
    rows = engine.rows(
        f"""SELECT category AS key, count(*) AS requests, count(DISTINCT patient) AS patients,
                   quantile_cont(value, 0.5) AS median
            FROM events WHERE {where} GROUP BY GROUPING SETS ((category), ()) ORDER BY grouping(category) DESC, category""",
        params,
    )
    labels = {
        "requested": engine.t("En attente", "Waiting"),
        "accepted": engine.t("Acceptée", "Accepted"),
        "declined": engine.t("Refusée", "Declined"),
    }
    table = [
        {
            "stratum": engine.t("Ensemble", "All") if i == 0 else labels.get(r["key"], r["key"]),
            "patients": r["patients"],
            "requests": r["requests"],
            "median": rounded(r["median"]),
        }
        for i, r in enumerate(rows)
    ]
    result = Result(
        "referrals",
        [
            Column("stratum", engine.t("Statut", "Status"), "text"),
            Column("patients", engine.t("Patients", "Patients")),
            Column("requests", engine.t("Demandes", "Requests")),
            Column(
                "median",
                engine.t("Délai de réponse médian (jours)", "Median time to answer (days)"),
            ),
        ],
        table,
    )
    engine.suppress(result)
    if table and table[0]["requests"] is not None:
        result.headline = engine.t(
            f"{table[0]['requests']} demande(s)", f"{table[0]['requests']} request(s)"
        )
    result.series = _bar_series(result, "requests")
    return result


def trial_proposals(engine: Engine, filters: Filters) -> Result:
    where, params = engine.where(filters, "rcp_decision")
    rows = engine.rows(
        f"""SELECT board AS key, count(*) AS decisions, count(DISTINCT patient) AS patients,
                   coalesce(sum(CASE WHEN value = 1 THEN 1 ELSE 0 END), 0) AS trials
            FROM events WHERE {where} GROUP BY GROUPING SETS ((board), ()) ORDER BY grouping(board) DESC, board""",
        params,
    )
    boards = engine.board_names()
    table = [
        {
            "stratum": engine.t("Ensemble", "All") if i == 0 else boards.get(r["key"], r["key"]),
            "patients": r["patients"],
            "decisions": r["decisions"],
            "trials": r["trials"],
            "share": pct(r["trials"], r["decisions"]),
        }
        for i, r in enumerate(rows)
    ]
    result = Result(
        "trial_proposals",
        [
            Column("stratum", engine.t("RCP", "Board"), "text"),
            Column("patients", engine.t("Patients", "Patients")),
            Column("decisions", engine.t("Décisions", "Decisions")),
            Column("trials", engine.t("Essai proposé", "Trial proposed")),
            Column("share", engine.t("Part (%)", "Share (%)"), "percent"),
        ],
        table,
    )
    engine.suppress(result)
    if table and table[0]["share"] is not None:
        result.headline = f"{table[0]['share']} %"
    result.series = _bar_series(result, "share")
    return result


# Alerts ---------------------------------------------------------------------------------------
def patient_weeks(engine: Engine, filters: Filters, *, template: str = "") -> float:
    start, end = engine.window(filters)
    where, params = engine.where(
        Filters(organisation=filters.organisation, template=template), "followup", period=False
    )
    row = engine.connection.execute(
        f"""SELECT sum(greatest(0, date_diff('second', greatest(event_at, ?), least(coalesce(end_at, ?), ?)))) / 604800.0
            FROM events WHERE {where}""",
        [start, end, end, *params],
    ).fetchone()
    return float(row[0] or 0.0) if row else 0.0


LEVELS = ("routine", "urgent", "immediate", "emergency")


def _level_label(engine: Engine, level: str | None) -> str:
    labels = {
        "routine": engine.t("Routine", "Routine"),
        "urgent": engine.t("Urgent", "Urgent"),
        "immediate": engine.t("Immédiat", "Immediate"),
        "emergency": engine.t("Urgence vitale", "Emergency"),
    }
    return engine.t("Ensemble", "All") if level is None else labels.get(level, level)


def alert_rate(engine: Engine, filters: Filters) -> Result:
    where, params = engine.where(filters, "alert")
    weeks = patient_weeks(engine, filters)
    rows = engine.rows(
        f"""SELECT category AS key, count(*) AS alerts, count(DISTINCT patient) AS patients
            FROM events WHERE {where} GROUP BY GROUPING SETS ((category), ()) ORDER BY grouping(category) DESC, category""",
        params,
    )
    table = [
        {
            "stratum": _level_label(engine, r["key"]),
            "patients": r["patients"],
            "alerts": r["alerts"],
            "rate": round(100 * r["alerts"] / weeks, 2) if weeks else None,
        }
        for r in rows
    ]
    result = Result(
        "alert_rate",
        [
            Column("stratum", engine.t("Niveau", "Level"), "text"),
            Column("patients", engine.t("Patients", "Patients")),
            Column("alerts", engine.t("Alertes", "Alerts")),
            Column("rate", engine.t("Pour 100 patients-semaines", "Per 100 patient-weeks")),
        ],
        table,
    )
    result.notes.append(
        engine.t(
            f"Exposition : {weeks:.1f} patients-semaines.", f"Exposure: {weeks:.1f} patient-weeks."
        )
    )
    engine.suppress(result)
    if table and table[0]["rate"] is not None:
        result.headline = engine.t(
            f"{table[0]['rate']} / 100 patients-semaines", f"{table[0]['rate']} / 100 patient-weeks"
        )
    result.series = _bar_series(result, "rate")
    return result


def alert_handling(engine: Engine, filters: Filters) -> Result:
    where, params = engine.where(filters, "alert")
    rows = engine.rows(
        f"""SELECT category AS key, count(*) AS alerts, count(DISTINCT patient) AS patients,
                   quantile_cont(value, 0.5) AS median, quantile_cont(value, 0.9) AS p90,
                   avg(value2) AS within, coalesce(sum(count), 0) AS escalations
            FROM events WHERE {where} GROUP BY GROUPING SETS ((category), ()) ORDER BY grouping(category) DESC, category""",
        params,
    )
    table = [
        {
            "stratum": _level_label(engine, r["key"]),
            "patients": r["patients"],
            "alerts": r["alerts"],
            "median": rounded(r["median"]),
            "p90": rounded(r["p90"]),
            "within": pct(r["within"], 1),
            "escalations": r["escalations"],
            "per100": pct(r["escalations"], r["alerts"]),
        }
        for r in rows
    ]
    result = Result(
        "alert_handling",
        [
            Column("stratum", engine.t("Niveau", "Level"), "text"),
            Column("patients", engine.t("Patients", "Patients")),
            Column("alerts", engine.t("Alertes", "Alerts")),
            Column(
                "median", engine.t("Prise en charge, médiane (min)", "Acknowledged, median (min)")
            ),
            Column("p90", engine.t("90e centile (min)", "90th percentile (min)")),
            Column("within", engine.t("Dans l'échéance (%)", "Within deadline (%)"), "percent"),
            Column("escalations", engine.t("Escalades", "Escalations")),
            Column("per100", engine.t("Escalades pour 100 alertes", "Escalations per 100 alerts")),
        ],
        table,
    )
    engine.suppress(result)
    if table and table[0]["within"] is not None:
        result.headline = engine.t(
            f"{table[0]['within']} % dans l'échéance", f"{table[0]['within']} % within deadline"
        )
    result.series = _bar_series(result, "median")
    return result


def emergencies(engine: Engine, filters: Filters) -> Result:
    where, params = engine.where(filters, "emergency", alias="x")
    weeks = patient_weeks(engine, filters)
    rows = engine.rows(
        f"""SELECT category AS key, count(*) AS events, count(DISTINCT patient) AS patients
            FROM events x WHERE {where}
              AND EXISTS (SELECT 1 FROM events f WHERE f.patient = x.patient AND f.kind = 'followup')
            GROUP BY GROUPING SETS ((category), ()) ORDER BY grouping(category) DESC, category""",
        params,
    )
    labels = {
        "er_referral": engine.t("Passage aux urgences", "Emergency visit"),
        "admission": engine.t("Hospitalisation non programmée", "Unplanned admission"),
    }
    table = [
        {
            "stratum": engine.t("Ensemble", "All")
            if r["key"] is None
            else labels.get(r["key"], r["key"]),
            "patients": r["patients"],
            "events": r["events"],
            "rate": round(100 * r["events"] / weeks, 2) if weeks else None,
        }
        for r in rows
    ]
    if not table:
        table = [
            {
                "stratum": engine.t("Ensemble", "All"),
                "patients": 0,
                "events": 0,
                "rate": 0.0 if weeks else None,
            }
        ]
    result = Result(
        "emergencies",
        [
            Column("stratum", engine.t("Événement", "Event"), "text"),
            Column("patients", engine.t("Patients", "Patients")),
            Column("events", engine.t("Événements", "Events")),
            Column("rate", engine.t("Pour 100 patients-semaines", "Per 100 patient-weeks")),
        ],
        table,
    )
    result.notes.append(
        engine.t(
            f"Exposition : {weeks:.1f} patients-semaines.", f"Exposure: {weeks:.1f} patient-weeks."
        )
    )
    engine.suppress(result)
    if table[0]["rate"] is not None:
        result.headline = engine.t(
            f"{table[0]['rate']} / 100 patients-semaines", f"{table[0]['rate']} / 100 patient-weeks"
        )
    result.series = _bar_series(result, "events")
    return result


# Article 51 -----------------------------------------------------------------------------------
def working_days(start: dt.datetime, end: dt.datetime) -> int:
    days = (end.date() - start.date()).days
    full_weeks, rest = divmod(max(days, 0), 7)
    count = full_weeks * 5
    first = start.date() + dt.timedelta(days=full_weeks * 7)
    count += sum(1 for i in range(rest) if (first + dt.timedelta(days=i)).weekday() < 5)
    return count


def day_hospital_places(engine: Engine, filters: Filters) -> Result:
    where, params = engine.where(filters, "administration")
    start, end = engine.window(filters)
    days = working_days(start, end)
    rows = engine.rows(
        f"""SELECT template AS key, count(DISTINCT patient) AS patients,
                   coalesce(sum(CASE WHEN category = 'home' THEN 1 ELSE 0 END), 0) AS home, count(*) AS administrations
            FROM events WHERE {where} GROUP BY GROUPING SETS ((template), ()) ORDER BY grouping(template) DESC, template""",
        params,
    )
    table = [
        {
            "stratum": engine.t("Ensemble", "All") if r["key"] is None else r["key"],
            "patients": r["patients"],
            "administrations": r["administrations"],
            "home": r["home"],
            "places": round(r["home"] / days, 2) if days else None,
        }
        for r in rows
    ]
    result = Result(
        "day_hospital_places",
        [
            Column("stratum", engine.t("Parcours", "Pathway"), "text"),
            Column("patients", engine.t("Patients", "Patients")),
            Column("administrations", engine.t("Administrations", "Administrations")),
            Column("home", engine.t("dont à domicile", "of which at home")),
            Column(
                "places",
                engine.t(
                    "Places d'HDJ libérées par jour ouvré",
                    "Day-hospital places freed per working day",
                ),
            ),
        ],
        table,
    )
    result.notes.append(
        engine.t(f"{days} jours ouvrés dans la période.", f"{days} working days in the period.")
    )
    engine.suppress(result)
    if table and table[0]["places"] is not None:
        result.headline = engine.t(
            f"{table[0]['places']} place(s) / jour ouvré",
            f"{table[0]['places']} place(s) / working day",
        )
    result.series = _bar_series(result, "home")
    return result


def a51_inclusions(engine: Engine, filters: Filters) -> Result:
    settings_ = parameters()["article51"]
    target, years = settings_["target_patients"], settings_["duration_years"]
    where, params = engine.where(filters, "inclusion")
    rows = engine.rows(
        f"""SELECT date_trunc('week', event_at) AS week, count(DISTINCT patient) AS patients
            FROM events WHERE {where} GROUP BY week ORDER BY week""",
        params,
    )
    first = engine.connection.execute(
        "SELECT date_trunc('week', min(event_at)) FROM events WHERE kind = 'inclusion'"
    ).fetchone()
    origin = first[0] if first and first[0] else None
    per_week = target / (years * 365.25 / 7)
    table, cumulative = [], 0
    for row in rows:
        cumulative += row["patients"]
        elapsed = ((row["week"] - origin).days / 7 + 1) if origin else 0
        table.append(
            {
                "stratum": row["week"].date().isoformat(),
                "weekly": row["patients"],
                "cumulative": cumulative,
                "target": round(min(target, per_week * elapsed), 1),
            }
        )
    result = Result(
        "a51_inclusions",
        [
            Column("stratum", engine.t("Semaine du", "Week of"), "text"),
            Column("weekly", engine.t("Inclusions", "Inclusions")),
            Column("cumulative", engine.t("Cumul", "Cumulative")),
            Column("target", engine.t("Objectif cumulé", "Cumulative target")),
        ],
        table,
    )
    # Cell by cell: a weekly or cumulative count under the threshold is hidden; the target stays.
    minimum = minimum_patients()
    for row in table:
        hidden = {key for key in ("weekly", "cumulative") if 0 < row[key] < minimum}
        if hidden:
            row["hidden"] = hidden
            result.suppressed += 1
    if result.suppressed:
        result.notes.append(
            engine.t(
                f"Comptes de moins de {minimum} patients masqués ({result.suppressed} semaine(s)).",
                f"Counts under {minimum} patients hidden ({result.suppressed} week(s)).",
            )
        )
    if table:
        last = table[-1]
        result.headline = engine.t(
            f"{last['cumulative']} inclus (objectif à date {last['target']:.0f} ; {target} en {years} ans)",
            f"{last['cumulative']} included (target to date {last['target']:.0f}; {target} over {years} years)",
        )

    def shown(row: dict[str, Any], key: str) -> Any:
        return None if key in row.get("hidden", ()) else row[key]

    result.series = {
        "type": "line",
        "labels": [r["stratum"] for r in result.rows],
        "values": [shown(r, "cumulative") for r in result.rows],
        "target": [r["target"] for r in result.rows],
        "weekly": [shown(r, "weekly") for r in result.rows],
    }
    return result


def a51_refusals(engine: Engine, filters: Filters) -> Result:
    refusal_where, refusal_params = engine.where(filters, "refusal")
    inclusion_where, inclusion_params = engine.where(filters, "inclusion")
    included = engine.connection.execute(
        f"SELECT count(DISTINCT patient) FROM events WHERE {inclusion_where}", inclusion_params
    ).fetchone()[0]  # type: ignore[index]
    rows = engine.rows(
        f"""SELECT category AS key, count(DISTINCT patient) AS patients
            FROM events WHERE {refusal_where} GROUP BY GROUPING SETS ((category), ()) ORDER BY grouping(category) DESC, category""",
        refusal_params,
    )
    if not rows:
        rows = [{"key": None, "patients": 0}]
    table = [
        {
            "stratum": engine.t("Ensemble", "All") if r["key"] is None else r["key"],
            "patients": r["patients"],
            "share": pct(r["patients"], (rows[0]["patients"] + included)),
        }
        for r in rows
    ]
    result = Result(
        "a51_refusals",
        [
            Column("stratum", engine.t("Motif", "Reason"), "text"),
            Column("patients", engine.t("Refus", "Refusals")),
            Column(
                "share", engine.t("Part des propositions (%)", "Share of offers (%)"), "percent"
            ),
        ],
        table,
    )
    result.notes.append(
        engine.t(
            f"{included} patient(s) inclus dans la période.",
            f"{included} patient(s) included in the period.",
        )
    )
    # A refusal count is about the refusing patients: tiny counts are masked, zero is shown.
    engine.suppress(result)
    result.headline = (
        engine.t(f"{rows[0]['patients']} refus", f"{rows[0]['patients']} refusal(s)")
        if not table[0].get("suppressed")
        else ""
    )
    result.series = _bar_series(result, "patients")
    return result


def a51_sequences(engine: Engine, filters: Filters) -> Result:
    where, params = engine.where(filters, "inclusion", alias="i")
    rows = engine.rows(
        f"""WITH i AS (SELECT DISTINCT patient FROM events i WHERE {where})
            SELECT s.category AS key, min(s.count) AS number, count(DISTINCT s.patient) AS patients
            FROM events s JOIN i USING (patient) WHERE s.kind = 'sequence'
            GROUP BY s.category ORDER BY number""",
        params,
    )
    included = engine.connection.execute(
        f"SELECT count(DISTINCT patient) FROM events i WHERE {where}", params
    ).fetchone()[0]  # type: ignore[index]
    table = [
        {
            "stratum": engine.t("Inclus", "Included"),
            "patients": included,
            "share": 100.0 if included else None,
        }
    ]
    table += [
        {"stratum": r["key"], "patients": r["patients"], "share": pct(r["patients"], included)}
        for r in rows
    ]
    result = Result(
        "a51_sequences",
        [
            Column("stratum", engine.t("Séquence achevée", "Sequence completed"), "text"),
            Column("patients", engine.t("Patients", "Patients")),
            Column("share", engine.t("Part des inclus (%)", "Share of included (%)"), "percent"),
        ],
        table,
    )
    engine.suppress(result)
    first = next((r for r in table[1:] if r["share"] is not None), None)
    if first is not None:
        result.headline = engine.t(
            f"{first['share']} % ont achevé {first['stratum']}",
            f"{first['share']} % completed {first['stratum']}",
        )
    result.series = _bar_series(result, "patients")
    return result


def a51_cost(engine: Engine, filters: Filters) -> Result:
    tariff = float(parameters()["day_hospital"]["session_tariff_eur"])
    where, params = engine.where(filters, "inclusion", alias="i")
    row = engine.rows(
        f"""WITH i AS (SELECT DISTINCT patient FROM events i WHERE {where}),
            f AS (SELECT patient, sum(value) AS flat FROM events WHERE kind = 'sequence' GROUP BY patient),
            a AS (SELECT patient, count(*) AS sessions FROM events
                  WHERE kind = 'administration' AND template = 'home-immunotherapy' GROUP BY patient)
            SELECT count(*) AS patients, avg(coalesce(f.flat, 0)) AS flat, avg(coalesce(a.sessions, 0)) AS sessions
            FROM i LEFT JOIN f USING (patient) LEFT JOIN a USING (patient)""",
        params,
    )[0]
    baseline = (row["sessions"] or 0) * tariff
    table = [
        {
            "stratum": engine.t("Par patient inclus", "Per included patient"),
            "patients": row["patients"],
            "flat": rounded(row["flat"], 0),
            "sessions": rounded(row["sessions"]),
            "baseline": round(baseline, 0),
            "difference": round(baseline - (row["flat"] or 0), 0) if row["patients"] else None,
        }
    ]
    result = Result(
        "a51_cost",
        [
            Column("stratum", "", "text"),
            Column("patients", engine.t("Patients", "Patients")),
            Column("flat", engine.t("Forfaits (€)", "Flat rates (€)")),
            Column("sessions", engine.t("Administrations", "Administrations")),
            Column(
                "baseline",
                engine.t(
                    f"Référence HDJ à {tariff:.0f} €/séance (€)",
                    f"Day-hospital baseline at €{tariff:.0f}/session",
                ),
            ),
            Column("difference", engine.t("Écart (€)", "Difference (€)")),
        ],
        table,
    )
    result.notes.append(
        engine.t("Montants indicatifs (paramétrables).", "Indicative amounts (configurable).")
    )
    engine.suppress(result)
    if table[0]["flat"] is not None:
        result.headline = engine.t(
            f"{table[0]['flat']:.0f} € de forfaits vs {table[0]['baseline']:.0f} € en HDJ",
            f"€{table[0]['flat']:.0f} flat rates vs €{table[0]['baseline']:.0f} day hospital",
        )
    result.series = {
        "type": "bar",
        "labels": [c.label for c in result.columns[2:6:3]],
        "values": [table[0]["flat"], table[0]["baseline"]],
    }
    return result


# Cell therapy ---------------------------------------------------------------------------------
def car_t_turnaround(engine: Engine, filters: Filters) -> Result:
    where, params = engine.where(filters, "car_t")
    rows = engine.rows(
        f"""SELECT category AS key, count(*) AS orders, count(DISTINCT patient) AS patients,
                   quantile_cont(value, 0.5) AS release, quantile_cont(value2, 0.5) AS vein,
                   coalesce(sum(count), 0) AS oos, count(value) AS released
            FROM events WHERE {where} GROUP BY GROUPING SETS ((category), ()) ORDER BY grouping(category) DESC, category""",
        params,
    )
    table = [
        {
            "stratum": engine.t("Ensemble", "All") if r["key"] is None else r["key"],
            "patients": r["patients"],
            "orders": r["orders"],
            "release": rounded(r["release"]),
            "vein": rounded(r["vein"]),
            "oos": pct(r["oos"], (r["released"] or 0) + (r["oos"] or 0)),
        }
        for r in rows
    ]
    result = Result(
        "car_t_turnaround",
        [
            Column("stratum", engine.t("Fabricant", "Manufacturer"), "text"),
            Column("patients", engine.t("Patients", "Patients")),
            Column("orders", engine.t("Commandes", "Orders")),
            Column(
                "release",
                engine.t("Aphérèse → libération, médiane (j)", "Apheresis → release, median (d)"),
            ),
            Column("vein", engine.t("Veine à veine, médiane (j)", "Vein to vein, median (d)")),
            Column(
                "oos", engine.t("Hors spécification (%)", "Out of specification (%)"), "percent"
            ),
        ],
        table,
    )
    engine.suppress(result)
    if table and table[0]["vein"] is not None:
        result.headline = engine.t(
            f"veine à veine {table[0]['vein']} j", f"vein to vein {table[0]['vein']} d"
        )
    result.series = _bar_series(result, "vein")
    return result


def _delay_for(indicator_id: str, engine: Engine, filters: Filters) -> Result:
    return delay(engine, filters, indicator_id)


COMPUTATIONS: dict[str, Callable[[Engine, Filters], Result]] = {
    **{key: partial(_delay_for, key) for key in DELAYS},
    "rcp_before_treatment": rcp_before_treatment,
    "near_home_share": near_home_share,
    "transfers": transfers,
    "referrals": referrals,
    "trial_proposals": trial_proposals,
    "alert_rate": alert_rate,
    "alert_handling": alert_handling,
    "emergencies": emergencies,
    "day_hospital_places": day_hospital_places,
    "a51_inclusions": a51_inclusions,
    "a51_refusals": a51_refusals,
    "a51_sequences": a51_sequences,
    "a51_cost": a51_cost,
    "car_t_turnaround": car_t_turnaround,
}
