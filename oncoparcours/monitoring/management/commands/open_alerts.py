"""``oncoparcours open_alerts verify`` — compare the open alerts' index with the event log; exit
status 1 when they differ. ``oncoparcours open_alerts repair`` — make them agree (audited)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oncoparcours.monitoring.services.open_alerts import (
    open_alert_index_difference,
    open_alert_index_repair,
)


class Command(BaseCommand):
    help = "Verify or repair the open alerts' index against the alert events."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["verify", "repair"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "repair":
            difference = open_alert_index_repair()
            self.stdout.write(
                f"open alerts index: {len(difference.missing)} put back, "
                f"{len(difference.stale)} resolved removed"
            )
            return
        difference = open_alert_index_difference()
        for pk in difference.missing:
            self.stdout.write(f"missing (unresolved, not in the index): {pk}")
        for pk in difference.stale:
            self.stdout.write(f"stale (resolved, still in the index): {pk}")
        if not difference.clean:
            raise CommandError("the open alerts index differs from the alert events")
        self.stdout.write("open alerts index: agrees with the alert events")
