"""Import an mCODE patient bundle (FHIR R4 JSON) as a professional of the care team; prints the
OperationOutcome (every entry: created, updated, unchanged, not kept or refused). All or
nothing: exit status 1 and nothing written when an entry is refused.

    oncoparcours fhir_import bundle.json --as oncologue --source https://dpi.chu.fr/fhir
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncoparcours.core.models import User
from oncoparcours.interop.importing import ImportRefused, bundle_import


class Command(BaseCommand):
    help = "Import an mCODE patient bundle (all or nothing) as a professional of the care team."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="username", required=True)
        parser.add_argument("--source", required=True, help="the sending system")
        parser.add_argument("--confirm-homonyms", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["username"], is_active=True).first()
        if actor is None:
            raise CommandError(f"--as: no active user {options['username']!r}")
        try:
            bundle = json.loads(options["file"].read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"file: {error}") from None
        try:
            result = bundle_import(
                actor=actor,
                bundle=bundle,
                source=options["source"],
                homonym_confirmed=options["confirm_homonyms"],
            )
        except ImportRefused as refused:
            self.stdout.write(json.dumps(refused.outcome, ensure_ascii=False, indent=1))
            raise CommandError("bundle refused: nothing was imported") from None
        self.stdout.write(json.dumps(result.outcome, ensure_ascii=False, indent=1))
