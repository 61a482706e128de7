"""Home follow-up: alert rate per patient-weeks, alert handling, emergencies."""

from __future__ import annotations

from ..engine import Column, Engine, Filters, Result, bar_series, pct, rounded


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
            f"{engine.num(table[0]['rate'])} / 100 patients-semaines",
            f"{engine.num(table[0]['rate'])} / 100 patient-weeks",
        )
    result.series = bar_series(result, "rate")
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
            f"{engine.num(table[0]['within'])} % dans l'échéance",
            f"{engine.num(table[0]['within'])} % within deadline",
        )
    result.series = bar_series(result, "median")
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
            f"{engine.num(table[0]['rate'])} / 100 patients-semaines",
            f"{engine.num(table[0]['rate'])} / 100 patient-weeks",
        )
    result.series = bar_series(result, "events")
    return result
