"""FHIR API benchmarks (issue 17), on a loaded database (``make demo``, or PostgreSQL with
``bench/clone_patients.py`` for 100,000 patients):

- ``Observation?patient=<id>`` searched by a professional of the patient's care team (Django test
  client in process, DEBUG off): median and p95 over --searches requests. Target: p95 <= 50 ms
  on PostgreSQL with 100,000 patients.
- ``$export`` (NDJSON, pseudonymised, oppositions left out) of every patient in the database:
  total time (wall and CPU), lines, and the process's resident memory at 10 %, 50 % and 100 % of
  the stream (flat = the same order of magnitude from start to end). Target: 100,000 patients
  <= 60 s. The chunks are built by ``ONCOPARCOURS_EXPORT_WORKERS`` worker processes (default
  2; 0 = in process): their CPU time and resident memory are reported separately. The
  benchmark reads through a reader that sees every patient (the clones of ``clone_patients.py``
  have no care team); the access filter itself is one subquery.

    .venv/bin/python bench/fhir_api.py --database-url postgres://postgres@127.0.0.1:5432/x
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common


def rss_mib(pid: str = "self") -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # a worker that has just exited
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_rss_mib() -> list[float]:
    """Resident memory of this process's children (the export's worker processes)."""
    me = str(os.getpid())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:
            found.append(round(rss_mib(stat.parent.name)))
    return found


def search(searches: int, seed: int) -> dict[str, float]:
    from django.test import Client

    from oncoparcours.core.models import User
    from oncoparcours.patients.models import CareTeamMember

    doctor = User.objects.get(username="oncologue")
    patients = list(
        CareTeamMember.objects.filter(professional__user=doctor).values_list(
            "patient_id", flat=True
        )
    )
    client = Client()
    client.force_login(doctor)
    rng = random.Random(seed)
    timings = []
    for _ in range(searches):
        started = time.perf_counter()
        answer = client.get(f"/fhir/Observation?patient={rng.choice(patients)}")
        timings.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.content[:300]
    return common.summary(timings)


def export(purpose: str) -> dict[str, object]:
    from django.conf import settings
    from django.db.models import Q

    from oncoparcours.interop.bulk_export import TYPES, export_lines
    from oncoparcours.interop.readers import Reader
    from oncoparcours.patients.models import Patient

    class EveryPatient(Reader):
        def patient_filter(self, field: str = "patient_id") -> Q:
            return Q()

        def audit(self) -> dict[str, object]:
            return {"actor": None, "actor_label": "bench (FHIR $export)"}

    total = Patient.objects.count()
    started, cpu = time.perf_counter(), time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = 0
    memory: dict[str, object] = {"start": rss_mib()}
    expected_chunks = max(1, -(-total // 500))
    # The pseudonyms are keyed for a receiving system: a stand-in one for the benchmark.
    reader = EveryPatient(client=SimpleNamespace(pk="bench"))  # type: ignore[arg-type]
    stream = export_lines(reader=reader, purpose=purpose, types=set(TYPES))
    digest = hashlib.sha256()
    for chunks, block in enumerate(stream, start=1):
        lines += block.count(b"\n")
        digest.update(block)
        for mark in (10, 50):
            if chunks == max(1, expected_chunks * mark // 100) and f"{mark}%" not in memory:
                memory[f"{mark}%"] = rss_mib()
                memory[f"workers_{mark}%"] = children_rss_mib()
    memory["100%"] = rss_mib()
    # The worker processes have exited (the stream's end shut their pool down and waited).
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    return {
        "patients": total,
        "lines": lines,
        "sha256": digest.hexdigest()[:16],  # the same bytes with or without workers
        "workers": settings.EXPORT_WORKERS,
        "seconds": round(time.perf_counter() - started, 1),
        # CPU time of this process: less moved than the wall time by other loads of the machine.
        "cpu_seconds": round(time.process_time() - cpu, 1),
        "workers_cpu_seconds": round(workers_cpu, 1),
        **{
            f"rss_mib_{key}": round(value) if isinstance(value, float) else value
            for key, value in memory.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--data-dir", type=Path, default=common.ROOT / "var" / "bench-fhir")
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--purpose", default="evaluation")
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()
    env = common.environment(args.database_url, args.data_dir)
    database = common.django_setup(env)
    record: dict[str, object] = {"machine": common.machine(), "database": database}
    record["observation_search_ms"] = search(args.searches, seed=17)
    print("Observation?patient=", record["observation_search_ms"])
    if not args.skip_export:
        record["export"] = export(args.purpose)
        print("$export", record["export"])
    common.save("fhir_api", record)


if __name__ == "__main__":
    main()
