"""``oncoparcours biomarkers_to_structured --recorded-by USER [--dry-run]``: convert every former
free-text biomarker (diagnosis "Biomarqueurs" rows) into a molecular result of its patient — the
single source the record, the board case, the prognosis rules and trial matching read. A row
that can be structured without guessing becomes a structured result (its wording kept in the
``reported_*`` fields); an ambiguous one becomes a result "to verify" (shown as such, read by
neither matching nor prognosis) for a physician to enter again. Idempotent (a converted row is
never converted again); every result and the run are audited under USER."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from oncoparcours.patients.molecular_services import biomarkers_to_structured


class Command(BaseCommand):
    help = "Convert the free-text biomarkers into structured molecular results (audited)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--recorded-by", required=True, help="Username recorded as the author (audited)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Report, change nothing.")

    def handle(self, *args: Any, recorded_by: str, dry_run: bool, **options: Any) -> None:
        user = get_user_model().objects.filter(username=recorded_by).first()
        if user is None:
            raise CommandError(f"--recorded-by: no user named {recorded_by!r}.")
        counts = biomarkers_to_structured(actor=user, dry_run=dry_run)
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"{counts['structured']} biomarkers {verb} structured, {counts['to_verify']} "
            f"{verb} kept as to verify, {counts['already']} already converted."
        )
