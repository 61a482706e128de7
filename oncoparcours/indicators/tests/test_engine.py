"""Every indicator on a small hand-built extract; each expected value is worked out by hand in
the comments. Edge cases: patients without a board, treatment before the board, censored
delays, empty strata, small strata hidden."""

from __future__ import annotations

import csv
import datetime as dt
import io

import duckdb
import pytest

from oncoparcours.indicators import exports
from oncoparcours.indicators.computations.article51 import working_days
from oncoparcours.indicators.engine import Engine, Filters
from oncoparcours.indicators.extract import COLUMNS, SCHEMA

NOW = dt.datetime(2026, 6, 30, 12, 0)
A, B = "org-a", "org-b"


def ev(patient, kind, day, **fields):
    """One event row; ``day`` is a date (noon) or a datetime."""
    at = day if isinstance(day, dt.datetime) else dt.datetime.combine(day, dt.time(12))
    if "until" in fields:
        fields["end_at"] = fields.pop("until")
    values = {"patient": patient, "kind": kind, "event_at": at, "overseas": False, **fields}
    return tuple(values.get(column) for column in COLUMNS)


def engine_with(rows, exclusion=None):
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE events ({SCHEMA})")
    connection.execute(
        "CREATE TABLE organisations "
        "(id VARCHAR, name VARCHAR, short_name VARCHAR, kind VARCHAR, region VARCHAR)"
    )
    connection.execute("CREATE TABLE boards (id VARCHAR, name VARCHAR, overseas BOOLEAN)")
    connection.executemany(
        "INSERT INTO organisations VALUES (?, ?, ?, ?, ?)",
        [(A, "Centre A", "A", "chu", "84"), (B, "Centre B", "B", "ch", "02")],
    )
    connection.executemany(
        "INSERT INTO boards VALUES (?, ?, ?)",
        [("b1", "RCP un", False), ("b2", "RCP deux", False), ("b3", "RCP Caraïbes", True)],
    )
    if rows:
        connection.executemany(
            f"INSERT INTO events VALUES ({', '.join('?' for _ in COLUMNS)})", rows
        )
    return Engine.over_connection(connection, now=NOW, exclusion=exclusion)


def d(month, day):
    return dt.date(2026, month, day)


def by_stratum(result):
    return {row["stratum"]: row for row in result.rows}


def test_delay_diagnosis_to_board_median_p90_target_and_censoring():
    rows = []
    # Six patients at centre A with delays 5, 10, 15, 20, 25, 40 days; target 21 days.
    for number, delay in enumerate([5, 10, 15, 20, 25, 40]):
        rows.append(ev(f"p{number}", "diagnosis", d(3, 1), organisation=A))
        rows.append(
            ev(f"p{number}", "rcp_decision", d(3, 1) + dt.timedelta(days=delay), organisation=A)
        )
    # p7: diagnosed, no decision yet (censored, "waiting").
    rows.append(ev("p7", "diagnosis", d(3, 1), organisation=A))
    # p8: a decision before the diagnosis (data error): excluded from the delay.
    rows.append(ev("p8", "diagnosis", d(3, 10), organisation=A))
    rows.append(ev("p8", "rcp_decision", d(3, 2), organisation=A))
    result = engine_with(rows).compute("delay_diagnosis_rcp", Filters())
    overall = result.rows[0]
    # Median of 5,10,15,20,25,40 = (15+20)/2 = 17.5.
    # p90 (linear): position 0.9*5 = 4.5 → 25 + 0.5*(40-25) = 32.5.
    # Within 21 days: 5,10,15,20 → 4/6 = 66.7 %.
    assert (overall["patients"], overall["median"], overall["p90"], overall["within"]) == (
        6,
        17.5,
        32.5,
        66.7,
    )
    assert "1 patient sans événement d'arrivée" in result.notes[0]


def test_delays_use_the_first_end_event_and_the_period_of_the_end_event():
    rows = []
    for number in range(5):
        rows.append(ev(f"p{number}", "suspicion", d(1, 1)))
        # Diagnosis confirmed 10 days later; a later confirmation (second cancer) does not count.
        rows.append(ev(f"p{number}", "diagnosis_confirmed", d(1, 11), organisation=A))
        rows.append(ev(f"p{number}", "diagnosis_confirmed", d(5, 1), organisation=A))
    engine = engine_with(rows)
    assert engine.compute("delay_suspicion_diagnosis", Filters()).rows[0]["median"] == 10.0
    # Period February–March: no first diagnosis falls in it → an empty table, no error.
    empty = engine.compute("delay_suspicion_diagnosis", Filters(start=d(2, 1), end=d(3, 31)))
    assert [r["patients"] for r in empty.rows] == [] or empty.rows[0]["patients"] == 0


def decided_then_treated(prefix, count, organisation, treated):
    """``count`` patients decided on 1 February and treated on ``treated``."""
    rows = []
    for number in range(count):
        rows += [
            ev(f"{prefix}{number}", "rcp_decision", d(2, 1), organisation=organisation),
            ev(f"{prefix}{number}", "first_treatment", treated, organisation=organisation),
        ]
    return rows


def test_small_strata_are_hidden():
    # Five patients at A (shown), two at B (hidden: fewer than 5).
    rows = decided_then_treated("a", 5, A, d(2, 11)) + decided_then_treated("b", 2, B, d(2, 21))
    result = engine_with(rows).compute("delay_rcp_treatment", Filters())
    strata = by_stratum(result)
    # All 7: delays 10×5, 20×2 → median 10.
    assert strata["Ensemble"]["median"] == 10.0
    assert strata["A"]["median"] == 10.0
    assert strata["B"]["median"] is None and strata["B"]["suppressed"]
    assert result.suppressed == 1


def test_share_discussed_before_first_treatment():
    rows = []
    # 4 patients: decision before treatment; 1 the same day (counts); 1 treated first; 1 no board.
    for number in range(4):
        rows += [
            ev(f"p{number}", "rcp_decision", d(2, 1)),
            ev(f"p{number}", "first_treatment", d(2, 10), organisation=A),
        ]
    rows += [
        ev("same", "rcp_decision", dt.datetime(2026, 2, 1, 18)),
        ev("same", "first_treatment", dt.datetime(2026, 2, 1, 9), organisation=A),
    ]
    rows += [
        ev("late", "first_treatment", d(2, 1), organisation=A),
        ev("late", "rcp_decision", d(2, 5)),
    ]
    rows += [ev("none", "first_treatment", d(2, 1), organisation=A)]
    overall = engine_with(rows).compute("rcp_before_treatment", Filters()).rows[0]
    # 7 treated; before or same day: 4 + 1 = 5 → 71.4 %; 1 without any board.
    assert (overall["patients"], overall["before"], overall["share"], overall["without"]) == (
        7,
        5,
        71.4,
        1,
    )


def test_near_home_share_by_board_and_centre_uses_the_latest_decision():
    rows = []
    # Board b1: 8 patients; 6 near home, 2 expert. p0 first decided "expert" then corrected
    # (a later decision) to "proximity": counts once, as proximity.
    rows.append(ev("p0", "rcp_decision", d(1, 5), board="b1", organisation=A, category="expert"))
    for number in range(6):
        rows.append(
            ev(
                f"p{number}",
                "rcp_decision",
                d(1, 10),
                board="b1",
                organisation=A,
                category="proximity",
            )
        )
    rows.append(ev("p6", "rcp_decision", d(1, 10), board="b1", organisation=B, category="expert"))
    rows.append(
        ev(
            "p7",
            "rcp_decision",
            d(1, 10),
            board="b1",
            organisation=B,
            category="transfer",
            overseas=True,
        )
    )
    result = engine_with(rows).compute("near_home_share", Filters())
    rows_ = {(r["group"], r["stratum"]): r for r in result.rows}
    # Overall and b1: 6/8 = 75 %.
    assert rows_[("RCP", "Ensemble")]["share"] == 75.0
    assert rows_[("RCP", "RCP un")]["share"] == 75.0
    # Centre A: 6 patients, all near home → 100 %; centre B: 2 patients → hidden.
    assert rows_[("Établissement", "A")]["share"] == 100.0
    assert rows_[("Établissement", "B")]["share"] is None
    assert result.series["type"] == "funnel" and result.series["p0"] == 75.0


def test_near_home_share_on_an_overseas_board_reproduces_85_percent_of_250():
    """RCP Caraïbes (b3, overseas): 205 treated at the CHU de Martinique, 8 at an overseas
    expert centre, 30 transferred to mainland France, 7 for an expert centre in Paris."""
    rows = []
    plan = [("proximity", 0.0)] * 205 + [("expert", 0.0)] * 8
    plan += [("transfer", 1.0)] * 30 + [("expert", 1.0)] * 7
    for number, (place, mainland) in enumerate(plan):
        rows.append(
            ev(
                f"c{number}",
                "rcp_decision",
                d(2, 1),
                board="b3",
                organisation=A,
                category=place,
                value2=mainland,
                overseas=True,
            )
        )
    result = engine_with(rows).compute("near_home_share", Filters())
    board = {(r["group"], r["stratum"]): r for r in result.rows}[("RCP", "RCP Caraïbes")]
    # 213 / 250 = 85.2 %.
    assert (board["patients"], board["near"], board["share"]) == (250, 213, 85.2)
    assert board["definition"].startswith("RCP ultramarine : patient non transféré en métropole")
    assert "de la Guadeloupe vers la Martinique" in board["definition"]
    # The unit is said next to the definition: the patient, as on the board statistics page.
    assert any(
        note.startswith("Définition de « traité à proximité »")
        and "Unité : chaque patient compté une fois par RCP" in note
        for note in result.notes
    )
    # The same decisions on a standard board: only the proximity centre counts (205 = 82 %).
    standard = engine_with([(*row[:6], "b1", *row[7:]) for row in rows]).compute(
        "near_home_share", Filters()
    )
    assert standard.rows[0]["share"] == 82.0


@pytest.mark.parametrize(
    ("category", "mainland", "overseas_board", "near"),
    [
        # Overseas board: not transferred to mainland France.
        ("proximity", None, True, True),
        ("proximity", 0.0, True, True),
        ("proximity", 1.0, True, False),
        ("expert", 0.0, True, True),
        ("expert", 1.0, True, False),
        ("expert", None, True, False),  # not named: not counted (safer reading)
        ("transfer", 0.0, True, True),  # Guadeloupe → Martinique: still overseas
        ("transfer", 1.0, True, False),  # to mainland France
        ("transfer", None, True, False),
        # Other boards: the proximity centre only.
        ("proximity", None, False, True),
        ("expert", 0.0, False, False),
        ("transfer", 0.0, False, False),
    ],
)
def test_the_indicator_applies_the_boards_near_home_rule(category, mainland, overseas_board, near):
    """The SQL of the indicator and the rule of the board statistics page agree, row by row."""
    from oncoparcours.boards.rules.statistics import treated_near_home

    rows = [
        ev(
            f"p{number}",
            "rcp_decision",
            d(2, 1),
            board="b3" if overseas_board else "b1",
            organisation=A,
            category=category,
            value2=mainland,
        )
        for number in range(5)
    ]
    board = engine_with(rows).compute("near_home_share", Filters()).rows[1]
    assert board["near"] == (5 if near else 0)
    in_mainland = None if mainland is None else bool(mainland)
    assert (
        treated_near_home(category, overseas_board=overseas_board, care_in_mainland=in_mainland)
        is near
    )


def test_transfers_overseas_to_mainland_leave_out_transfers_between_overseas_territories():
    # 6 transferred to mainland France (value2 1), 5 between overseas territories (value2 0).
    rows = [
        ev(f"{prefix}{n}", "rcp_decision", d(2, 1), board="b3", category="transfer", **extra)
        for prefix, count, mainland in (("p", 6, 1.0), ("q", 5, 0.0))
        for extra in [{"value2": mainland, "overseas": True}]
        for n in range(count)
    ]
    overall = engine_with(rows).compute("transfers", Filters()).rows[0]
    assert (overall["transfers"], overall["overseas"]) == (11, 6)


def test_funnel_limits_widen_for_small_centres():
    from oncoparcours.indicators.computations.boards import funnel_limits

    limits = funnel_limits(0.5, 100)
    small, large = limits[0], limits[-1]
    # n = 5: 0.5 ± 1.96·√(0.25/5) = 0.5 ± 0.438 → 6.2 % … 93.8 %.
    assert (small["n"], small["low95"], small["high95"]) == (5, 6.2, 93.8)
    assert large["high95"] - large["low95"] < small["high95"] - small["low95"]


def test_transfers_and_overseas_to_mainland():
    rows = [
        ev(f"m{n}", "rcp_decision", d(1, 10), board="b2", category="proximity", overseas=True)
        for n in range(4)
    ]
    rows += [ev("t1", "rcp_decision", d(1, 10), board="b2", category="transfer", overseas=True)]
    rows += [ev("t2", "rcp_decision", d(1, 10), board="b2", category="transfer", overseas=False)]
    overall = engine_with(rows).compute("transfers", Filters()).rows[0]
    # 6 decisions, 2 transfers, 1 of a patient living overseas.
    assert (overall["decisions"], overall["transfers"], overall["overseas"]) == (6, 2, 1)


def test_referrals_by_status_and_time_to_answer():
    rows = [
        ev(f"a{n}", "referral", d(1, 1), category="accepted", value=float(n + 1), network="GLIOREC")
        for n in range(5)
    ]
    rows += [ev("w", "referral", d(1, 1), category="requested", network="GLIOREC")]
    result = engine_with(rows).compute("referrals", Filters(network="GLIOREC"))
    strata = by_stratum(result)
    # 6 requests; answer delays 1..5 days → median 3; the waiting one has no delay.
    assert strata["Ensemble"]["requests"] == 6 and strata["Ensemble"]["median"] == 3.0
    assert strata["Acceptée"]["median"] == 3.0
    assert strata["En attente"]["requests"] is None  # one patient: hidden


def test_alert_rate_per_100_patient_weeks():
    rows = []
    # 5 patients followed the whole of January (31 days) → 5 × 31 / 7 = 22.14 patient-weeks.
    for number in range(5):
        rows.append(ev(f"p{number}", "followup", d(1, 1), until=dt.datetime(2026, 2, 1, 12)))
        rows.append(ev(f"p{number}", "alert", d(1, 15), category="routine"))
    rows.append(ev("p0", "alert", d(1, 20), category="urgent"))
    result = engine_with(rows).compute("alert_rate", Filters(start=d(1, 1), end=d(1, 31)))
    # Window 1 Jan 00:00 → 1 Feb 00:00; each period 1 Jan 12:00 → 1 Feb 12:00 gives 30.5 days.
    # Exposure 5 × 30.5 / 7 = 21.79 patient-weeks; 6 alerts → 27.54 per 100 patient-weeks.
    assert result.rows[0]["alerts"] == 6
    assert result.rows[0]["rate"] == pytest.approx(27.54, abs=0.01)


def test_alert_handling_time_deadline_and_escalations():
    rows = []
    # Urgent alerts: acknowledged after 10, 20, 30, 40, 50 minutes; deadlines met for the first 3.
    for number, minutes in enumerate([10, 20, 30, 40, 50]):
        rows.append(
            ev(
                f"p{number}",
                "alert",
                d(1, 10),
                category="urgent",
                value=float(minutes),
                value2=1.0 if number < 3 else 0.0,
                count=1 if number == 4 else 0,
            )
        )
    overall = engine_with(rows).compute("alert_handling", Filters()).rows[0]
    # Median 30; p90 = 40 + 0.6×10 = 46; within 3/5 = 60 %; 1 escalation per 5 alerts = 20 %.
    assert (
        overall["median"],
        overall["p90"],
        overall["within"],
        overall["escalations"],
        overall["per100"],
    ) == (30.0, 46.0, 60.0, 1, 20.0)


def test_emergencies_counted_only_for_patients_in_home_pathways():
    rows = []
    for number in range(5):
        rows.append(
            ev(
                f"p{number}",
                "followup",
                d(1, 1),
                until=dt.datetime(2026, 1, 8, 12),
                template="home-immunotherapy",
            )
        )
    rows += [ev(f"p{n}", "emergency", d(1, 3), category="er_referral") for n in range(5)]
    rows.append(ev("outside", "emergency", d(1, 3), category="admission"))
    result = engine_with(rows).compute("emergencies", Filters())
    # 5 patients × 7 days = 5 patient-weeks; 5 emergency visits (the outsider is not in a home
    # pathway) → 100 per 100 patient-weeks.
    assert result.rows[0]["events"] == 5
    assert result.rows[0]["rate"] == pytest.approx(100.0, abs=0.1)


def test_day_hospital_places_freed_per_working_day():
    rows = []
    # January 2026: 22 working days (Thursday 1st to Saturday 31st).
    for number in range(5):
        for week in range(2):
            rows.append(
                ev(
                    f"p{number}",
                    "administration",
                    d(1, 5 + 7 * week),
                    category="home",
                    template="home-immunotherapy",
                )
            )
        rows.append(
            ev(
                f"p{number}",
                "administration",
                d(1, 26),
                category="expert",
                template="home-immunotherapy",
            )
        )
    result = engine_with(rows).compute("day_hospital_places", Filters(start=d(1, 1), end=d(1, 31)))
    overall = result.rows[0]
    # 10 home administrations / 22 working days = 0.45 places per working day.
    assert (overall["administrations"], overall["home"], overall["places"]) == (15, 10, 0.45)
    assert working_days(dt.datetime(2026, 1, 1), dt.datetime(2026, 2, 1)) == 22


def test_article51_inclusions_against_the_target():
    rows = [ev(f"p{n}", "inclusion", d(1, 5) + dt.timedelta(days=7 * (n // 2))) for n in range(6)]
    result = engine_with(rows).compute("a51_inclusions", Filters())
    # Two per week on the weeks of 5, 12 and 19 January: no week reaches 5 patients, so the
    # three weeks form one period of 6 (a remainder under 5 joins the previous period).
    # Target: 375 / (5 × 365.25 / 7) = 1.437 per week → 4.3 after 3 weeks.
    assert [(r["stratum"], r["weekly"], r["cumulative"]) for r in result.rows] == [
        ("du 05/01/2026 au 25/01/2026", 6, 6)
    ]
    assert [r["target"] for r in result.rows] == [4.3]
    assert not any(r.get("hidden") for r in result.rows)
    assert result.series["values"] == [6]
    assert result.headline.startswith("6 inclus")


def _shown_inclusions(result):
    """What a reader sees: (count, cumulative) per row, None for a hidden cell."""
    return [
        tuple(None if key in r.get("hidden", ()) else r[key] for key in ("weekly", "cumulative"))
        for r in result.rows
    ]


def _assert_nothing_small_derivable(shown):
    """Every count a reader sees or can derive by difference of cumulatives is 0 or >= 5."""
    previous = 0
    for count, cumulative in shown:
        if cumulative is not None:
            assert cumulative - previous == 0 or cumulative - previous >= 5
            previous = cumulative
        assert count is None or count >= 5


@pytest.mark.parametrize(
    "weekly",
    [[6, 2, 1, 7, 3], [1, 1, 1, 1, 1, 1], [4, 9, 1], [12, 3], [2, 2], [5, 5, 4, 1, 8]],
)
def test_article51_inclusions_hide_small_counts_without_leaking_them_by_difference(weekly):
    rows = [
        ev(f"p{week}-{n}", "inclusion", d(1, 5) + dt.timedelta(days=7 * week))
        for week, count in enumerate(weekly)
        for n in range(count)
    ]
    result = engine_with(rows).compute("a51_inclusions", Filters())
    shown = _shown_inclusions(result)
    _assert_nothing_small_derivable(shown)
    # The total is kept whenever it can be shown (>= 5) …
    total = sum(weekly)
    assert shown[-1] == ((None, None) if total < 5 else (shown[-1][0], total))
    # … and the CSV export shows the same cells.
    exported = list(
        csv.reader(io.StringIO(exports.result_csv(result).decode("utf-8-sig")), delimiter=";")
    )
    assert exported[0][:3] == ["Période", "Inclusions", "Cumul"]
    _assert_nothing_small_derivable(
        [tuple(int(v) if v else None for v in line[1:3]) for line in exported[1:]]
    )
    # The old weekly table would have leaked a 2 as 8 − 6.
    if weekly[:2] == [6, 2]:
        assert shown[0] == (6, 6) and shown[1] == (13, 19)


def test_article51_notes_do_not_give_a_hidden_inclusion_count():
    rows = [ev(f"p{n}", "inclusion", d(1, 5)) for n in range(3)]
    rows += [ev(f"r{n}", "refusal", d(1, 6), category="patient_choice") for n in range(5)]
    engine = engine_with(rows)
    assert _shown_inclusions(engine.compute("a51_inclusions", Filters())) == [(None, None)]
    for indicator in ("a51_refusals", "a51_cost"):
        notes = " ".join(engine.compute(indicator, Filters()).notes)
        assert "3 patients" not in notes and "Moins de 5 patients inclus" in notes


def test_article51_refusals_and_sequences_completed():
    rows = [ev(f"p{n}", "inclusion", d(1, 5)) for n in range(6)]
    rows += [ev(f"r{n}", "refusal", d(1, 6), category="patient_choice") for n in range(5)]
    # Sequence 1 completed by all 6, sequence 2 by 3; the other 3 are still in sequence 2
    # (started, partial): not counted as completed.
    rows += [seq(f"p{n}", "sequence-1", 1, d(1, 5), 182, True) for n in range(6)]
    rows += [seq(f"p{n}", "sequence-2", 2, d(7, 5), 183, n < 3) for n in range(6)]
    engine = engine_with(rows)
    refusals = engine.compute("a51_refusals", Filters()).rows[0]
    # 5 refusals among 5 + 6 offers = 45.5 %.
    assert (refusals["patients"], refusals["share"]) == (5, 45.5)
    computed = engine.compute("a51_sequences", Filters())
    assert computed.headline == "100 % ont achevé la séquence 1 — initiation en hôpital de jour"
    sequences = by_stratum(computed)
    # Each sequence by its label, never by its key ("sequence-1").
    assert sequences["Séquence 1 — initiation en hôpital de jour"]["share"] == 100.0
    assert sequences["Séquence 2 — domicile, suivi renforcé"]["patients"] is None  # 3: hidden


def seq(patient, key, order, start, days, completed):
    return ev(
        patient,
        "sequence",
        start,
        until=dt.datetime.combine(start, dt.time(12)) + dt.timedelta(days=days),
        template="home-immunotherapy",
        category=key,
        value=float(days),
        value2=1.0 if completed else 0.0,
        count=order,
    )


def administrations(patient, order, place, count, start):
    return [
        ev(
            patient,
            "administration",
            start + dt.timedelta(weeks=3 * k),
            template="home-immunotherapy",
            category=place,
            count=order,
        )
        for k in range(count)
    ]


COST_TERMS = {
    "version": "2026-12",
    "experiment": {"where_to_check": "cahier des charges"},
    "sequences": [
        {
            "key": "sequence-1",
            "label": {"fr": "S1", "en": "S1"},
            "months": 6,
            "flat_rate_eur": 1000,
        },
        {"key": "sequence-2", "label": {"fr": "S2", "en": "S2"}, "months": 6, "flat_rate_eur": 800},
        {
            "key": "sequence-3",
            "label": {"fr": "S3", "en": "S3"},
            "months": 12,
            "flat_rate_eur": 600,
        },
    ],
    "day_hospital_stay": {"ghm": "28Z07Z", "amount_eur": 400, "year": 2026, "source": "test"},
    "transport": {"round_trip_eur": 100, "share_of_stays": 1.0, "source": "test"},
}


def test_article51_cost_per_sequence_with_partial_sequences_and_transport(monkeypatch):
    from oncoparcours.indicators.computations import article51

    monkeypatch.setattr(article51, "article51_costs", lambda: COST_TERMS)
    rows = [ev(f"p{n}", "inclusion", d(1, 5)) for n in range(6)]
    for n in range(6):
        p = f"p{n}"
        # Sequence 1 in day hospital: 8 administrations there, none replaced.
        rows += [seq(p, "sequence-1", 1, d(1, 5), 182, True)]
        rows += administrations(p, 1, "expert", 8, d(1, 6))
        # Sequence 2 at home, completed: 9 home administrations, each replacing a stay.
        rows += [seq(p, "sequence-2", 2, d(7, 5), 183, True)]
        rows += administrations(p, 2, "home", 9, d(7, 6))
        # Sequence 3 in progress for half its planned year (182.625 of 365.25 days): half a
        # flat rate; 4 home administrations so far.
        rows += [seq(p, "sequence-3", 3, d(1, 5), 182.625, False)]
        rows += administrations(p, 3, "home", 4, d(1, 6))
    result = engine_with(rows).compute("a51_cost", Filters())
    strata = by_stratum(result)
    # S1: 6 × 1000 = 6000 € charged, nothing replaced: −6000 €.
    assert (strata["S1"]["flat"], strata["S1"]["stays"], strata["S1"]["difference"]) == (
        6000.0,
        0.0,
        -6000.0,
    )
    # S2: 6 × 800 = 4800 €; 54 stays × 400 € = 21,600 € + 54 round trips × 100 € = 5400 €.
    s2 = strata["S2"]
    assert (s2["flat"], s2["stays"], s2["stays_cost"], s2["transport"], s2["baseline"]) == (
        4800.0,
        54.0,
        21600.0,
        5400.0,
        27000.0,
    )
    # S3 pro rata: 6 × 0.5 = 3 flat rates × 600 € = 1800 €; 24 stays → 9600 + 2400 = 12,000 €.
    s3 = strata["S3"]
    assert (s3["charged"], s3["flat"], s3["baseline"], s3["difference"]) == (
        3.0,
        1800.0,
        12000.0,
        10200.0,
    )
    # All: 12,600 € of flat rates against 39,000 €; per included patient 2100 € vs 6500 €.
    everyone, mean = strata["Ensemble"], strata["Par patient inclus"]
    assert (everyone["flat"], everyone["baseline"], everyone["difference"]) == (
        12600.0,
        39000.0,
        26400.0,
    )
    assert (mean["flat"], mean["baseline"], mean["difference"]) == (2100.0, 6500.0, 4400.0)
    # French amounts: thousands separated, the euro sign held by a no-break space
    assert result.headline.startswith("2\u202f100\u00a0€ de forfaits contre 6\u202f500\u00a0€")
    assert any("Montants approximatifs" in note for note in result.notes)


def test_car_t_turnaround_by_manufacturer():
    rows = []
    # Kite: 5 orders, release 15..19 days, vein to vein 25..29; one more out of specification.
    for n in range(5):
        rows.append(
            ev(
                f"k{n}",
                "car_t",
                d(1, 10),
                category="Kite",
                value=15.0 + n,
                value2=25.0 + n,
                count=0,
            )
        )
    rows.append(ev("k5", "car_t", d(1, 10), category="Kite", count=1))
    result = engine_with(rows).compute("car_t_turnaround", Filters())
    kite = by_stratum(result)["Kite"]
    # Medians 17 and 27; out of specification 1 / (5 released + 1) = 16.7 %.
    assert (kite["orders"], kite["release"], kite["vein"], kite["oos"]) == (6, 17.0, 27.0, 16.7)


def test_trial_proposals_share():
    rows = [
        ev(f"p{n}", "rcp_decision", d(1, 10), board="b1", value=1.0 if n < 2 else 0.0)
        for n in range(8)
    ]
    overall = engine_with(rows).compute("trial_proposals", Filters(board="b1")).rows[0]
    # 2 of 8 decisions propose a trial = 25 %.
    assert (overall["decisions"], overall["trials"], overall["share"]) == (8, 2, 25.0)


def test_without_source_data_an_indicator_says_not_available_and_why():
    from oncoparcours.indicators.catalogue import CATALOGUE

    engine = engine_with([])
    for indicator in CATALOGUE:
        result = engine.compute(indicator.id, Filters())
        assert result.rows == [] and result.headline == ""
        assert result.unavailable.startswith("Non disponible : aucune donnée source"), indicator.id


def test_every_indicator_runs_when_its_sources_exist_but_filters_leave_nothing():
    from oncoparcours.indicators.catalogue import CATALOGUE
    from oncoparcours.indicators.engine import SOURCES

    kinds = {kind for needed in SOURCES.values() for kind in needed}
    engine = engine_with([ev("x", kind, d(1, 1)) for kind in sorted(kinds)])
    for indicator in CATALOGUE:
        result = engine.compute(indicator.id, Filters(start=d(3, 1), end=d(3, 31)))
        assert not result.unavailable, indicator.id


def test_patients_objecting_to_the_purpose_are_left_out_and_counted():
    from oncoparcours.indicators.exclusions import Exclusion

    rows = decided_then_treated("a", 6, A, d(2, 11))
    # a0 objects; "zz" objects too but has no event in the extract: not counted.
    exclusion = Exclusion("evaluation", d(6, 30), ("a0", "zz"))
    result = engine_with(rows, exclusion).compute("rcp_before_treatment", Filters())
    assert result.rows[0]["patients"] == 5
    assert result.excluded == 1
    assert result.exclusion_note == (
        "1 patient exclu (opposition à la finalité « Évaluation et pilotage (indicateurs, "
        "évaluation « article 51 », extractions pour les évaluateurs) »)"
    )


def test_small_strata_stay_hidden_after_exclusion():
    from oncoparcours.indicators.exclusions import Exclusion

    rows = decided_then_treated("a", 5, A, d(2, 11))
    shown = by_stratum(engine_with(list(rows)).compute("rcp_before_treatment", Filters()))
    assert shown["A"]["share"] == 100.0  # 5 patients: shown
    exclusion = Exclusion("evaluation", d(6, 30), ("a0",))
    result = engine_with(rows, exclusion).compute("rcp_before_treatment", Filters())
    strata = by_stratum(result)
    assert strata["A"]["patients"] is None and strata["A"]["suppressed"]  # 4 left: hidden
    assert result.excluded == 1


def test_the_cost_note_names_the_cost_terms_not_a_file():
    rows = [ev(f"p{n}", "inclusion", d(1, 5)) for n in range(6)]
    notes = " ".join(engine_with(rows).compute("a51_cost", Filters()).notes)
    assert ".yaml" not in notes and "barème « 2026-12 » de l'évaluation article 51" in notes
