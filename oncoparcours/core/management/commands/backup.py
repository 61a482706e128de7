"""``oncoparcours backup [--output PATH] [--no-verify]``: a consistent copy of the database
(SQLite backup API, or pg_dump custom format) with the anchor file beside it, then a read-only
verification of its ledgers (SQLite: the copy itself; PostgreSQL: ``restore --into`` a scratch
database is the way to check a dump). Exit status 1 when the copy's ledgers do not verify."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from oncoparcours.core.anchors import AnchorRefused, anchor_write
from oncoparcours.core.backup import anchors_beside, backup_database, verify_copy
from oncoparcours.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Back up the database and verify the ledgers of the copy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="backup file (default: BACKUP_DIR/<timestamp>)")
        parser.add_argument("--no-verify", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        output = Path(
            options["output"] or Path(settings.BACKUP_DIR) / f"oncoparcours-{stamp}.{suffix}"
        )
        try:
            anchor_write()  # the copy carries an anchor of its own heads
        except AnchorRefused as refusal:
            self.stderr.write(f"WARNING the live ledgers are behind their anchors: {refusal}")
        try:
            backup_database(output)
        except ApplicationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written to {output} ({output.stat().st_size} bytes).")
        if options["no_verify"] or connection.vendor != "sqlite":
            if connection.vendor != "sqlite":
                self.stdout.write(
                    "Verify it with: oncoparcours restore PATH --into postgres://…/scratch"
                )
            return
        result = verify_copy(f"sqlite:///{output.resolve()}", anchors_beside(output))
        self.stdout.write(result.output)
        if not result.ok:
            raise SystemExit(1)
        self.stdout.write("Backup verified.")
