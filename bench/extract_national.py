"""The national indicators extract from the APPLICATION database (issue 13), on PostgreSQL
loaded with ``oncoparcours demo`` and multiplied by ``bench/clone_patients.py``:

1. full extract (``write_extract``, every kind of event read with one streamed query each,
   pseudonymised, written to Parquet partitioned by pseudonym) in a separate process: wall
   time and peak memory (RSS);
2. a day of activity, set-based: for --touched of the patients, their activities due up to
   today marked done, and their primary diagnosis updated;
3. the incremental refresh (only the patients changed since step 1), in a separate process:
   wall time, peak memory, patients re-read — target <= 60 s;
4. with --check, a second full extract at the same moment, compared row for row.

    .venv/bin/python bench/extract_national.py --database-url postgres://…/drills_load
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

RUN = """
import datetime as dt, json, resource, sys, time
import django; django.setup()
from pathlib import Path
from oncoparcours.indicators.extract import write_extract
now = dt.datetime.fromisoformat(sys.argv[2])
written = write_extract(Path(sys.argv[1]), now=now, incremental=sys.argv[3] == "1")
print(json.dumps({"rows": written.rows, "seconds": written.seconds,
                  "patients_refreshed": written.patients_refreshed,
                  "open_periods_refreshed": written.open_periods_refreshed,
                  "memory_limit": written.memory_limit,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
"""

DAY_OF_ACTIVITY = """
CREATE TEMP TABLE touched AS
  SELECT id FROM patients_patient WHERE random() < %(share)s;
UPDATE pathways_activityinstance a SET status = 'done', done_on = a.day, updated_at = now()
  FROM touched t WHERE a.patient_id = t.id AND a.status <> 'done' AND a.day <= current_date;
UPDATE patients_diagnosis d SET updated_at = now() FROM touched t WHERE d.patient_id = t.id;
"""


def extract(env: dict[str, str], directory: Path, now: dt.datetime, incremental: bool) -> dict:
    started = time.monotonic()
    done = subprocess.run(
        [
            str(common.BIN / "python"),
            "-c",
            RUN,
            str(directory),
            now.isoformat(),
            str(int(incremental)),
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "oncoparcours.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["process_seconds"] = round(time.monotonic() - started, 1)
    figures["load_average"] = os.getloadavg()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--directory", type=Path, default=common.ROOT / "var" / "bench-extract")
    parser.add_argument("--touched", type=float, default=0.01, help="share of patients, a day")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    env = common.environment(args.database_url, common.ROOT / "var" / "bench-drills")
    database = common.django_setup(env)
    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM patients_patient")
        patients = cursor.fetchone()[0]
    print(f"{database}, {patients} patients", flush=True)
    first = timezone.now()
    full = extract(env, args.directory, first, incremental=False)
    print("full:", full, flush=True)
    started = time.monotonic()
    with connection.cursor() as cursor:
        for statement in DAY_OF_ACTIVITY.split(";"):
            if statement.strip():
                cursor.execute(statement, {"share": args.touched})
    day_seconds = round(time.monotonic() - started, 1)
    second = timezone.now()
    incremental = extract(env, args.directory, second, incremental=True)
    print("incremental:", incremental, flush=True)
    record = {
        "database": database,
        "patients": patients,
        "full": full,
        "day_of_activity": {"share": args.touched, "seconds": day_seconds},
        "incremental": incremental,
    }
    if args.check:
        import duckdb

        from oncoparcours.indicators.extract import events_source

        reference = args.directory.with_name(args.directory.name + "-check")
        record["check_full"] = extract(env, reference, second, incremental=False)
        query = "SELECT * FROM {} EXCEPT ALL SELECT * FROM {}"
        duck = duckdb.connect()
        a, b = events_source(args.directory), events_source(reference)
        differ = len(duck.execute(query.format(a, b)).fetchall()) + len(
            duck.execute(query.format(b, a)).fetchall()
        )
        record["rows_differing_from_full"] = differ
    print(json.dumps(record, indent=2, default=str))
    print(f"saved {common.save('extract-national', record).relative_to(common.ROOT)}")


if __name__ == "__main__":
    main()
