"""Benchmark of the reminders (issue 16): ``--reminders`` reminders created by the reminder job
and delivered by the real worker (``oncoparcours worker``) to a local SMTP server (aiosmtpd)
and a local HTTP SMS gateway, then a kill drill: the worker killed with SIGKILL in the middle
of a dispatch, restarted, and every message counted (none lost; duplicates only as
at-least-once delivery allows).

Target: 10,000 reminders created and delivered in ≤ 60 s.

    .venv/bin/python bench/reminders.py [--database-url postgres://…/reminders_bench]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common


def load(patients: int) -> None:
    """``patients`` patients in the home-immunotherapy programme with a portal account (half by
    e-mail, half by SMS), each with two PROM questionnaires open today."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from oncoparcours.monitoring.models import QuestionnaireDue
    from oncoparcours.pathways.models import PathwayInstance, PathwayTemplate
    from oncoparcours.patients.models import Patient
    from oncoparcours.portal.models import AccountKind, PortalAccount
    from oncoparcours.testing.factories import PatientFactory

    today = timezone.localdate()
    user = get_user_model().objects.create(username="bench-reminders")
    template = PathwayTemplate.objects.get(code="home-immunotherapy", is_latest=True)
    people = Patient.objects.bulk_create(
        [PatientFactory.build() for _ in range(patients)], batch_size=1000
    )
    instances = PathwayInstance.objects.bulk_create(
        [
            PathwayInstance(patient=p, template=template, start_date=today, created_by=user)
            for p in people
        ],
        batch_size=1000,
    )
    PortalAccount.objects.bulk_create(
        [
            PortalAccount(
                patient=patient,
                kind=AccountKind.PATIENT,
                display_name=f"Patient {index}",
                email=f"patient{index}@bench.example" if index % 2 else "",
                phone="" if index % 2 else f"06{index:08d}",
                channel="email" if index % 2 else "sms",
                rights=["calendar", "documents", "messages", "questionnaires"],
                invited_by="bench",
            )
            for index, patient in enumerate(people)
        ],
        batch_size=1000,
    )
    QuestionnaireDue.objects.bulk_create(
        [
            QuestionnaireDue(
                patient=instance.patient,
                pathway_instance=instance,
                instrument=code,
                instrument_version=1,
                occurrence="inclusion",
                due_on=today,
                closes_on=today + dt.timedelta(days=7),
            )
            for instance in instances
            for code in ("health-status", "quality-of-life")
        ],
        batch_size=1000,
    )


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [str(common.BIN / "oncoparcours"), "worker", "--interval", "0.5", "--no-startup-delay"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: SIGKILL reaches only it
    )


def kill(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()


def pending(kind_prefix: str) -> int:
    from oncoparcours.core.notifications.models import Notification

    return (
        Notification.objects.filter(kind__startswith=kind_prefix)
        .exclude(status__in=["sent", "failed", "cancelled"])
        .count()
    )


def wait_all_sent(kind_prefix: str, timeout: float, *, stop_at: int | None = None) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        left = pending(kind_prefix)
        if left == 0 or (stop_at is not None and left <= stop_at):
            return time.monotonic() - started
        time.sleep(0.2)
    raise SystemExit(f"timeout: {pending(kind_prefix)} notifications still waiting")


def received_ids(smtp: object, gateway: object) -> list[str]:
    ids = [mail["X-OncoParcours-Notification"] for _to, mail in smtp.messages]  # type: ignore[attr-defined]
    return ids + [str(sms["reference"]) for sms in gateway.received]  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--data-dir", type=Path, default=common.ROOT / "var" / "bench-reminders")
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--drill", type=int, default=3_000, help="reminders of the kill drill")
    args = parser.parse_args()
    if not args.database_url:
        for old in args.data_dir.glob("*.sqlite3*"):
            old.unlink()  # a fresh file each run
    env = common.environment(args.database_url, args.data_dir)

    from aiosmtpd.controller import Controller

    from oncoparcours.testing.servers import SmsGateway, SmtpInbox, free_port

    smtp = SmtpInbox()
    controller = Controller(smtp, hostname="127.0.0.1", port=free_port())
    controller.start()
    gateway = SmsGateway().__enter__()
    env.update(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(controller.port),
        SMS_GATEWAY_URL=gateway.url,
        SMS_GATEWAY_TOKEN=gateway.token,
        NOTIFICATION_OUTBOX_DIR="",
    )
    database = common.django_setup(env)
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from oncoparcours.core.notifications.models import Notification
    from oncoparcours.portal import reminders

    patients = args.reminders // 2
    t0 = time.monotonic()
    load(patients)
    loaded = time.monotonic() - t0
    print(f"loaded {patients} patients in {loaded:.1f} s ({database})", flush=True)

    # 1. throughput: the reminder job, then the worker delivers everything
    started = time.monotonic()
    created = reminders.reminders_send()
    creating = time.monotonic() - started
    worker = start_worker(env)
    delivering = wait_all_sent("reminder_", timeout=600)
    total = time.monotonic() - started
    kill(worker)
    ids = received_ids(smtp, gateway)
    by_status = Counter(
        Notification.objects.filter(kind__startswith="reminder_").values_list("status", flat=True)
    )
    throughput = {
        "reminders": created.created,
        "create_s": round(creating, 1),
        "deliver_s": round(delivering, 1),
        "total_s": round(total, 1),
        "per_second": round(created.created / total),
        "emails": len(smtp.messages),
        "sms": len(gateway.received),
        "statuses": dict(by_status),
        "duplicates": len(ids) - len(set(ids)),
    }
    print("throughput", throughput, flush=True)

    # 2. kill drill: SIGKILL in the middle of a dispatch, restart, count
    smtp.messages.clear()
    gateway.received.clear()
    people = list(
        reminders._accounts(
            reminders.PortalAccount.objects.values_list("patient_id", flat=True)[: args.drill],
            "questionnaires",
        ).values()
    )
    wanted = [
        reminders.Wanted(
            key=f"drill:{index}",
            kind=reminders.PROM_DUE,
            patient_id=accounts[0].patient_id,
            recipient=reminders._recipient(accounts[0]),
            context={"questionnaire": "Drill", "until": "01/01/2030", "url": "http://x/"},
        )
        for index, accounts in enumerate(people)
    ]
    reminders.reminders_create(wanted)
    drill_ids = {
        str(pk)
        for pk in Notification.objects.filter(reference__startswith="drill:").values_list(
            "pk", flat=True
        )
    }
    worker = start_worker(env)
    wait_all_sent("reminder_", timeout=120, stop_at=len(wanted) // 2)
    kill(worker)  # in the middle of a dispatch
    killed_at = len(set(received_ids(smtp, gateway)) & drill_ids)
    started = time.monotonic()
    worker = start_worker(env)
    recovery = wait_all_sent("reminder_", timeout=400)
    kill(worker)
    ids = [i for i in received_ids(smtp, gateway) if i in drill_ids]
    drill = {
        "reminders": len(drill_ids),
        "received_before_kill": killed_at,
        "lost": len(drill_ids - set(ids)),
        "duplicates": len(ids) - len(set(ids)),
        "recovery_s": round(recovery, 1),
        "not_sent_rows": pending("reminder_"),
        "elapsed_after_restart_s": round(time.monotonic() - started, 1),
    }
    print("kill drill", drill, flush=True)
    controller.stop()
    gateway.__exit__()
    common.save(
        "reminders",
        {"database": database, "throughput": throughput, "drill": drill, "loaded_s": loaded},
    )


if __name__ == "__main__":
    main()
