"""``oncoparcours serve``: the web server (gunicorn) and, with --with-worker, the task worker.

SIGINT/SIGTERM are forwarded to both children, so stopping this command stops everything."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from types import FrameType
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
        children: list[subprocess.Popen] = []
        if options["with_worker"]:
            worker_command = [
                sys.executable,
                "-m",
                "oncoparcours.cli",
                "worker",
                "--verbosity",
                "0",
            ]
            children.append(subprocess.Popen(worker_command))  # noqa: S603
        web_command = [
            sys.executable, "-m", "gunicorn", "oncoparcours.wsgi:application",
            "--bind", options["bind"], "--workers", str(options["workers"]),
            "--threads", str(options["threads"]), "--keep-alive", "30",
        ]  # fmt: skip
        if settings.DEBUG:
            web_command += ["--access-logfile", "-"]
        web = subprocess.Popen(web_command)  # noqa: S603
        children.append(web)

        def stop(signum: int, frame: FrameType | None) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            web.wait()
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.kill()
