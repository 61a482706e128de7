"""``oncoparcours custody verify [--order ID|COI]``: recompute the custody chains and report
every altered, missing or reordered event. Exit status 1 when a chain is broken."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncoparcours.celltherapy.models import CarTOrder
from oncoparcours.celltherapy.services.custody import custody_verify

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
        for order in orders.iterator():
            checked += 1
            breaks = custody_verify(order)
            if breaks:
                broken += 1
                for item in breaks:
                    self.stdout.write(
                        f"BROKEN {order.coi} ({order.pk}) event #{item.sequence}: "
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
