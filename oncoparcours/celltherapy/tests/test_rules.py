"""Lifecycle, identifiers, custody chain, capacity and figures — pure rules."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncoparcours.celltherapy.rules import capacity, custody, figures, identifiers, lifecycle


def test_the_lifecycle_is_a_single_forward_line_with_exits():
    state, path = "qualified", ["qualified"]
    while state in lifecycle.FORWARD:
        state = lifecycle.FORWARD[state].to
        path.append(state)
    assert path[-1] == "infused" and len(path) == 12
    assert lifecycle.step_for("shipped_to_site", "in_cryostorage") is None  # no skipping
    assert lifecycle.step_for("received_at_pui", "in_cryostorage").roles == {"pharmacist"}
    assert "out_of_specification" not in lifecycle.allowed_next("collected")
    assert "cancelled" not in lifecycle.allowed_next("infused")
    assert lifecycle.allowed_next("released") == [
        "shipped_to_site",
        "cancelled",
        "out_of_specification",
    ]


@pytest.mark.parametrize(
    ("data", "check"),
    [
        # Worked examples of ISO/IEC 7064 MOD 37-2 (ISBT 128 DIN check characters).
        ("G123412345678", None),
        ("A999926123456", None),
    ],
)
def test_mod37_2_is_stable_and_detects_any_single_substitution(data, check):
    computed = identifiers.mod37_2(data)
    assert computed == identifiers.mod37_2(data)
    for index in range(len(data)):
        for replacement in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ":
            if replacement != data[index]:
                changed = data[:index] + replacement + data[index + 1 :]
                assert identifiers.mod37_2(changed) != computed


def test_mod37_2_meets_the_iso_7064_equation():
    # Pure system, r = 2, M = 37: sum(a_i * 2^(n-i+1)) + check ≡ 1 (mod 37).
    for data in ("W123426123456", "A000000000000", "ZZZZZ99999999"):
        check = identifiers.ALPHABET.index(identifiers.mod37_2(data))
        weighted = sum(
            identifiers.ALPHABET.index(c) * pow(2, len(data) - i, 37) for i, c in enumerate(data)
        )
        assert (weighted + check) % 37 == 1


@given(st.text(alphabet="0123456789", min_size=4, max_size=4))
def test_din_validation(sequence):
    data = "W1234" + "26" + "12" + sequence
    check = identifiers.mod37_2(data)
    assert identifiers.din_problem(f"{data}00{check}") is None
    assert identifiers.din_problem(data) == "missing_check"
    wrong = identifiers.ALPHABET[(identifiers.ALPHABET.index(check) + 1) % 37]
    assert identifiers.din_problem(f"{data}{wrong}") == "check"


def test_coi_codes_carry_their_own_check():
    coi = identifiers.new_coi("TRS")
    assert identifiers.coi_problem(coi) is None
    tampered = coi[:-3] + ("X" if coi[-3] != "X" else "Y") + coi[-2:]
    assert identifiers.coi_problem(tampered) == "check"
    assert identifiers.coi_problem("COI-12") == "format"


KEYS = {"k1": b"k" * 32}


def chain(*kinds: str) -> list[dict]:
    events, previous = [], custody.GENESIS
    for index, kind in enumerate(kinds, start=1):
        event = {
            "order": "o1",
            "sequence": index,
            "kind": kind,
            "actor": "u",
            "organisation": "efs",
            "holder": "efs",
            "place": "",
            "container": "",
            "seal": "",
            "temperature_c": -180.0,
            "logger": "",
            "note": "",
            "at": f"2026-01-0{index}T10:00:00+00:00",
        }
        event["prev_hash"] = previous
        event["key_id"] = "k1"
        event["hash"] = custody.event_mac(event, previous, KEYS["k1"])
        previous = event["hash"]
        events.append(event)
    return events


def test_an_intact_chain_verifies_and_any_change_is_caught():
    events = chain("collected", "shipped", "received_by_manufacturer")
    assert custody.verify(events, KEYS) == []
    altered = [dict(e) for e in events]
    altered[1]["seal"] = "SEAL-FORGED"
    assert [b.problem for b in custody.verify(altered, KEYS)] == ["altered"]
    missing = [events[0], events[2]]
    assert {b.problem for b in custody.verify(missing, KEYS)} == {"missing", "broken_link"}
    swapped = [events[0], events[2], events[1]]
    assert "reordered" in {b.problem for b in custody.verify(swapped, KEYS)}


def test_a_chain_re_hashed_without_the_key_or_under_an_unknown_key_is_caught():
    events = chain("collected", "shipped")
    rehashed, previous = [], custody.GENESIS
    for event in events:  # the attacker's plain SHA-256 chain
        forged = {**event, "prev_hash": previous}
        forged["hash"] = custody.event_hash(forged, previous)
        rehashed.append(forged)
        previous = forged["hash"]
    assert {b.problem for b in custody.verify(rehashed, KEYS)} == {"altered"}
    assert {b.problem for b in custody.verify(events, {"k2": b"x" * 32})} == {"unsigned"}


def test_a_chain_shorter_than_or_different_from_its_anchor_is_caught():
    events = chain("collected", "shipped", "received_by_manufacturer")
    head = [3, events[2]["hash"]]
    assert custody.against_anchor(events, head) == []
    assert [b.problem for b in custody.against_anchor(events[:2], head)] == ["truncated"]
    other = chain("collected", "shipped", "received")
    assert [b.problem for b in custody.against_anchor(other, head)] == ["rewritten"]


def test_coherence_of_a_new_event():
    collected = [{"kind": "collected", "holder": "efs"}]
    assert custody.coherence_problem("received", [], "pui") == "first_must_be_collection"
    assert custody.coherence_problem("received", collected, "pui") == "out_of_order"
    assert custody.coherence_problem("inspection", collected, "pui") == "gap"
    assert custody.coherence_problem("inspection", collected, "efs") is None
    assert custody.coherence_problem("shipped", collected, "efs") is None
    assert custody.temperature_problem(-400) == "out_of_range"
    assert custody.temperature_problem(-196) is None


def test_cryopreservation_follows_the_collection_and_precedes_the_shipment():
    collected = [{"kind": "collected", "holder": "efs"}]
    assert custody.coherence_problem("cryopreserved", collected, "efs") is None
    assert custody.coherence_problem("cryopreserved", collected, "pui") == "gap"
    frozen = [*collected, {"kind": "cryopreserved", "holder": "efs"}]
    assert custody.coherence_problem("shipped", frozen, "efs") is None
    shipped = [*frozen, {"kind": "shipped", "holder": "courier"}]
    assert custody.coherence_problem("cryopreserved", shipped, "efs") == "out_of_order"


def test_after_a_quarantine_only_the_benefit_risk_decision_reopens_the_chain():
    stored = [
        {"kind": "received", "holder": "pui"},
        {"kind": "stored", "holder": "pui"},
        {"kind": "quarantined", "holder": "pui"},
    ]
    assert custody.coherence_problem("dispensed", stored, "pui") == "closed"
    assert custody.coherence_problem("inspection", stored, "pui") is None
    inspected = [*stored, {"kind": "inspection", "holder": "pui"}]
    # Recorded by the treating centre although the pharmacy holds the product: a decision.
    assert custody.coherence_problem("oos_accepted", inspected, "ward") is None
    accepted = [*inspected, {"kind": "oos_accepted", "holder": "pui"}]
    # The chain resumes after the last event before the quarantine (stored → dispensed).
    assert custody.coherence_problem("dispensed", accepted, "pui") is None
    assert custody.coherence_problem("thawed", accepted, "ward") == "out_of_order"
    # Without a quarantine there is nothing to accept.
    assert custody.coherence_problem("oos_accepted", stored[:2], "ward") == "out_of_order"


def test_booking_overlap_and_opening_hours():
    day = dt.datetime(2026, 11, 24, 8, 0)  # a Tuesday
    assert capacity.overlaps(
        day, day + dt.timedelta(hours=4), day + dt.timedelta(hours=3), day + dt.timedelta(hours=5)
    )
    assert not capacity.overlaps(
        day, day + dt.timedelta(hours=4), day + dt.timedelta(hours=4), day + dt.timedelta(hours=5)
    )
    hours = {"1": ["07:30", "17:00"]}
    assert capacity.within_hours(day, day + dt.timedelta(hours=4), hours)
    assert not capacity.within_hours(day, day + dt.timedelta(hours=10), hours)
    assert not capacity.within_hours(
        day + dt.timedelta(days=1), day + dt.timedelta(days=1, hours=1), hours
    )


def test_a_bed_warning_when_the_unit_is_full_during_monitoring():
    infusion = dt.date(2026, 12, 1)
    stays = [capacity.Stay(dt.date(2026, 11, 25), dt.date(2026, 12, 5)) for _ in range(7)]
    assert capacity.bed_warning(8, stays, infusion) is None
    stays.append(capacity.Stay(dt.date(2026, 12, 3), None))
    assert capacity.bed_warning(8, stays, infusion) == (dt.date(2026, 12, 3), 8)


def test_figures_by_manufacturer():
    base = dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC)
    orders = [
        figures.OrderDates(
            "Kite",
            "infused",
            collected=base,
            released=base + dt.timedelta(days=17),
            stored=base + dt.timedelta(days=19),
            dispensed=base + dt.timedelta(days=26),
            infused=base + dt.timedelta(days=26),
        ),
        figures.OrderDates("Kite", "out_of_specification", collected=base),
        figures.OrderDates("Novartis", "in_manufacturing", collected=base),
    ]
    kite, novartis = figures.by_manufacturer(orders)
    assert (kite.orders, kite.median_apheresis_to_release, kite.median_vein_to_vein) == (
        2,
        17.0,
        26.0,
    )
    assert kite.median_cryostorage == 7.0
    assert (kite.out_of_specification, kite.out_of_specification_rate) == (1, 0.5)
    assert novartis.out_of_specification_rate is None


def test_an_accepted_out_of_specification_product_still_counts_as_out_of_specification():
    base = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    accepted = figures.OrderDates(
        "Kite",
        "infused",
        collected=base,
        released=base + dt.timedelta(days=30),
        infused=base + dt.timedelta(days=40),
        quarantined=base + dt.timedelta(days=20),
    )
    clean = figures.OrderDates("Kite", "infused", collected=base, released=base)
    (kite,) = figures.by_manufacturer([accepted, clean])
    assert (kite.out_of_specification, kite.out_of_specification_rate) == (1, 0.5)
