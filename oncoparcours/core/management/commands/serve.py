"""``oncoparcours serve``: the web server (gunicorn) and, with --with-worker, the task worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web application with gunicorn (and optionally the background worker)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "3")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="Also start `oncoparcours worker` and stop it on exit.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker = None
        if options["with_worker"]:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "oncoparcours.cli",
                    "worker",
                    "--verbosity",
                    "0",
                ]
            )
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "oncoparcours.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
        ]
        if settings.DEBUG:
            command += ["--access-logfile", "-"]
        web = subprocess.Popen(command)  # noqa: S603
        try:
            web.wait()
        except KeyboardInterrupt:
            web.send_signal(signal.SIGTERM)
            web.wait(timeout=20)
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()
