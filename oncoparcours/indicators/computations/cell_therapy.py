"""CAR-T turnaround by manufacturer."""

from __future__ import annotations

from ..engine import Column, Engine, Filters, Result, bar_series, pct, rounded


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
            f"veine à veine {engine.num(table[0]['vein'])} j",
            f"vein to vein {engine.num(table[0]['vein'])} d",
        )
    result.series = bar_series(result, "vein")
    return result
