"""The custody ledger (pure): canonical serialisation and keyed chaining of events
(HMAC-SHA256 under a ledger key kept outside the database; the key id is stored on each event),
verification of a chain (altered, unsigned, missing or reordered events, and truncation or
rewriting against an anchored head), and coherence of a new event with the
lifecycle (no reception before a shipment, no gap in custody, nothing after a quarantine but the
benefit-risk decision that releases the product)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
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
# Decisions about the product rather than handling: recorded by whoever decides, whoever holds it.
DECISIONS = frozenset({"oos_accepted"})
# A kind that can only follow a given previous kind.
MUST_FOLLOW = {
    "cryopreserved": {"collected", "handover", "inspection"},
    "shipped": {"collected", "cryopreserved", "released", "handover", "inspection"},
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
    """The unkeyed SHA-256 link used before the ledger was keyed (kept to upgrade old chains)."""
    return hashlib.sha256(previous_hash.encode("ascii") + canonical(event)).hexdigest()


def event_mac(event: dict[str, Any], previous_hash: str, key: bytes) -> str:
    return hmac.new(
        key, previous_hash.encode("ascii") + canonical(event), hashlib.sha256
    ).hexdigest()


@dataclass(frozen=True)
class Break:
    sequence: int
    problem: str  # altered | unsigned | missing | reordered | broken_link | truncated | rewritten


def verify(events: Sequence[dict[str, Any]], keys: Mapping[str, bytes]) -> list[Break]:
    """``events`` as stored (ordered by id), each with ``sequence``, ``prev_hash``, ``hash`` and
    ``key_id``; ``keys`` maps key ids to ledger keys."""
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
        key = keys.get(event.get("key_id") or "")
        if key is None:
            breaks.append(Break(sequence, "unsigned"))
        elif not hmac.compare_digest(event_mac(event, event["prev_hash"], key), event["hash"]):
            breaks.append(Break(sequence, "altered"))
        if previous_at is not None and str(event["at"]) < str(previous_at):
            breaks.append(Break(sequence, "reordered"))
        previous_hash, expected_sequence, previous_at = event["hash"], sequence + 1, event["at"]
    return breaks


def against_anchor(events: Sequence[dict[str, Any]], anchored: Sequence[Any] | None) -> list[Break]:
    """A chain against its anchored ``[length, head]``: fewer events (truncated) or another event
    where the anchored head was (rewritten)."""
    if not anchored:
        return []
    length, head = int(anchored[0]), anchored[1]
    at_length = [event for event in events if event["sequence"] == length]
    if not at_length:
        return [Break(length, "truncated")]
    if at_length[-1]["hash"] != head:
        return [Break(length, "rewritten")]
    return []


def coherence_problem(
    kind: str, history: Sequence[dict[str, Any]], organisation: str
) -> str | None:
    """Why a new event recorded by ``organisation`` cannot follow the chain ``history`` (its
    events in order, each with ``kind`` and the ``holder`` after it), or None.

    After a quarantine only inspections and the benefit-risk decision that accepts the product
    (``oos_accepted``) may follow; after that decision the chain resumes as if it followed the last
    event before the quarantine."""
    if not history:
        return None if kind == "collected" else "first_must_be_collection"
    previous = history[-1]
    significant = [event for event in history if event["kind"] != "inspection"] or [previous]
    last = significant[-1]
    if last["kind"] == "quarantined":
        if kind == "oos_accepted":
            return None
        if kind != "inspection":
            return "closed"
    elif kind == "oos_accepted":
        return "out_of_order"
    if last["kind"] == "infused" and kind != "inspection":
        return "closed"
    reference = previous
    if previous["kind"] == "oos_accepted":
        quarantine = max(i for i, e in enumerate(significant) if e["kind"] == "quarantined")
        reference = significant[quarantine - 1] if quarantine > 0 else previous
    allowed = MUST_FOLLOW.get(kind)
    if allowed is not None and reference["kind"] not in allowed:
        return "out_of_order"
    if (
        kind not in TRANSFERS
        and kind not in DECISIONS
        and previous.get("holder") not in (organisation, "courier")
    ):
        return "gap"
    return None


def temperature_problem(value: float | None) -> str | None:
    if value is None:
        return None
    low, high = PHYSICAL_TEMPERATURE
    return None if low <= value <= high else "out_of_range"
