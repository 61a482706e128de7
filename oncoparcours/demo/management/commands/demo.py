"""``oncoparcours demo --seed N --patients N``: load the deterministic synthetic demo region."""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from oncoparcours.demo.boards import BoardsDemo
from oncoparcours.demo.care_teams import backdate_joins
from oncoparcours.demo.celltherapy import CellTherapyDemo
from oncoparcours.demo.chairs import ChairsDemo
from oncoparcours.demo.consents import ConsentsDemo
from oncoparcours.demo.fhir import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, register_demo_fhir_client
from oncoparcours.demo.follow_up import AlertFollowUp
from oncoparcours.demo.generator import Generator
from oncoparcours.demo.history import HistoryDemo
from oncoparcours.demo.institutions import DEMO_LOGINS, DEMO_PASSWORD
from oncoparcours.demo.intensive_care import IcuDemo
from oncoparcours.demo.models import DemoDataset
from oncoparcours.demo.monitoring import MonitoringDemo
from oncoparcours.demo.pathways import PathwayDemo, loader_user
from oncoparcours.demo.portal import PortalDemo, portal_logins
from oncoparcours.demo.proms import PromsDemo
from oncoparcours.demo.tours import ToursDemo
from oncoparcours.demo.treatments import TreatmentsDemo
from oncoparcours.demo.trials import TrialsDemo
from oncoparcours.indicators.services import extract_refresh
from oncoparcours.patients.molecular_services import biomarkers_to_structured
from oncoparcours.patients.permissions import system_writes


def refresh_planner_statistics() -> None:
    """After a bulk load the query planner must know the table sizes (and PostgreSQL's
    visibility map must be set for index-only scans)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


class Command(BaseCommand):
    help = "Load the synthetic demo region (idempotent: does nothing if already loaded)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--patients", type=int, default=2000)
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--base-url",
            default="",
            help="address the printed links start with (default: from BIND, as `serve` uses it)",
        )

    def handle(self, *args: Any, seed: int, patients: int, quiet: bool, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "Refusing to load synthetic demo data in production (ONCOPARCOURS_ENV=prod)."
            )
        if not 1 <= patients <= 1_000_000:
            raise CommandError("--patients must be between 1 and 1,000,000.")
        existing = DemoDataset.objects.first()
        if existing is not None:
            if (existing.seed, existing.patients) != (seed, patients):
                raise CommandError(
                    f"This database already holds the demo loaded with --seed {existing.seed} "
                    f"--patients {existing.patients}. Use an empty database (delete var/ or point "
                    "DATABASE_URL elsewhere) to load another one."
                )
            self.stdout.write(f"Demo data already loaded (seed {seed}, {patients} patients).")
            self.print_logins(
                existing.patient_link_token, existing.caregiver_link_token, options["base_url"]
            )
            return
        # The loader stands for no member of the care teams it fills: the whole load writes as the
        # system (``patients/permissions.py`` ``system_writes``: who may change a record is not
        # checked, whichever account a step names as its actor).
        with system_writes():
            token, caregiver_token, elapsed = self.load(seed, patients, quiet)
        self.stdout.write(
            self.style.SUCCESS(f"Demo region loaded: {patients} patients in {elapsed:.1f} s.")
        )
        self.print_logins(token, caregiver_token, options["base_url"])

    def load(self, seed: int, patients: int, quiet: bool) -> tuple[str, str, float]:
        started = time.monotonic()
        generator = Generator(seed=seed, patients=patients)
        generator.run(progress=None if quiet else self.progress)
        # The generated biomarkers become structured molecular results at once (no random draw;
        # nobody notified), so that every later step reads the single source.
        biomarkers_to_structured(actor=loader_user(), notify=False)
        PathwayDemo(seed=seed, scale=min(20.0, patients / 2000)).run()
        # CAR-T orders apply and follow their patients' pathways; the monitoring demos then
        # watch the recent infusions.
        CellTherapyDemo(seed=seed).run()
        token = MonitoringDemo(seed=seed, scale=patients / 2000).run()
        caregiver_token = TreatmentsDemo(seed=seed, scale=patients / 2000).run()
        BoardsDemo(seed=seed).run()
        HistoryDemo(seed=seed).run()
        ConsentsDemo(seed=seed).run()
        TrialsDemo(seed=seed).run()
        PortalDemo(seed=seed).run()
        PromsDemo(seed=seed).run()
        register_demo_fhir_client()
        IcuDemo(seed=seed).run()  # last: its own random, the login listed last
        # The alerts of the past were handled in time: only recent ones stay open (own random).
        AlertFollowUp(seed=seed).run()
        backdate_joins(seed, today=generator.today)
        extract_refresh(actor=None)
        refresh_planner_statistics()
        # Today's nurse tours of the idec's patients, published (issue 18): last, own random.
        ToursDemo(seed=seed).run()
        # Today's chair and apheresis-machine plans (issue 18): after the tours, own random.
        ChairsDemo(seed=seed).run()
        DemoDataset.objects.create(
            seed=seed,
            patients=patients,
            patient_link_token=token,
            caregiver_link_token=caregiver_token,
        )
        if not quiet:
            sys.stderr.write("\n")
        return token, caregiver_token, time.monotonic() - started

    def progress(self, done: int, total: int) -> None:
        width = 40
        filled = int(width * done / total)
        sys.stderr.write(f"\r  patients [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()

    def print_logins(
        self, patient_link_token: str = "", caregiver_link_token: str = "", base_url: str = ""
    ) -> None:
        base_url = (base_url or served_base_url()).rstrip("/")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            person = f"{login.first_name} {login.last_name}"
            self.stdout.write(
                f"  {login.username:<22} {login.role:<20} {person} — {login.function}"
            )
        self.stdout.write(f"  {'admin':<22} {'administrator':<20} Django admin at /admin/")
        if patient_link_token:
            self.stdout.write(
                "\nA demo patient's personal reporting page (open it on a phone-sized window):\n"
                f"  {base_url}/suivi/{patient_link_token}/"
            )
        if caregiver_link_token:
            self.stdout.write(
                "A CAR-T patient's relative's page (the neurological watch after infusion):\n"
                f"  {base_url}/suivi/{caregiver_link_token}/"
            )
        self.stdout.write(
            f"\nFHIR API ({base_url}/fhir/metadata): logged in as above in a browser, or as the "
            f"demo hospital system: POST {base_url}/fhir/auth/token with "
            f"client_id={DEMO_CLIENT_ID}, client_secret={DEMO_CLIENT_SECRET}, "
            "grant_type=client_credentials, scope=system/Patient.rs (see docs/interop.md)."
        )
        logins = portal_logins()
        if logins:
            self.stdout.write(
                f"\nPatient and caregiver portal ({base_url}/portail/): log in with the address "
                "below; the one-time code goes to the demo outbox — SMS as files under "
                f"{settings.NOTIFICATION_OUTBOX_DIR}/sms/, e-mails to the console of "
                "`oncoparcours serve`."
            )
            for access in logins:
                self.stdout.write(f"  {access.address:<36} {access.who}")


def served_base_url() -> str:
    """The address `oncoparcours serve` listens on (its BIND), as a browser reaches it."""
    host, _sep, port = os.environ.get("BIND", "127.0.0.1:8000").rpartition(":")
    if host in ("", "0.0.0.0", "[::]"):  # noqa: S104 (every interface: this machine)
        host = "127.0.0.1"
    return f"http://{host}:{port}"
