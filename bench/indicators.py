"""Benchmark of the indicators at national scale (issue 7).

1. Generates a synthetic national extract with DuckDB — --patients patients (default 2,000,000)
   and about 15 events each (30,000,000+): diagnoses, suspicions, board cases and decisions,
   first treatments, administrations, alerts, home follow-up periods, emergencies, Article 51
   inclusions, refusals and sequences, referrals, CAR-T orders — written to Parquet in the
   extract's schema.
2. Runs a full recomputation (every indicator of the catalogue, no filter) in a separate process
   over that extract; reports its wall time and peak memory (target on 2 cores: <= 20 s and
   <= 4 GiB).
3. On a 1 % sample (the demo region with --sample patients loaded in the application database):
   the set-based path (extract from the ORM with one query per kind of event, then SQL) against a
   naive per-patient ORM computation of the same board and alert indicators; reports the ratio.

    .venv/bin/python bench/indicators.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

GENERATE = """
SELECT setseed(0.42);
CREATE TABLE patients AS
SELECT i AS n, 'p' || i AS patient, 'o' || (i % 300) AS organisation, 'b' || (i % 200) AS board,
       (i % 53 = 0) AS overseas, random() AS r1, random() AS r2, random() AS r3,
       TIMESTAMP '2021-01-01 12:00:00' + to_days(CAST(floor(random() * 1800) AS INTEGER)) AS diagnosed
FROM range({patients}) t(i);

CREATE TABLE events AS
SELECT patient, 'diagnosis' AS kind, diagnosed AS event_at, NULL::TIMESTAMP AS end_at, organisation,
       NULL AS network, NULL AS board, NULL AS template, 'C' || CAST(10 + n % 80 AS VARCHAR) AS category,
       NULL::DOUBLE AS value, CASE WHEN r1 < 0.2 THEN 1.0 ELSE 0.0 END AS value2, NULL::INTEGER AS count, overseas
FROM patients
UNION ALL
SELECT patient, 'suspicion', diagnosed - to_days(CAST(5 + r2 * 40 AS INTEGER)), NULL, organisation, NULL, NULL,
       'fast-track-diagnosis', NULL, NULL, NULL, NULL, overseas
FROM patients WHERE r3 < 0.3
UNION ALL
SELECT patient, 'diagnosis_confirmed', diagnosed, NULL, organisation, NULL, NULL,
       'fast-track-diagnosis', NULL, NULL, NULL, NULL, overseas
FROM patients WHERE r3 < 0.3
UNION ALL
SELECT patient, 'rcp_case', diagnosed + to_days(CAST(3 + r2 * 20 AS INTEGER) + k * 90), NULL, organisation,
       NULL, board, NULL, NULL, NULL, NULL, NULL, overseas
FROM patients, range(2) s(k) WHERE k = 0 OR r1 < 0.2
UNION ALL
SELECT patient, 'rcp_decision', diagnosed + to_days(CAST(7 + r2 * 30 AS INTEGER) + k * 90), NULL, organisation,
       NULL, board, NULL,
       CASE WHEN r3 < 0.8 THEN 'proximity' WHEN r3 < 0.97 THEN 'expert' ELSE 'transfer' END,
       CASE WHEN r1 < 0.08 THEN 1.0 ELSE 0.0 END, NULL, NULL, overseas
FROM patients, range(2) s(k) WHERE k = 0 OR r1 < 0.2
UNION ALL
SELECT patient, 'first_treatment', diagnosed + to_days(CAST(20 + r3 * 40 AS INTEGER)), NULL, organisation,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, overseas
FROM patients WHERE r2 < 0.9
UNION ALL
SELECT patient, 'administration', diagnosed + to_days(CAST(30 + k * 21 AS INTEGER)), NULL, organisation,
       NULL, NULL, CASE WHEN r1 < 0.01 THEN 'home-immunotherapy' ELSE 'chemotherapy' END,
       CASE WHEN r1 < 0.01 AND k > 4 THEN 'home' ELSE 'expert' END, NULL, NULL,
       CASE WHEN r1 >= 0.01 THEN NULL WHEN k > 4 THEN 2 ELSE 1 END, overseas
FROM patients, range(9) s(k)
UNION ALL
SELECT patient, 'alert', diagnosed + to_days(CAST(40 + k * 30 + r2 * 10 AS INTEGER)),
       diagnosed + to_days(CAST(40 + k * 30 + r2 * 10 AS INTEGER)) + to_minutes(CAST(60 + r3 * 240 AS INTEGER)),
       organisation, NULL, NULL, NULL,
       CASE WHEN r3 < 0.6 THEN 'routine' WHEN r3 < 0.9 THEN 'urgent' WHEN r3 < 0.99 THEN 'immediate' ELSE 'emergency' END,
       10 + r1 * 300, CASE WHEN r2 < 0.85 THEN 1.0 ELSE 0.0 END, CASE WHEN r1 < 0.05 THEN 1 ELSE 0 END, overseas
FROM patients, range(3) s(k) WHERE k < 1 OR r2 < 0.5
UNION ALL
SELECT patient, 'followup', diagnosed + to_days(30), diagnosed + to_days(CAST(200 + r1 * 300 AS INTEGER)),
       organisation, NULL, NULL, CASE WHEN r1 < 0.01 THEN 'home-immunotherapy' ELSE 'car-t' END, NULL, NULL,
       NULL, NULL, overseas
FROM patients WHERE r3 < 0.3
UNION ALL
SELECT patient, 'emergency', diagnosed + to_days(60), NULL, organisation, NULL, NULL, NULL,
       CASE WHEN r1 < 0.5 THEN 'er_referral' ELSE 'admission' END, NULL, NULL, NULL, overseas
FROM patients WHERE r3 < 0.3 AND r2 < 0.15
UNION ALL
SELECT patient, 'inclusion', diagnosed + to_days(30), NULL, organisation, NULL, NULL, 'home-immunotherapy',
       NULL, NULL, NULL, NULL, overseas
FROM patients WHERE r1 < 0.01
UNION ALL
SELECT patient, 'sequence', diagnosed + to_days(30 + 183 * (k - 1)), diagnosed + to_days(30 + 183 * k),
       organisation, NULL, NULL, 'home-immunotherapy', 'sequence-' || k, 183.0,
       CASE WHEN r2 < 1.0 - 0.25 * k THEN 1.0 ELSE 0.0 END, k, overseas
FROM patients, range(1, 4) s(k) WHERE r1 < 0.01 AND r2 < 1.25 - 0.25 * k
UNION ALL
SELECT patient, 'refusal', diagnosed + to_days(25), NULL, organisation, NULL, NULL, 'home-immunotherapy',
       'patient_choice', NULL, NULL, NULL, overseas
FROM patients WHERE r1 BETWEEN 0.01 AND 0.011
UNION ALL
SELECT patient, 'referral', diagnosed + to_days(10), diagnosed + to_days(CAST(12 + r2 * 10 AS INTEGER)),
       organisation, CASE WHEN r3 < 0.5 THEN 'RECAP' ELSE 'GLIOREC' END, NULL, NULL,
       CASE WHEN r2 < 0.8 THEN 'accepted' ELSE 'declined' END, 2 + r2 * 10, NULL, NULL, overseas
FROM patients WHERE r1 BETWEEN 0.02 AND 0.07
UNION ALL
SELECT patient, 'car_t', diagnosed + to_days(100), NULL, organisation, NULL, NULL, NULL,
       CASE WHEN r2 < 0.5 THEN 'Kite Pharma (Gilead)' ELSE 'Novartis' END,
       16 + r3 * 10, 30 + r3 * 15, CASE WHEN r2 < 0.03 THEN 1 ELSE 0 END, overseas
FROM patients WHERE r1 BETWEEN 0.1 AND 0.102;

CREATE TABLE organisations AS SELECT 'o' || i AS id, 'Centre ' || i AS name, 'C' || i AS short_name,
       'chu' AS kind, '84' AS region FROM range(300) t(i);
CREATE TABLE boards AS SELECT 'b' || i AS id, 'RCP ' || i AS name, (i % 40 = 0) AS overseas
FROM range(200) t(i);
"""


def generate(directory: Path, patients: int) -> tuple[int, float]:
    import duckdb

    directory.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    connection = duckdb.connect()
    connection.execute("SET memory_limit = '3GB'")
    connection.execute("SET preserve_insertion_order = false")
    for statement in GENERATE.format(patients=patients).split(";\n"):
        if statement.strip():
            connection.execute(statement)
    for table in ("events", "organisations", "boards"):
        connection.execute(f"COPY {table} TO '{directory / table}.parquet' (FORMAT parquet)")
    count = connection.execute("SELECT count(*) FROM events").fetchone()[0]  # type: ignore[index]
    connection.close()
    return int(count), time.perf_counter() - began


def recompute(directory: Path) -> None:
    """Child process: every indicator, no filter; prints JSON timings."""
    common.django_setup(common.environment("", directory.parent / "django"))
    from oncoparcours.indicators.catalogue import CATALOGUE
    from oncoparcours.indicators.engine import Engine, Filters

    began = time.perf_counter()
    engine = Engine(directory, now=dt.datetime(2026, 6, 30, 12))
    engine.connection.execute("SET memory_limit = '3GB'")
    timings = {}
    for indicator in CATALOGUE:
        start = time.perf_counter()
        engine.compute(indicator.id, Filters())
        timings[indicator.id] = round(time.perf_counter() - start, 3)
    total = time.perf_counter() - began
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(total, 2), "peak_mib": round(peak_mib), "timings": timings}))


def sample_comparison(env: dict[str, str], sample: int) -> dict[str, object]:
    """Set-based extract + SQL against a naive per-patient ORM loop, on the same database."""
    common.ensure_data(env, sample)
    common.django_setup(env)
    import statistics

    from oncoparcours.boards.models import Decision
    from oncoparcours.indicators.catalogue import BY_ID
    from oncoparcours.indicators.engine import Engine, Filters
    from oncoparcours.indicators.services import extract_directory, extract_refresh
    from oncoparcours.monitoring.models import Alert
    from oncoparcours.patients.models import Patient

    keys = ("delay_diagnosis_rcp", "near_home_share", "alert_handling")
    began = time.perf_counter()
    run = extract_refresh(actor=None)
    engine = Engine(extract_directory(), now=run.started_at)
    set_based = {key: engine.compute(key, Filters()).rows[0] for key in keys}
    set_seconds = time.perf_counter() - began

    began = time.perf_counter()
    delays, near, decided, ack_minutes = [], 0, 0, []
    for patient in Patient.objects.all().iterator():
        diagnosis = patient.diagnoses.filter(is_primary=True).order_by("diagnosed_on").first()
        decisions = list(
            Decision.objects.filter(case__patient=patient, amended_by__isnull=True).order_by(
                "validated_at"
            )
        )
        if diagnosis and decisions:
            first = decisions[0].validated_at.date()
            if first >= diagnosis.diagnosed_on:
                delays.append((first - diagnosis.diagnosed_on).days)
        if decisions:
            decided += 1
            near += decisions[-1].place_of_care == "proximity"
        for alert in Alert.objects.filter(patient=patient):
            acknowledged = alert.events.filter(kind="acknowledged").order_by("at").first()
            if acknowledged:
                ack_minutes.append((acknowledged.at - alert.created_at).total_seconds() / 60)
    naive_seconds = time.perf_counter() - began
    naive = {
        "delay_diagnosis_rcp_median": statistics.median(delays) if delays else None,
        "near_home_share": round(100 * near / decided, 1) if decided else None,
        "alert_ack_median_minutes": round(statistics.median(ack_minutes), 1)
        if ack_minutes
        else None,
    }
    return {
        "patients": Patient.objects.count(),
        "extract_events": run.events,
        "set_based_seconds": round(set_seconds, 2),
        "naive_seconds": round(naive_seconds, 2),
        "ratio": round(naive_seconds / set_seconds, 1) if set_seconds else None,
        "set_based": {
            k: {c: v for c, v in row.items() if c != "stratum"} for k, row in set_based.items()
        },
        "naive": naive,
        "indicators": [str(BY_ID[k].title) for k in keys],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--patients", type=int, default=2_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument(
        "--directory", type=Path, default=common.ROOT / "var" / "bench-indicators" / "national"
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--skip-sample", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        recompute(args.directory)
        return
    record: dict[str, object] = {"benchmark": "indicators", "machine": common.machine()}
    if not args.skip_generate:
        print(f"generating {args.patients:,} patients...", flush=True)
        events, seconds = generate(args.directory, args.patients)
        print(f"  {events:,} events in {seconds:.1f} s", flush=True)
        record["generation"] = {
            "patients": args.patients,
            "events": events,
            "seconds": round(seconds, 1),
        }
    print("full recomputation (separate process)...", flush=True)
    began = time.perf_counter()
    child = subprocess.run(
        [sys.executable, __file__, "--child", "--directory", str(args.directory)],
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - began
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures["process_wall_seconds"] = round(wall, 2)
    figures["peak_mib_children"] = round(peak_children)
    record["recomputation"] = figures
    print(
        f"  every indicator: {figures['seconds']} s (process {wall:.1f} s), peak {figures['peak_mib']} MiB"
    )
    if not args.skip_sample:
        env = common.environment(
            args.database_url, common.ROOT / "var" / "bench-indicators" / "sample"
        )
        print(f"1 % sample: demo region with {args.sample:,} patients...", flush=True)
        comparison = sample_comparison(env, args.sample)
        record["sample"] = comparison
        print(
            f"  set-based {comparison['set_based_seconds']} s, naive per-patient {comparison['naive_seconds']} s, ratio {comparison['ratio']}"
        )
        print(f"  set-based: {json.dumps(comparison['set_based'], default=str)}")
        print(f"  naive: {json.dumps(comparison['naive'])}")
    print(f"saved {common.save('indicators', record)}")


if __name__ == "__main__":
    main()
