"""Per-request overhead of the keyed audit trail: time of ``audit_record`` (one audit row, as
every page view and report submission writes) with and without the row HMAC, on a scratch
SQLite database (or DATABASE_URL), and the time to seal the rows afterwards.

    .venv/bin/python bench/audit_hmac.py [--rows 3000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=3000)
    rows = parser.parse_args().rows
    scratch = tempfile.mkdtemp(prefix="audit-hmac-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ["ONCOPARCOURS_DATA_DIR"] = scratch
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oncoparcours.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from oncoparcours.core import audit_chain
    from oncoparcours.core.audit import audit_record
    from oncoparcours.core.audit_chain import audit_seal

    def run() -> list[float]:
        timings = []
        for n in range(rows):
            start = time.perf_counter()
            audit_record(
                actor=None,
                action="view",
                patient_id="8c1c5f5e-1111-4a2b-9c3d-123456789abc",
                reason="",
                details={"section": "record", "n": n},
            )
            timings.append(time.perf_counter() - start)
        return timings

    signed = run()
    original = audit_chain.sign_row
    audit_chain.sign_row = lambda event: None  # type: ignore[assignment]
    unsigned = run()
    audit_chain.sign_row = original
    start = time.perf_counter()
    sealed = audit_seal()
    seal_seconds = time.perf_counter() - start
    for label, timings in (("without HMAC", unsigned), ("with HMAC", signed)):
        print(
            f"audit_record {label}: median {statistics.median(timings) * 1000:.3f} ms, "
            f"p95 {percentile(timings, 0.95) * 1000:.3f} ms ({rows} rows)"
        )
    print(f"sealing: {sealed.sealed_rows} signed rows in {seal_seconds:.2f} s")


if __name__ == "__main__":
    main()
