"""``oncoparcours worker``: runs background tasks (database backend) and the periodic scheduler."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from oncoparcours.core.scheduling import start_scheduler_thread


class Command(DbWorkerCommand):
    help = "Run the background worker: queued tasks plus periodic jobs (escalations, clean-ups)."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Do not enqueue periodic jobs from this worker.",
        )
        parser.set_defaults(reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        if not options.pop("no_scheduler"):
            start_scheduler_thread()
        super().handle(*args, **options)
