"""Article 51 evaluation: day-hospital places freed, inclusions against target, refusals,
sequences, cost per patient."""

from __future__ import annotations

import datetime as dt
from typing import Any

from oncoparcours.core.french import euros

from ..catalogue import article51_costs, parameters
from ..engine import Column, Engine, Filters, Result, bar_series, minimum_patients, pct, rounded
from ..extract import ARTICLE51_TEMPLATE
from ..rules import article51
from ..rules.article51 import CostTerms


def working_days(start: dt.datetime, end: dt.datetime) -> int:
    days = (end.date() - start.date()).days
    full_weeks, rest = divmod(max(days, 0), 7)
    count = full_weeks * 5
    first = start.date() + dt.timedelta(days=full_weeks * 7)
    count += sum(1 for i in range(rest) if (first + dt.timedelta(days=i)).weekday() < 5)
    return count


def inclusion_periods(
    weeks: list[tuple[dt.datetime, int]], minimum: int
) -> list[list[tuple[dt.datetime, int]]]:
    """Consecutive weeks grouped so that each group counts at least ``minimum`` patients; a
    smaller remainder joins the previous group (alone, it stays one small group)."""
    groups: list[list[tuple[dt.datetime, int]]] = []
    current: list[tuple[dt.datetime, int]] = []
    for week in weeks:
        current.append(week)
        if sum(n for _, n in current) >= minimum:
            groups.append(current)
            current = []
    if current:
        if groups:
            groups[-1] += current
        else:
            groups.append(current)
    return groups


def _included(engine: Engine, included: int, *, english: bool = False) -> str:
    """The number of patients included, as the inclusion table shows it: under the minimum it is
    "fewer than 5" (the exact figure would reveal the hidden cell)."""
    minimum = minimum_patients()
    if 0 < included < minimum:
        return (
            f"Fewer than {minimum} patients included"
            if english
            else (f"Moins de {minimum} patients inclus")
        )
    if english:
        return engine.count(included, ("", ""), ("patient included", "patients included"))
    return engine.count(included, ("patient inclus", "patients inclus"), ("", ""))


def _period_label(engine: Engine, first: dt.datetime, last: dt.datetime) -> str:
    start = first.date().strftime("%d/%m/%Y")
    if first == last:
        return engine.t(f"semaine du {start}", f"week of {start}")
    end = (last.date() + dt.timedelta(days=6)).strftime("%d/%m/%Y")
    return engine.t(f"du {start} au {end}", f"{start} to {end}")


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
            "stratum": engine.t("Ensemble", "All")
            if r["key"] is None
            else engine.t(*REFUSAL_LABELS.get(r["key"], (r["key"], r["key"]))),
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
        places = table[0]["places"]
        result.headline = engine.t(
            f"{engine.num(places)} place{'s' if (places or 0) >= 2 else ''} / jour ouvré",
            f"{engine.num(places)} place{'' if places == 1 else 's'} / working day",
        )
    result.series = bar_series(result, "home")
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
    minimum = minimum_patients()
    periods = inclusion_periods([(r["week"], r["patients"]) for r in rows], minimum)
    table, cumulative = [], 0
    for weeks in periods:
        last_week, count = weeks[-1][0], sum(n for _, n in weeks)
        cumulative += count
        elapsed = ((last_week - origin).days / 7 + 1) if origin else 0
        table.append(
            {
                "stratum": _period_label(engine, weeks[0][0], last_week),
                "weekly": count,
                "cumulative": cumulative,
                "target": round(min(target, per_week * elapsed), 1),
            }
        )
    result = Result(
        "a51_inclusions",
        [
            Column("stratum", engine.t("Période", "Period"), "text"),
            Column("weekly", engine.t("Inclusions", "Inclusions")),
            Column("cumulative", engine.t("Cumul", "Cumulative")),
            Column("target", engine.t("Objectif cumulé", "Cumulative target")),
        ],
        table,
    )
    # Weeks are grouped until each period counts at least the minimum: every count shown is then
    # either absent or >= minimum, and each cumulative is the sum of the counts shown, so no
    # small count can be recovered by difference. Only a total under the minimum is hidden.
    for row in table:
        if 0 < row["weekly"] < minimum:
            row["hidden"] = {"weekly", "cumulative"}
            result.suppressed += 1
    if any(len(weeks) > 1 for weeks in periods):
        result.notes.append(
            engine.t(
                f"Semaines regroupées jusqu'à compter au moins {minimum} patients : "
                "aucun compte plus petit n'est affiché ni déductible du cumul.",
                f"Weeks grouped until they count at least {minimum} patients: no smaller "
                "count is shown or derivable from the cumulative.",
            )
        )
    if result.suppressed:
        result.notes.append(
            engine.t(
                f"Moins de {minimum} patients inclus dans la période : comptes masqués.",
                f"Fewer than {minimum} patients included in the period: counts hidden.",
            )
        )
    if table and not table[-1].get("hidden"):
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


# The refusal reasons of pathways.RefusalReason as readers see them (French, English).
REFUSAL_LABELS: dict[str, tuple[str, str]] = {
    "patient_declined": ("Refus du patient", "Patient declined"),
    "not_eligible": ("Non éligible", "Not eligible"),
    "home_not_suitable": ("Domicile non adapté", "Home not suitable"),
    "no_trained_nurse": ("Pas d'infirmier libéral formé à proximité", "No trained nurse nearby"),
    "other": ("Autre motif", "Other"),
}


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
            "stratum": engine.t("Ensemble", "All")
            if r["key"] is None
            else engine.t(*REFUSAL_LABELS.get(r["key"], (r["key"], r["key"]))),
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
            _included(engine, included) + " dans la période.",
            _included(engine, included, english=True) + " in the period.",
        )
    )
    # A refusal count is about the refusing patients: tiny counts are masked, zero is shown.
    engine.suppress(result)
    result.headline = (
        engine.t(
            f"{rows[0]['patients']} refus",
            engine.count(rows[0]["patients"], ("", ""), ("refusal", "refusals")),
        )
        if not table[0].get("suppressed")
        else ""
    )
    result.series = bar_series(result, "patients")
    return result


def a51_sequences(engine: Engine, filters: Filters) -> Result:
    where, params = engine.where(filters, "inclusion", alias="i")
    rows = engine.rows(
        f"""WITH i AS (SELECT DISTINCT patient FROM events i WHERE {where})
            SELECT s.category AS key, min(s.count) AS number, count(DISTINCT s.patient) AS patients
            FROM events s JOIN i USING (patient) WHERE s.kind = 'sequence' AND s.value2 = 1
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
    sequences = CostTerms.from_data(article51_costs()).sequences
    table += [
        {
            "stratum": engine.t(sequences[r["key"]].label_fr, sequences[r["key"]].label_en)
            if r["key"] in sequences
            else r["key"],
            "patients": r["patients"],
            "share": pct(r["patients"], included),
        }
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
        # "ont achevé la séquence 1 — …": the sequence's name as a common noun, with its article
        stratum = str(first["stratum"])
        named = stratum[:1].lower() + stratum[1:]
        result.headline = engine.t(
            f"{engine.num(first['share'])} % ont achevé la {named}",
            f"{engine.num(first['share'])} % completed {named}",
        )
    result.series = bar_series(result, "patients")
    return result


def a51_cost(engine: Engine, filters: Filters) -> Result:
    """Per sequence: flat rates charged (partial sequences pro rata) against the day-hospital
    stays replaced by home administrations, transport included (``rules.article51``)."""
    data = article51_costs()
    terms = CostTerms.from_data(data)
    where, params = engine.where(filters, "inclusion", alias="i")
    planned = ", ".join("(?, ?)" for _ in terms.sequences)
    planned_params: list[Any] = []
    for sequence in terms.sequences.values():
        planned_params += [sequence.key, sequence.planned_days]
    rows = engine.rows(
        f"""WITH i AS (SELECT DISTINCT patient FROM events i WHERE {where}),
            terms(key, planned_days) AS (VALUES {planned}),
            s AS (SELECT s.patient, s.category AS key, s.count AS number, s.value AS days,
                         s.value2 = 1 AS completed
                  FROM events s JOIN i USING (patient)
                  WHERE s.kind = 'sequence' AND s.template = '{ARTICLE51_TEMPLATE}'),
            a AS (SELECT patient, count AS number, count(*) AS stays FROM events
                  WHERE kind = 'administration' AND template = '{ARTICLE51_TEMPLATE}'
                    AND category = 'home'
                  GROUP BY patient, count)
            SELECT s.key, min(s.number) AS number, count(DISTINCT s.patient) AS patients,
                   count(*) FILTER (WHERE s.completed) AS completed,
                   coalesce(sum(least(1.0, greatest(0.0, s.days) / t.planned_days))
                            FILTER (WHERE NOT s.completed), 0.0) AS partial,
                   coalesce(sum(a.stays), 0) AS stays
            FROM s JOIN terms t USING (key)
            LEFT JOIN a ON a.patient = s.patient AND a.number = s.number
            GROUP BY s.key ORDER BY number""",
        [*params, *planned_params],
    )
    included = engine.connection.execute(
        f"SELECT count(DISTINCT patient) FROM events i WHERE {where}", params
    ).fetchone()[0]  # type: ignore[index]
    costs = [
        article51.sequence_cost(
            terms,
            key=r["key"],
            patients=r["patients"],
            completed=r["completed"],
            partial_fractions=float(r["partial"]),
            replaced_stays=int(r["stays"]),
        )
        for r in rows
    ]
    overall = article51.total(costs, patients=included)
    mean = article51.per_patient(overall, included)

    def line(label: str, cost: article51.SequenceCost) -> dict[str, Any]:
        return {
            "stratum": label,
            "patients": cost.patients,
            "charged": rounded(cost.charged, 2),
            "flat": rounded(cost.flat_rates, 0),
            "stays": rounded(cost.replaced_stays, 1),
            "stays_cost": rounded(cost.stays_cost, 0),
            "transport": rounded(cost.transport_cost, 0),
            "baseline": rounded(cost.baseline, 0),
            "difference": rounded(cost.difference, 0),
        }

    labels = {
        key: engine.t(sequence.label_fr, sequence.label_en)
        for key, sequence in terms.sequences.items()
    }
    table = [line(engine.t("Ensemble", "All"), overall)]
    table += [line(labels[c.key], c) for c in costs]
    if mean is not None:
        table.append(line(engine.t("Par patient inclus", "Per included patient"), mean))
    result = Result(
        "a51_cost",
        [
            Column("stratum", engine.t("Séquence", "Sequence"), "text"),
            Column("patients", engine.t("Patients", "Patients")),
            Column(
                "charged",
                engine.t("Forfaits facturés (équivalents pleins)", "Flat rates charged (full)"),
            ),
            Column("flat", engine.t("Forfaits (€)", "Flat rates (€)")),
            Column("stays", engine.t("Séjours d'HDJ remplacés", "Day-hospital stays replaced")),
            Column(
                "stays_cost",
                engine.t(
                    f"HDJ évité à {euros(terms.day_hospital_stay)}/séjour (€)",
                    f"Day hospital avoided at {euros(terms.day_hospital_stay, english=True)}/stay",
                ),
            ),
            Column(
                "transport",
                engine.t(
                    f"Transports évités à {euros(terms.transport_round_trip)}/aller-retour (€)",
                    "Transport avoided at "
                    f"{euros(terms.transport_round_trip, english=True)}/round trip",
                ),
            ),
            Column("baseline", engine.t("Référence HDJ + transport (€)", "Baseline (€)")),
            Column(
                "difference",
                engine.t("Écart référence − forfaits (€)", "Baseline − flat rates (€)"),
            ),
        ],
        table,
    )
    stay, transport = data["day_hospital_stay"], data["transport"]
    result.notes += [
        engine.t(
            _included(engine, included)
            + " dans la période ; les séquences partielles (en cours ou "
            "interrompues) sont facturées au prorata des jours couverts ; une administration à "
            "domicile remplace un séjour d'hôpital de jour et son transport.",
            _included(engine, included, english=True)
            + " in the period; partial sequences (in progress or "
            "interrupted) are charged pro rata of the days covered; one home administration "
            "replaces one day-hospital stay and its transport.",
        ),
        engine.t(
            f"Montants approximatifs, paramétrables (barème « {data['version']} » de "
            "l'évaluation article 51), à vérifier avant "
            f"usage : forfaits provisoires (où vérifier : {data['experiment']['where_to_check']}) ;"
            f" séjour d'HDJ GHM {stay['ghm']} à {euros(stay['amount_eur'])} ({stay['year']}, "
            f"{stay['source']}) ; transport {euros(transport['round_trip_eur'])} par aller-retour "
            f"({transport['source']}).",
            f"Approximate, configurable amounts (Article 51 cost terms, version {data['version']}), "
            "to check before use: "
            f"provisional flat rates (where to check: {data['experiment']['where_to_check']}); "
            f"day-hospital stay GHM {stay['ghm']} at {euros(stay['amount_eur'], english=True)} "
            f"({stay['year']}, {stay['source']}); transport "
            f"{euros(transport['round_trip_eur'], english=True)} per round trip "
            f"({transport['source']}).",
        ),
    ]
    engine.suppress(result)
    per_patient_row = table[-1] if mean is not None else None
    if per_patient_row and per_patient_row["flat"] is not None:
        flat, baseline = round(per_patient_row["flat"]), round(per_patient_row["baseline"])
        result.headline = engine.t(
            f"{euros(flat)} de forfaits contre {euros(baseline)} "
            "d'HDJ et de transports évités, par patient inclus",
            f"{euros(flat, english=True)} flat rates vs {euros(baseline, english=True)} "
            "day hospital and transport avoided, per included patient",
        )
    shown = [r for r in table[1:-1] if r["flat"] is not None] if mean else []
    result.series = {
        "type": "bar",
        "labels": [r["stratum"] for r in shown],
        "values": [r["difference"] for r in shown],
    }
    return result
