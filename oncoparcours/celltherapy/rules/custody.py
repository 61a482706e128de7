"""The custody ledger (pure): canonical serialisation and SHA-256 chaining of events, verification
of a chain (altered, missing or reordered events), and coherence of a new event with the
lifecycle (no reception before a shipment, no gap in custody)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
FIELDS = (
    "order",
    "sequence",
    "kind",
    "actor",
    "organisation",
    "holder",
    "place",
    "at",
    "container",
    "seal",
    "temperature_c",
    "logger",
    "note",
)
# Which kinds hand the product to someone else (the only events that may change its holder).
TRANSFERS = frozenset(
    {
        "collected",
        "shipped",
        "received_by_manufacturer",
        "received",
        "dispensed",
        "infused",
        "handover",
    }
)
# A kind that can only follow a given previous kind.
MUST_FOLLOW = {
    "shipped": {"collected", "released", "handover", "inspection"},
    "received_by_manufacturer": {"shipped", "handover", "inspection"},
    "received": {"shipped", "handover", "inspection"},
    "stored": {"received", "inspection"},
    "dispensed": {"stored", "inspection"},
    "thawed": {"dispensed", "inspection"},
    "infused": {"thawed"},
}
PHYSICAL_TEMPERATURE = (-273.15, 60.0)


def canonical(event: dict[str, Any]) -> bytes:
    payload = {key: event.get(key) for key in FIELDS}
    return json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode("utf-8")


def event_hash(event: dict[str, Any], previous_hash: str) -> str:
    return hashlib.sha256(previous_hash.encode("ascii") + canonical(event)).hexdigest()


@dataclass(frozen=True)
class Break:
    sequence: int
    problem: str  # altered | missing | reordered | broken_link


def verify(events: Sequence[dict[str, Any]]) -> list[Break]:
    """``events`` as stored (ordered by id), each with ``sequence``, ``prev_hash``, ``hash``."""
    breaks: list[Break] = []
    previous_hash, expected_sequence, previous_at = GENESIS, 1, None
    for event in events:
        sequence = event["sequence"]
        if sequence != expected_sequence:
            breaks.append(
                Break(sequence, "missing" if sequence > expected_sequence else "reordered")
            )
        if event["prev_hash"] != previous_hash:
            breaks.append(Break(sequence, "broken_link"))
        if event_hash(event, event["prev_hash"]) != event["hash"]:
            breaks.append(Break(sequence, "altered"))
        if previous_at is not None and str(event["at"]) < str(previous_at):
            breaks.append(Break(sequence, "reordered"))
        previous_hash, expected_sequence, previous_at = event["hash"], sequence + 1, event["at"]
    return breaks


def coherence_problem(kind: str, previous: dict[str, Any] | None, organisation: str) -> str | None:
    """Why a new event recorded by ``organisation`` cannot follow ``previous`` (which carries
    the ``holder`` after it), or None."""
    if previous is None:
        return None if kind == "collected" else "first_must_be_collection"
    if previous["kind"] in ("infused", "quarantined") and kind != "inspection":
        return "closed"
    allowed = MUST_FOLLOW.get(kind)
    if allowed is not None and previous["kind"] not in allowed:
        return "out_of_order"
    if kind not in TRANSFERS and previous.get("holder") not in (organisation, "courier"):
        return "gap"
    return None


def temperature_problem(value: float | None) -> str | None:
    if value is None:
        return None
    low, high = PHYSICAL_TEMPERATURE
    return None if low <= value <= high else "out_of_range"
