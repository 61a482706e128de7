"""``oncoparcours custody verify [--order ID|COI] [--anchor-file PATH] [--read-only]``: recompute
the keyed custody chains and report every altered, unsigned, missing or reordered event, every
chain shorter than or different from its anchored head (truncated, rewritten) and every forged or
deleted anchor. Exit status 1 when anything is broken. A clean full verification is anchored
(table + file) unless ``--read-only`` (used on backups)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncoparcours.celltherapy.models import CarTOrder
from oncoparcours.celltherapy.rules.custody import Break
from oncoparcours.celltherapy.services.custody import custody_verify, custody_verify_all
from oncoparcours.core.anchors import anchor_after_clean_verify, anchors_check

PROBLEMS = {
    "altered": "event altered (its MAC does not match its content: changed, or re-hashed "
    "without the key)",
    "unsigned": "event not signed with a known ledger key",
    "missing": "event(s) missing before this one",
    "reordered": "event out of order",
    "broken_link": "link to the previous event broken",
    "truncated": "events deleted at the end of the chain (shorter than its anchored head)",
    "rewritten": "chain rewritten since it was anchored",
}


class Command(BaseCommand):
    help = "Verify the chain of custody of CAR-T orders (HMAC chaining, anchored heads)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--order", help="an order id or chain-of-identity code")
        parser.add_argument("--anchor-file", help="anchor file to check against")
        parser.add_argument("--read-only", action="store_true", help="verify only: write no anchor")

    def handle(self, *args: Any, **options: Any) -> None:
        orders = CarTOrder.objects.order_by("created_at")
        anchors = anchors_check(path=options["anchor_file"])
        reference = anchors.reference.get("custody", {})
        if options["order"]:
            wanted = options["order"].strip()
            orders = (
                orders.filter(pk=wanted) if _is_uuid(wanted) else orders.filter(coi=wanted.upper())
            )
            if not orders.exists():
                raise CommandError(f"no order {wanted}")
        broken = 0
        checked = 0
        results: Iterator[tuple[uuid.UUID, list[Break]]]
        if options["order"]:
            heads = reference.get("chains", {})
            results = (
                (order.pk, custody_verify(order, heads.get(str(order.pk)))) for order in orders
            )
        else:
            results = custody_verify_all(reference=reference)
        cois = dict(CarTOrder.objects.values_list("pk", "coi"))
        for order_id, breaks in results:
            checked += 1
            if breaks:
                broken += 1
                for item in breaks:
                    self.stdout.write(
                        f"BROKEN {cois.get(order_id, '?')} ({order_id}) event #{item.sequence}: "
                        f"{PROBLEMS[item.problem]}"
                    )
        for problem in anchors.problems:
            self.stdout.write(f"BROKEN {problem}")
        self.stdout.write(
            f"{checked} chain(s) checked, {broken} broken; "
            f"{anchors.table_count} anchor(s) in the table, {anchors.file_count} in the file."
        )
        if broken or anchors.problems:
            raise SystemExit(1)
        if not options["read_only"] and not options["order"]:
            anchor_after_clean_verify(self.stdout.write, path=options["anchor_file"])


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
