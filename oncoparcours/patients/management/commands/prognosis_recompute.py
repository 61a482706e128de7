"""``oncoparcours prognosis_recompute [--dry-run]``: apply the current survival table to every
diagnosis (run once after upgrading to a new table; ``make demo`` runs it). Idempotent: a
diagnosis already up to date is left as it is. Each change is saved with an audit event that
keeps the previous status, entry and table version."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from oncoparcours.patients.referential import survival_table
from oncoparcours.patients.services import diagnoses_recompute


class Command(BaseCommand):
    help = "Recompute the poor-prognosis flag of every diagnosis with the current survival table."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Report, change nothing.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, dry_run: bool, batch_size: int, **options: Any) -> None:
        counts = diagnoses_recompute(actor=None, dry_run=dry_run, batch_size=batch_size)
        version = survival_table().version
        changed = {k: v for k, v in counts.items() if k[0] != "unchanged"}
        unchanged = sum(v for k, v in counts.items() if k[0] == "unchanged")
        verb = "would change" if dry_run else "changed"
        self.stdout.write(
            f"Survival table {version}: {sum(changed.values())} diagnoses {verb}, "
            f"{unchanged} already up to date."
        )
        for (old, new), count in sorted(changed.items()):
            self.stdout.write(f"  {old} -> {new}: {count}")
