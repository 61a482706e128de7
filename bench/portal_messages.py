"""Benchmark of the patient portal (issue 16), in one process with Django's test client:

* the care team's inbox (`/messagerie-patients/`: waiting, overdue, all) for a coordination
  nurse with ``--patients`` patients in her care team and ``--threads`` threads (2 messages each);
* a patient's messages list and calendar;
* login by one-time code: request (code hashed, notification stored and sent at once to
  Django's in-memory mail backend) + verify, ``--logins`` times.

Targets: inbox and portal pages p95 ≤ 300 ms; a login (request + verify) p95 ≤ 200 ms.

    .venv/bin/python bench/portal_messages.py --database-url postgres://postgres@127.0.0.1:5432/portal_bench
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common


def load(patients: int, threads: int) -> tuple[object, object]:
    from django.utils import timezone

    from oncoparcours.portal.models import AccountKind, Message, PortalAccount, Side, Thread
    from oncoparcours.testing.factories import (
        CareTeamMemberFactory,
        PatientFactory,
        ProfessionalFactory,
        UserFactory,
    )

    nurse = ProfessionalFactory(
        profession="nurse", user=UserFactory(username="bench-idec", role="coordination_nurse")
    )
    people = [PatientFactory() for _ in range(patients)]
    for patient in people:
        CareTeamMemberFactory(patient=patient, professional=nurse, role="coordination_nurse")
    accounts = PortalAccount.objects.bulk_create(
        PortalAccount(
            patient=patient,
            kind=AccountKind.PATIENT,
            display_name=f"Patient {index}",
            email=f"patient{index}@bench.example",
            channel="email",
            rights=["calendar", "documents", "messages", "questionnaires"],
            invited_by="bench",
        )
        for index, patient in enumerate(people)
    )
    now = timezone.now()
    batch_threads, batch_messages = [], []
    for index in range(threads):
        account = accounts[index % len(accounts)]
        at = now - dt.timedelta(minutes=index)
        waiting = index % 3 == 0
        thread = Thread(
            patient_id=account.patient_id,
            subject=f"Question {index}",
            started_by=account.actor_label,
            last_message_at=at,
            waiting_since=at if waiting else None,
            answer_due=at + dt.timedelta(days=2 if index % 6 else -1) if waiting else None,
        )
        batch_threads.append(thread)
        batch_messages.append(
            Message(
                thread=thread,
                side=Side.PATIENT,
                account=account,
                author_label=account.actor_label,
                body="Bonjour, une question.",
                created_at=at,
            )
        )
        if not waiting:
            batch_messages.append(
                Message(
                    thread=thread,
                    side=Side.TEAM,
                    author=nurse.user,
                    author_label="IDEC",
                    body="Bonjour, voici la réponse.",
                    created_at=at,
                )
            )
    Thread.objects.bulk_create(batch_threads, batch_size=2000)
    Message.objects.bulk_create(batch_messages, batch_size=2000)
    return nurse, accounts[0]


def timed(action, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    action()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--data-dir", type=Path, default=common.ROOT / "var" / "bench-portal")
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--logins", type=int, default=200)
    args = parser.parse_args()
    env = common.environment(args.database_url, args.data_dir)
    env["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    database = common.django_setup(env)
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the in-memory mail outbox; ALLOWED_HOSTS for the test client
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    from oncoparcours.portal import services
    from oncoparcours.portal.models import Thread
    from oncoparcours.portal.session import portal_login

    if not Thread.objects.exists():
        print(
            f"{database}: loading {args.patients} patients, {args.threads} threads...", flush=True
        )
        started = time.perf_counter()
        load(args.patients, args.threads)
        print(f"  loaded in {time.perf_counter() - started:.1f} s", flush=True)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    from django.contrib.auth import get_user_model

    from oncoparcours.portal.models import PortalAccount

    nurse_user = get_user_model().objects.get(username="bench-idec")
    account = PortalAccount.objects.order_by("email").first()
    assert account is not None
    staff = Client()
    staff.force_login(nurse_user)
    patient_side = Client()
    request = type("R", (), {})()
    session = patient_side.session
    request.session = session
    portal_login(request, account)  # type: ignore[arg-type]
    session.save()
    patient_side.cookies["sessionid"] = session.session_key

    def page(client: Client, path: str):  # type: ignore[no-untyped-def]
        def get() -> None:
            assert client.get(path).status_code == 200, path

        return get

    results = {}
    for label, client, path in (
        ("inbox waiting", staff, "/messagerie-patients/"),
        ("inbox overdue", staff, "/messagerie-patients/?voir=overdue"),
        ("inbox all", staff, "/messagerie-patients/?voir=all"),
        ("patient messages", patient_side, "/portail/messages/"),
        ("patient calendar", patient_side, "/portail/calendrier/"),
    ):
        results[label] = common.summary(timed(page(client, path), args.runs))
    logins = PortalAccount.objects.order_by("email")[: args.logins]

    def login_cycle():  # type: ignore[no-untyped-def]
        target = next(iterator)
        services.code_request(address=target.email, ip=None)
        code = mail.outbox[-1].body.split(": ", 1)[1].split()[0]
        assert services.code_verify(address=target.email, code=code) is not None

    iterator = iter(list(logins) * 2)
    results["login (request + verify)"] = common.summary(timed(login_cycle, len(logins) - 1))
    print(
        f"{database}; {args.patients} patients, {args.threads} threads; machine {common.machine()}"
    )
    for label, figures in results.items():
        print(f"  {label:<26} median {figures['median']:.1f} ms  p95 {figures['p95']:.1f} ms")
    common.save(
        "portal_messages",
        {
            "database": database,
            "results": results,
            "patients": args.patients,
            "threads": args.threads,
        },
    )


if __name__ == "__main__":
    main()
