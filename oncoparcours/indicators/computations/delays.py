"""Delays between two events of a patient: median, 90th centile, share within target."""

from __future__ import annotations

from ..catalogue import BY_ID
from ..engine import Column, Engine, Filters, Result, bar_series, pct, rounded

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
            engine.count(waiting[0] if waiting else 0, ("patient", "patients"), ("", ""))
            + " sans événement d'arrivée (en attente, censurés).",
            engine.count(waiting[0] if waiting else 0, ("", ""), ("patient", "patients"))
            + " without an end event (waiting, censored).",
        )
    )
    engine.suppress(result)
    overall = table[0] if table else None
    if overall and overall["median"] is not None:
        result.headline = engine.t(
            f"médiane {engine.num(overall['median'])} j",
            f"median {engine.num(overall['median'])} d",
        )
    result.series = bar_series(result, "median")
    return result
