"""``oncoparcours custody verify [--order ID|COI]``: recompute the custody chains and report
every altered, missing or reordered event. Exit status 1 when a chain is broken."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncoparcours.celltherapy.models import CarTOrder
from oncoparcours.celltherapy.rules.custody import Break
from oncoparcours.celltherapy.services.custody import custody_verify, custody_verify_all

PROBLEMS = {
    "altered": "event altered (its hash does not match its content)",
    "missing": "event(s) missing before this one",
    "reordered": "event out of order",
    "broken_link": "link to the previous event broken",
}


class Command(BaseCommand):
    help = "Verify the chain of custody of CAR-T orders (SHA-256 chaining)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--order", help="an order id or chain-of-identity code")

    def handle(self, *args: Any, **options: Any) -> None:
        orders = CarTOrder.objects.order_by("created_at")
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
            results = ((order.pk, custody_verify(order)) for order in orders)
        else:
            results = custody_verify_all()
        cois = dict(orders.values_list("pk", "coi"))
        for order_id, breaks in results:
            checked += 1
            if breaks:
                broken += 1
                for item in breaks:
                    self.stdout.write(
                        f"BROKEN {cois.get(order_id, '?')} ({order_id}) event #{item.sequence}: "
                        f"{PROBLEMS[item.problem]}"
                    )
        self.stdout.write(f"{checked} chain(s) checked, {broken} broken.")
        if broken:
            raise SystemExit(1)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
