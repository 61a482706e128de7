"""Benchmark of the CAR-T order lifecycle and its custody ledger (issue 6).

1. Places --orders CAR-T orders on patients of the demo region and walks each one from
   qualification to infusion through the services (each step by its team, the two-person bedside
   check before the infusion); reports the time per step (order row lock, role and lifecycle
   checks, custody coherence, SHA-256 chaining, audit, pathway follow-up).
2. Runs `custody verify` over every chain of the database; reports events verified per second.

    .venv/bin/python bench/custody_ledger.py --database-url postgres://postgres@127.0.0.1:5432/oncoparcours_bench
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

STEPS = [
    ("apheresis_scheduled", "efs"),
    ("collected", "efs"),
    ("shipped_to_manufacturer", "efs"),
    ("in_manufacturing", "pharmacien"),
    ("released", "pharmacien"),
    ("shipped_to_site", "pharmacien"),
    ("received_at_pui", "pharmacien"),
    ("in_cryostorage", "pharmacien"),
    ("dispensed", "pharmacien"),
    ("thawed", "hematologue"),
    ("infused", "hematologue"),
]


def walk(count: int) -> tuple[list[float], list[float]]:
    from django.contrib.auth import get_user_model

    from oncoparcours.celltherapy import catalogue
    from oncoparcours.celltherapy.models import CarTOrder, Tank
    from oncoparcours.celltherapy.services import bedside, orders
    from oncoparcours.celltherapy.services.custody import CustodyDetails
    from oncoparcours.directory.models import Organisation
    from oncoparcours.patients.models import Patient

    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["efs", "pharmacien", "hematologue"])
    }
    hospital = Organisation.objects.get(short_name="CHRU Tours")
    pharmacy = Organisation.objects.get(short_name="PUI CHRU Tours")
    efs_centre = Organisation.objects.get(short_name="EFS Tours")
    tank = Tank.objects.create(
        organisation=pharmacy, name=f"Cuve banc {time.time():.0f}", racks=50, slots_per_rack=100
    )
    patients = list(Patient.objects.exclude(car_t_orders__isnull=False)[:count])
    products = [p.code for p in catalogue.products()]
    everything = {key: True for key, _label in catalogue.eligibility_items()}
    placing, stepping = [], []
    for index, patient in enumerate(patients):
        began = time.perf_counter()
        order = orders.order_create(
            actor=users["hematologue"],
            data=orders.OrderInput(
                patient=patient,
                product=products[index % len(products)],
                indication="banc d'essai",
                eligibility=everything,
                manufacturer_reference=f"BENCH-{index}",
                treating_centre=hospital,
                pharmacy=pharmacy,
                efs_centre=efs_centre,
            ),
        )
        placing.append((time.perf_counter() - began) * 1000)
        positions = tank.positions()
        for target, username in STEPS:
            extra: dict = {}
            if target == "in_cryostorage":
                extra = {"tank": tank, "position": positions[index]}
            if target == "infused":
                bedside.bedside_confirm(
                    order=order,
                    actor=users["hematologue"],
                    identity_confirmed=True,
                    scanned_coi=order.coi,
                )
                bedside.bedside_confirm(
                    order=order,
                    actor=users["pharmacien"],
                    identity_confirmed=True,
                    scanned_coi=order.coi,
                )
            began = time.perf_counter()
            order = orders.order_transition(
                order=order,
                actor=users[username],
                data=orders.TransitionInput(
                    to=target, custody=CustodyDetails(temperature_c=-185.0), **extra
                ),
            )
            stepping.append((time.perf_counter() - began) * 1000)
        if index % 100 == 99:
            print(f"  {index + 1} orders walked", flush=True)
    assert CarTOrder.objects.filter(state="infused").count() >= len(patients)
    return placing, stepping


def verify_all() -> tuple[int, int, float]:
    from oncoparcours.celltherapy.models import CustodyEvent
    from oncoparcours.celltherapy.services.custody import custody_verify_all

    began = time.perf_counter()
    broken = sum(1 for _order, breaks in custody_verify_all() if breaks)
    seconds = time.perf_counter() - began
    return CustodyEvent.objects.count(), broken, seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--data-dir", type=Path, default=common.ROOT / "var" / "bench-custody")
    parser.add_argument("--patients", type=int, default=2000)
    parser.add_argument("--orders", type=int, default=300)
    args = parser.parse_args()
    env = common.environment(args.database_url, args.data_dir)
    print("loading data (once per database)...", flush=True)
    common.ensure_data(env, args.patients)
    database = common.django_setup(env)
    print(f"{database}: walking {args.orders} orders from qualification to infusion...", flush=True)
    placing, stepping = walk(args.orders)
    events, broken, seconds = verify_all()
    rows = {
        "place an order (ms)": common.summary(placing),
        "one lifecycle step (ms)": common.summary(stepping),
    }
    common.print_table(f"{database}, {args.orders} orders", rows)
    rate = events / seconds if seconds else 0.0
    print(
        f"custody verify: {events} events in {seconds:.2f} s "
        f"({rate:,.0f} events/s), {broken} broken"
    )
    record = {
        "benchmark": "custody_ledger",
        "database": database,
        "orders": args.orders,
        "machine": common.machine(),
        "timings": rows,
        "verify": {
            "events": events,
            "seconds": round(seconds, 3),
            "events_per_second": round(rate),
            "broken": broken,
        },
    }
    print(f"saved {common.save('custody_ledger', record)}")


if __name__ == "__main__":
    main()
