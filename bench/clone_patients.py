"""Multiply the patients of a loaded demo database on PostgreSQL with set-based SQL (issue 13).

The demo generator writes patients through the ORM in batches (100,000 patients in ~2 min);
this script clones the already generated patients --copies times, with every row that hangs
off them (diagnoses, stagings, pathways and activities, reports and alerts, board cases and
decisions, referrals, CAR-T orders, …): one ``INSERT … SELECT`` per table and copy, new ids
derived from the old ones (``md5(id || copy)::uuid``), so foreign keys between cloned rows are
remapped without a mapping table. Dates are shifted by a few days per copy.

The board sessions are cloned with them (each copy's agenda items go to its own copy of the
session, a few minutes later). The clones get no care-team memberships: they stand for patients
of other regions, in the same tables but seen by none of the region's professionals (so the
demo logins keep a realistic caseload while every table is --copies + 1 times larger).

    .venv/bin/python bench/clone_patients.py --database-url postgres://…/drills_load --copies 9
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

# The open alerts' index is kept by database triggers as the alerts are copied (and rebuilt
# after the history copies, which run with triggers off).
NOT_CLONED = {"patients.CareTeamMember", "patients.BreakGlassAccess", "monitoring.OpenAlert"}
NOT_CLONED_APPS = {"celltherapy", "planning"}  # a region's orders and day plans; chained ids


def cloned_models(roots: tuple = ()) -> list:
    """Patient (or ``roots``) and every model that references a cloned model (foreign key)."""
    from django.apps import apps

    from oncoparcours.patients.models import Patient

    cloned = set(roots) or {Patient}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            meta = model._meta
            if model in cloned or meta.label in NOT_CLONED or meta.app_label in NOT_CLONED_APPS:
                continue
            if meta.proxy:
                continue
            if any(
                (f.many_to_one or f.one_to_one) and f.related_model in cloned
                for f in model._meta.concrete_fields
            ):
                cloned.add(model)
                changed = True
    return sorted(cloned, key=lambda m: m._meta.label)


def select_list(model, cloned: set, copy: int, shift_days: int = 0) -> tuple[str, str]:
    """(columns, expressions) for INSERT INTO model SELECT expressions FROM model; with
    ``shift_days`` every date and time is moved that many days back."""
    from django.db import models

    columns, values = [], []
    unique_texts = {f.column for f in model._meta.concrete_fields if f.unique and not f.primary_key}
    nulled = set()  # unique together without a remapped column: NULL if allowed, else suffixed
    for constraint in model._meta.constraints:
        names = getattr(constraint, "fields", ())
        if not isinstance(constraint, models.UniqueConstraint) or not names:
            continue
        fields = [model._meta.get_field(name) for name in names]
        if any(f.is_relation and f.related_model in cloned for f in fields):
            continue
        for f in fields:
            (nulled if f.null else unique_texts).add(f.column)
    for field in model._meta.concrete_fields:
        column = f'"{field.column}"'
        if field.primary_key and not isinstance(field, models.UUIDField):
            continue  # integer ids come from the sequence
        remap = field.primary_key or (
            (field.many_to_one or field.one_to_one) and field.related_model in cloned
        )
        if field.column in nulled:
            value = "NULL"
        elif remap or (isinstance(field, models.UUIDField) and field.unique):
            value = f"md5({column}::text || ':{copy}')::uuid"
        elif field.column in unique_texts and isinstance(field, models.DateTimeField):
            value = f"{column} + interval '{copy} minutes'"  # e.g. a board's session time
        elif field.column in unique_texts and isinstance(field, models.CharField):
            suffix = f"~{copy:03d}"
            value = (  # an empty value is outside the conditional unique constraints
                f"CASE WHEN {column} = '' THEN {column} "
                f"ELSE left({column}, {field.max_length - len(suffix)}) || '{suffix}' END"
            )
        elif isinstance(field, models.DateTimeField | models.DateField) and shift_days:
            value = f"{column} - interval '{shift_days} days'"
        elif isinstance(field, models.DateTimeField | models.DateField) and field.null:
            value = f"{column} - interval '{copy % 7} days'"
        else:
            value = column
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            value = f"({value})::date"
        columns.append(column)
        values.append(value)
    return ", ".join(columns), ", ".join(values)


def clone(copies: int, first: int = 1) -> dict[str, float]:
    from django.db import connection, transaction

    from oncoparcours.boards.models import Session
    from oncoparcours.patients.models import Patient

    # The board sessions too: their agenda items are cloned with the patients, and a session
    # that kept every copy's items would hold its cases --copies + 1 times over.
    models = cloned_models((Patient, Session))
    cloned = set(models)
    tables = [m._meta.db_table for m in models]
    print(f"{len(models)} tables cloned: {', '.join(tables)}", flush=True)
    with connection.cursor() as cursor:  # the originals, kept aside once for every copy
        for table in tables:
            cursor.execute(
                f'CREATE TABLE IF NOT EXISTS "bench_src_{table}" AS SELECT * FROM "{table}"'
            )
    timings = {}
    for copy in range(first, first + copies):
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for model in models:
                table = model._meta.db_table
                columns, values = select_list(model, cloned, copy)
                cursor.execute(
                    f'INSERT INTO "{table}" ({columns}) SELECT {values} FROM "bench_src_{table}"'
                )
        timings[f"copy {copy}"] = round(time.monotonic() - started, 1)
        print(f"copy {copy}: {timings[f'copy {copy}']} s", flush=True)
    started = time.monotonic()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'VACUUM ANALYZE "{table}"')
    timings["vacuum analyze"] = round(time.monotonic() - started, 1)
    return timings


HISTORY_EVERY_DAYS = 28


def add_history(times: int, first: int = 1) -> dict[str, float]:
    """Older history for every patient already in the database: each self-report with its
    alerts, alert events, recipients and adverse events, and each administration done, copied
    ``times`` times, moved back 28 days per copy (the national extract's events; run after the
    load drill: the copies are in every patient's past)."""
    from django.db import connection, transaction

    from oncoparcours.monitoring.models import Report
    from oncoparcours.pathways.models import ActivityInstance

    done = "WHERE status = 'done' AND kind = 'treatment_administration'"
    groups = [(cloned_models((Report,)), ""), ([ActivityInstance], done)]
    timings = {}
    with connection.cursor() as cursor:
        for models_, where in groups:
            for model in models_:
                table = model._meta.db_table
                cursor.execute(
                    f'CREATE TABLE IF NOT EXISTS "bench_hist_{table}" AS '
                    f'SELECT * FROM "{table}" {where}'
                )
    for index in range(first, first + times):
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            # Copies of consistent rows with remapped ids: the foreign-key checks at commit took
            # 4 of every 5 minutes at 1,000,000 patients, so triggers are off for this
            # transaction (superuser; the append-only triggers only refuse UPDATE and DELETE).
            cursor.execute("SET LOCAL session_replication_role = replica")
            for models_, where in groups:
                # a filtered copy keeps its references to rows it did not copy (an activity's
                # anchor activity) as they are
                cloned = set() if where else set(models_)
                for model in models_:
                    table = model._meta.db_table
                    columns, values = select_list(
                        model, cloned, 1000 + index, HISTORY_EVERY_DAYS * index
                    )
                    cursor.execute(
                        f'INSERT INTO "{table}" ({columns}) SELECT {values} '
                        f'FROM "bench_hist_{table}"'
                    )
        timings[f"history {index}"] = round(time.monotonic() - started, 1)
        print(f"history {index}: {timings[f'history {index}']} s", flush=True)
    if times:  # the copies ran with triggers off: index their open alerts as the triggers would
        from oncoparcours.monitoring.services.open_alerts import open_alert_index_repair

        repaired = open_alert_index_repair()
        print(f"open alerts indexed after the history: {len(repaired.missing)}", flush=True)
    with connection.cursor() as cursor:
        for models_, _where in groups:
            for model in models_:
                cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--copies", type=int, default=9)
    parser.add_argument("--first", type=int, default=1, help="number of the first copy")
    parser.add_argument(
        "--history",
        type=int,
        default=0,
        help="then copy every patient's reports, alerts and done activities this many times "
        "into their past (for the national extract's event volume)",
    )
    parser.add_argument("--history-first", type=int, default=1, help="number of the first")
    args = parser.parse_args()
    env = common.environment(args.database_url, common.ROOT / "var" / "bench")
    common.django_setup(env)
    from django.db import connection

    started = time.monotonic()
    timings = clone(args.copies, args.first) if args.copies else {}
    if args.history:
        timings |= add_history(args.history, args.history_first)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM patients_patient")
        patients = cursor.fetchone()[0]
    total = round(time.monotonic() - started, 1)
    print(f"{patients} patients; {total} s in all")
    common.save("clone-patients", {"patients": patients, "seconds": total, "timings": timings})


if __name__ == "__main__":
    main()
