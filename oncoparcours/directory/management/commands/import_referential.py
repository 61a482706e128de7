"""``oncoparcours import_referential organisations|professionals FILE.csv``: all-or-nothing import
for hospital IT teams. Prints every error with its line and column; exit status 1 if refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oncoparcours.directory.imports import ImportRefused, import_organisations, import_professionals


class Command(BaseCommand):
    help = "Import organisations or professionals from a CSV file (nothing is imported on error)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=["organisations", "professionals"])
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, kind: str, file: Path, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        importer = import_organisations if kind == "organisations" else import_professionals
        try:
            report = importer(content=file.read_bytes(), actor=None)
        except ImportRefused as refused:
            for error in refused.report.errors:
                self.stderr.write(f"{file}:{error.line}: {error.field}: {error.message}")
            raise CommandError(
                f"{len(refused.report.errors)} error(s); nothing was imported."
            ) from refused
        self.stdout.write(self.style.SUCCESS(f"{report.created} {kind} imported from {file}."))
