"""``oncoparcours audit verify [--anchor-file PATH] [--read-only]``: seal the settled audit rows,
then check every row's MAC, every sealed block and the chain of blocks, and compare with the
anchored heads (truncation, deleted rows, rewritten seals, forged or deleted anchors). Exit
status 1 when anything is broken. A clean verification is anchored unless ``--read-only``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from oncoparcours.core.anchors import anchor_after_clean_verify, anchors_check
from oncoparcours.core.audit_chain import audit_seal, audit_verify, describe


class Command(BaseCommand):
    help = "Verify the audit trail (row MACs, sealed blocks, anchored heads)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--anchor-file", help="anchor file to check against")
        parser.add_argument(
            "--read-only", action="store_true", help="verify only: seal and anchor nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["read_only"]:
            sealed = audit_seal()
            if sealed.sealed_rows:
                self.stdout.write(
                    f"Sealed {sealed.sealed_rows} row(s) in {sealed.sealed_blocks} block(s)."
                )
        anchors = anchors_check(path=options["anchor_file"])
        counts, problems = audit_verify(reference=anchors.reference.get("audit"))
        for problem in problems:
            self.stdout.write(f"BROKEN {describe(problem)}")
        for text in anchors.problems:
            self.stdout.write(f"BROKEN {text}")
        self.stdout.write(
            f"{counts['rows']} audit row(s) checked ({counts['unsealed']} not sealed yet), "
            f"{counts['seals']} seal(s), {len(problems) + len(anchors.problems)} problem(s); "
            f"{anchors.table_count} anchor(s) in the table, {anchors.file_count} in the file."
        )
        if problems or anchors.problems:
            raise SystemExit(1)
        if not options["read_only"]:
            anchor_after_clean_verify(self.stdout.write, path=options["anchor_file"])
