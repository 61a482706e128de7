"""``oncoparcours ledger rotate-key|seal|anchor``: ledger key rotation (appends a new key to the
key file; it signs from now on, older keys keep verifying), sealing of the audit trail and
anchoring of every ledger's heads on demand (the worker does both every 5 minutes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncoparcours.core.anchors import AnchorRefused, anchor_write
from oncoparcours.core.audit_chain import audit_seal
from oncoparcours.core.ledger_keys import default_key_file, rotate_key_file


class Command(BaseCommand):
    help = "Ledger keys, audit sealing and anchors."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rotate-key", "seal", "anchor"])
        parser.add_argument("--key-file", help="key file to rotate (default: the configured one)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "rotate-key":
            self._rotate(options["key_file"])
        elif action == "seal":
            result = audit_seal()
            self.stdout.write(
                f"Sealed {result.sealed_rows} row(s) in {result.sealed_blocks} block(s)."
            )
            if result.refused_at is not None:
                raise CommandError(f"audit row {result.refused_at} does not verify; not sealed")
        else:
            try:
                anchor = anchor_write()
            except AnchorRefused as refusal:
                raise CommandError(f"anchor refused: {refusal}") from refusal
            self.stdout.write(f"Anchored as #{anchor.sequence}." if anchor else "Nothing done.")

    def _rotate(self, key_file: str | None) -> None:
        if not key_file and settings.LEDGER_KEYS:
            raise CommandError(
                "Keys come from ONCOPARCOURS_LEDGER_KEYS: append a new 'kid:base64key' entry at "
                "its end (the last key signs; keep the older ones). See docs/ledgers.md."
            )
        path = Path(key_file or settings.LEDGER_KEY_FILE or default_key_file())
        kid = rotate_key_file(path)
        self.stdout.write(f"New ledger key {kid} appended to {path}; it signs from now on.")
