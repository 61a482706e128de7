"""Tumour-board indicators: discussion before treatment, near-home share (funnel plot),
transfers, referrals, trial proposals."""

from __future__ import annotations

import math

from oncoparcours.boards.rules.statistics import OVERSEAS, PROXIMITY

from ..engine import Column, Engine, Filters, Result, bar_series, pct, rounded


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
        result.headline = f"{engine.num(table[0]['share'])} %"
    result.series = bar_series(result, "share")
    return result


# "Treated near home" (boards.rules.statistics.treated_near_home, set-based): on an overseas
# board, not treated in mainland France (the proximity centre, or an expert centre or a
# transfer whose organisation is overseas, e.g. Guadeloupe → Martinique; never an organisation
# in mainland France or not named); on any other board, the proximity centre. d.mainland: 1 =
# organisation in mainland France, 0 = overseas, NULL = not named.
NEAR_HOME_SQL = """CASE WHEN b.overseas
    THEN coalesce(d.mainland, -1) <> 1 AND (d.category = 'proximity' OR d.mainland = 0)
    ELSE d.category = 'proximity' END"""


def near_home_definitions(engine: Engine) -> dict[str, str]:
    return {
        OVERSEAS: engine.t(
            "RCP ultramarine : patient non transféré en métropole pour le traitement (un "
            "transfert ou un centre expert outre-mer, par exemple de la Guadeloupe vers la "
            "Martinique, compte comme à proximité ; un établissement non précisé, non)",
            "overseas board: patient not transferred to mainland France for treatment (a "
            "transfer or an expert centre overseas, e.g. Guadeloupe to Martinique, counts as near "
            "home; an organisation not named does not)",
        ),
        PROXIMITY: engine.t(
            "lieu de soins fixé au centre de proximité", "place of care set to the proximity centre"
        ),
    }


def near_home_unit(engine: Engine) -> str:
    """The unit of the near-home share, the same on the board statistics page
    (boards.rules.statistics.UNIT)."""
    return engine.t(
        "chaque patient compté une fois par RCP, selon la dernière décision de cette RCP",
        "each patient counted once per board, by that board's latest decision",
    )


def near_home_share(engine: Engine, filters: Filters) -> Result:
    where, params = engine.where(filters, "rcp_decision", alias="e")
    # The decision in force per patient and board: the latest one (computed once), judged by
    # the board's definition of "near home".
    engine.connection.execute(
        f"""CREATE OR REPLACE TEMP TABLE latest_decision AS
            WITH d AS (
                SELECT e.patient, e.board, e.category, e.value2 AS mainland, e.organisation
                FROM events e WHERE {where}
                QUALIFY row_number() OVER (PARTITION BY e.patient, e.board
                                           ORDER BY e.event_at DESC) = 1)
            SELECT d.patient, d.board, d.organisation, coalesce(b.overseas, false) AS overseas,
                   {NEAR_HOME_SQL} AS near
            FROM d LEFT JOIN boards b ON b.id = d.board""",
        params,
    )
    by_board = engine.rows(
        """SELECT board AS key, grouping(board) AS total, count(DISTINCT patient) AS patients,
                  count(DISTINCT CASE WHEN near THEN patient END) AS near,
                  bool_or(overseas) AS overseas
           FROM latest_decision GROUP BY GROUPING SETS ((board), ()) ORDER BY total DESC, board""",
        [],
    )
    by_centre = engine.rows(
        """SELECT organisation AS key, count(DISTINCT patient) AS patients,
                  count(DISTINCT CASE WHEN near THEN patient END) AS near
           FROM latest_decision WHERE organisation IS NOT NULL GROUP BY organisation ORDER BY organisation""",
        [],
    )
    boards = engine.board_names()
    names = engine.names()
    definitions = near_home_definitions(engine)
    by_its_board = engine.t("selon la définition de chaque RCP", "per each board's definition")
    table = []
    for row in by_board:
        label = engine.t("Ensemble", "All") if row["total"] else boards.get(row["key"], row["key"])
        table.append(
            {
                "stratum": label,
                "group": engine.t("RCP", "Board"),
                "definition": by_its_board
                if row["total"]
                else definitions[OVERSEAS if row["overseas"] else PROXIMITY],
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
                "definition": by_its_board,
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
            Column("definition", engine.t("« À proximité » =", "'Near home' ="), "text"),
            Column("patients", engine.t("Patients", "Patients")),
            Column("near", engine.t("À proximité", "Near home")),
            Column("share", engine.t("Part à proximité (%)", "Near-home share (%)"), "percent"),
        ],
        table,
    )
    result.notes.append(
        engine.t(
            f"Définition de « traité à proximité » : {definitions[OVERSEAS]} ; autres RCP : "
            f"{definitions[PROXIMITY]}. Unité : {near_home_unit(engine)}.",
            f"Definition of 'treated near home': {definitions[OVERSEAS]}; other boards: "
            f"{definitions[PROXIMITY]}. Unit: {near_home_unit(engine)}.",
        )
    )
    overall = table[0] if table else None
    engine.suppress(result)
    if overall and overall["share"] is not None:
        result.headline = f"{engine.num(overall['share'])} %"
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
                   coalesce(sum(CASE WHEN category = 'transfer' AND overseas AND coalesce(value2, 1) = 1
                       THEN 1 ELSE 0 END), 0) AS overseas
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
            engine.count(table[0]["transfers"], ("transfert", "transferts"), ("", "")),
            engine.count(table[0]["transfers"], ("", ""), ("transfer", "transfers")),
        )
    result.series = bar_series(result, "transfers")
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
            engine.count(table[0]["requests"], ("demande", "demandes"), ("", "")),
            engine.count(table[0]["requests"], ("", ""), ("request", "requests")),
        )
    result.series = bar_series(result, "requests")
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
        result.headline = f"{engine.num(table[0]['share'])} %"
    result.series = bar_series(result, "share")
    return result
