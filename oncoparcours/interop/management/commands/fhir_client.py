"""Register a system for the FHIR API (OAuth2 client credentials) or deactivate one.

    oncoparcours fhir_client create --name "DPI CHU" --finess 690781810 \\
        --scope system/Patient.rs --scope system/Condition.rs
    oncoparcours fhir_client deactivate --client-id <id> --reason "contrat terminé"
    oncoparcours fhir_client list
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncoparcours.core.errors import ApplicationError
from oncoparcours.directory.models import Organisation
from oncoparcours.interop import services
from oncoparcours.interop.models import ApiClient


class Command(BaseCommand):
    help = "Register, list or deactivate systems calling the FHIR API."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create")
        create.add_argument("--name", required=True)
        create.add_argument("--finess", action="append", default=[], required=True)
        create.add_argument("--scope", action="append", default=[], required=True)
        create.add_argument(
            "--purpose",
            action="append",
            default=[],
            help="a purpose it may bulk export for (network, evaluation, research, registry); "
            "repeat for several; none: no bulk export",
        )
        create.add_argument(
            "--jwks",
            help="JSON file of the client's public keys: it then signs assertions "
            "(private_key_jwt) instead of using a secret",
        )
        deactivate = actions.add_parser("deactivate")
        deactivate.add_argument("--client-id", required=True)
        deactivate.add_argument("--reason", required=True)
        actions.add_parser("list")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ApplicationError as error:
            raise CommandError(f"{error.field or 'error'}: {error.message}") from None

    def _create(self, options: dict[str, Any]) -> None:
        wanted = options["finess"]
        organisations = list(Organisation.objects.filter(finess__in=wanted))
        missing = sorted(set(wanted) - {o.finess for o in organisations})
        if missing:
            raise CommandError(f"finess: unknown {', '.join(missing)}")
        jwks = None
        if options["jwks"]:
            try:
                jwks = json.loads(Path(options["jwks"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"jwks: cannot read a JSON file ({error})") from None
        new = services.api_client_create(
            actor=None,
            name=options["name"],
            organisations=organisations,
            scopes=options["scope"],
            jwks=jwks,
            export_purposes=options["purpose"],
        )
        self.stdout.write(f"client_id={new.client_id}")
        if new.client_secret:
            self.stdout.write(f"client_secret={new.client_secret}  (shown once, store it now)")
        else:
            self.stdout.write("authentication=private_key_jwt (RS384 or ES384 assertions)")

    def _deactivate(self, options: dict[str, Any]) -> None:
        client = ApiClient.objects.filter(application__client_id=options["client_id"]).first()
        if client is None:
            raise CommandError("client-id: no such client")
        services.api_client_deactivate(actor=None, client=client, reason=options["reason"])
        self.stdout.write(f"{client.name}: deactivated")

    def _list(self, options: dict[str, Any]) -> None:
        for client in ApiClient.objects.select_related("application").prefetch_related(
            "organisations"
        ):
            state = "active" if client.active else "inactive"
            places = ", ".join(o.name for o in client.organisations.all())
            self.stdout.write(
                f"{client.application.client_id}\t{client.name}\t{state}\t"
                f"{' '.join(client.scopes)}\t{places}"
            )
