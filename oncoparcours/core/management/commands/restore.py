"""``oncoparcours restore PATH [--into DATABASE_URL]``: restore a backup (SQLite copy or pg_dump
custom archive) into this database or another one, then verify the restored ledgers (``custody
verify`` and ``audit verify``, read-only, against the anchors saved beside the backup). Exit
status 1 when they do not verify."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncoparcours.core.backup import anchors_beside, restore_database, verify_copy
from oncoparcours.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Restore a backup and verify the ledgers of the restored database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--into", help="DATABASE_URL to restore into (default: this one)")

    def handle(self, *args: Any, **options: Any) -> None:
        backup = Path(options["path"])
        if not backup.is_file():
            raise CommandError(f"path: no backup file at {backup}")
        try:
            target = restore_database(backup, options["into"])
        except ApplicationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {backup} into {_masked(target)}.")
        result = verify_copy(target, anchors_beside(backup))
        self.stdout.write(result.output)
        if not result.ok:
            self.stdout.write("RESTORED COPY DOES NOT VERIFY.")
            raise SystemExit(1)
        self.stdout.write(
            "Restored copy verified. If it replaced the live database, start a new anchor file "
            "(see docs/ledgers.md): the old one is ahead of the restored ledgers."
        )


def _masked(url: str) -> str:
    head, sep, tail = url.rpartition("@")
    return f"{head.split('://')[0]}://***@{tail}" if sep else url
