"""``oncoparcours pathways load [FILE ...]`` — validate and load the pathway templates.
``oncoparcours pathways check FILE ...`` — validate only. Problems name the file, the path
inside it and the reason; nothing is loaded when any file is wrong (exit status 1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oncoparcours.pathways.loader import TemplatesRefused, load_templates, parse_file


class Command(BaseCommand):
    help = "Load (or check) pathway templates from versioned YAML files."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["load", "check"])
        parser.add_argument(
            "files",
            nargs="*",
            type=Path,
            help="YAML files (default: the templates shipped with the app)",
        )

    def handle(self, *args: Any, action: str, files: list[Path], **options: Any) -> None:
        if action == "check":
            if not files:
                raise CommandError("Name the files to check.")
            problems = [p for path in files for p in parse_file(path)[1]]
            for problem in problems:
                self.stderr.write(str(problem))
            if problems:
                raise CommandError(f"{len(problems)} problem(s).")
            self.stdout.write(self.style.SUCCESS(f"{len(files)} file(s) valid."))
            return
        try:
            report = load_templates(files or None)
        except TemplatesRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(refused.problems)} problem(s); nothing was loaded."
            ) from refused
        for label in report.loaded:
            self.stdout.write(f"loaded {label}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.loaded)} template version(s) loaded, "
                f"{len(report.unchanged)} unchanged."
            )
        )
