"""``oncoparcours indicators refresh``: rebuild the pseudonymised extract the dashboards read
(the worker does it every 6 hours)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from oncoparcours.indicators.services import extract_directory, extract_refresh


class Command(BaseCommand):
    help = "Rebuild the indicators' pseudonymised extract."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["refresh"])
        parser.add_argument(
            "--incremental",
            action="store_true",
            help="Re-read only the patients whose data changed since the last run.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = extract_refresh(actor=None, incremental=options["incremental"])
        self.stdout.write(
            f"{run.events} events written to {extract_directory()} in {run.seconds:.1f} s."
        )
