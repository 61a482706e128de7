"""The keyed audit trail: each row carries an HMAC of its own content (written without any lock,
so concurrent requests never wait on a chain head), and a sealing step chains consecutive id
ranges into blocks: HMAC(key, previous block MAC + range + each row's id and MAC).

Sealing runs in the worker (periodic task) and before each verification. A row is sealed only
once every transaction that could still commit a smaller id has ended (see ``settled_max_id``), so
late-committing rows never land inside a sealed range. Rows in a sealed range that are deleted,
inserted or changed later break the block's MAC; the tail not yet sealed is protected by the row
MACs and by the anchors (row count and highest id, see core.anchors). Details: docs/ledgers.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from .ledger_keys import LedgerKeys, ledger_keys
from .models import AuditEvent, AuditSeal

GENESIS = "0" * 64
BLOCK_ROWS = 5000
ROW_FIELDS = (
    "id",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "patient_id",
    "object_type",
    "object_id",
    "reason",
    "break_glass",
    "request_id",
    "ip",
    "path",
    "details",
    "key_id",
    "mac",
)


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def row_payload(row: dict[str, Any]) -> bytes:
    """The signed content of an audit row, identical whether built from the instance being
    inserted or from the row read back (either vendor)."""
    at = row["at"]
    patient = row["patient_id"]
    payload = {
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": _text(row["actor_id"]),
        "actor_label": row["actor_label"],
        "action": row["action"],
        "patient": str(uuid.UUID(str(patient))) if patient else None,
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "reason": row["reason"],
        "break_glass": bool(row["break_glass"]),
        "request_id": row["request_id"],
        "ip": _text(row["ip"]),
        "path": row["path"],
        "details": row["details"],
        "key_id": row["key_id"],
    }
    return json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode("utf-8")


def sign_row(event: AuditEvent, keys: LedgerKeys | None = None) -> None:
    """Sign with ``keys`` (the ledger keys of now when not given: a batch reads them once)."""
    keys = keys or ledger_keys()
    event.key_id = keys.current_id
    ip_field = AuditEvent._meta.get_field("ip")
    row = {name: getattr(event, name) for name in ROW_FIELDS if name not in ("id", "mac")}
    row["ip"] = ip_field.get_prep_value(event.ip)
    _, event.mac = keys.sign(row_payload(row), event.key_id)


def row_entry(row: dict[str, Any]) -> str:
    """What a block MAC covers for one row: its stored MAC, or for rows written before the audit
    trail was keyed, the SHA-256 of their content (then only the block's HMAC protects them)."""
    if row["key_id"]:
        return f"{row['id']}:{row['mac']};"
    return f"{row['id']}:legacy:{hashlib.sha256(row_payload(row)).hexdigest()};"


def block_message(
    sequence: int, first_id: int, last_id: int, rows: int, prev_mac: str, entries: list[str]
) -> bytes:
    head = f"audit-seal|{sequence}|{first_id}|{last_id}|{rows}|{prev_mac}|"
    return (head + "".join(entries)).encode("utf-8")


def row_is_valid(keys: LedgerKeys, row: dict[str, Any]) -> bool:
    return keys.check(row["key_id"], row_payload(row), row["mac"])


def settled_max_id(now: dt.datetime | None = None) -> int:
    """The highest id below which no row can still appear.

    SQLite serialises writers, so a committed id is always above every id already visible. On
    PostgreSQL a transaction may take id N and commit after N+1: only rows older (by ``at``) than
    the grace period *and* than the start of every transaction still open in this database are
    sealed; a transaction that took a smaller id is still open, so its rows are younger than
    that."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.LEDGER_SEAL_GRACE_SECONDS)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
            )
            oldest = cursor.fetchone()[0]
        if oldest is not None:
            grace = dt.timedelta(seconds=settings.LEDGER_SEAL_GRACE_SECONDS)
            cutoff = min(cutoff, oldest - grace)
        found = AuditEvent.objects.filter(at__lt=cutoff).aggregate(top=Max("id"))["top"]
        return int(found or 0)
    return int(AuditEvent.objects.aggregate(top=Max("id"))["top"] or 0)


@dataclass(frozen=True)
class SealResult:
    sealed_blocks: int
    sealed_rows: int
    refused_at: int | None  # id of the first row whose MAC does not verify (nothing sealed past)


def _rows(after: int, upto: int) -> Iterator[dict[str, Any]]:
    return (
        AuditEvent.objects.filter(id__gt=after, id__lte=upto)
        .order_by("id")
        .values(*ROW_FIELDS)
        .iterator(chunk_size=BLOCK_ROWS)
    )


def audit_seal(*, now: dt.datetime | None = None) -> SealResult:
    """Seal every settled audit row not sealed yet, in blocks of ``BLOCK_ROWS``. Never seals past
    a row whose own MAC does not verify (that row stays for verification to report)."""
    keys = ledger_keys()
    try:
        with transaction.atomic():
            return _seal(keys, settled_max_id(now))
    except IntegrityError:  # another worker sealed the same range first
        return SealResult(0, 0, None)


def _seal(keys: LedgerKeys, upto: int) -> SealResult:
    head = AuditSeal.objects.order_by("-sequence").first()
    after = head.last_id if head else 0
    sequence = head.sequence if head else 0
    prev_mac = head.mac if head else GENESIS
    blocks = sealed = 0
    entries: list[str] = []
    last_id = after
    refused: int | None = None

    def close_block() -> None:
        nonlocal sequence, prev_mac, blocks, sealed, entries, after
        sequence += 1
        message = block_message(sequence, after + 1, last_id, len(entries), prev_mac, entries)
        kid, mac = keys.sign(message)
        AuditSeal(
            sequence=sequence,
            first_id=after + 1,
            last_id=last_id,
            rows=len(entries),
            prev_mac=prev_mac,
            key_id=kid,
            mac=mac,
        ).save()
        prev_mac, after = mac, last_id
        blocks, sealed, entries = blocks + 1, sealed + len(entries), []

    for row in _rows(after, upto):
        if not row_is_valid(keys, row):
            refused = row["id"]
            break
        entries.append(row_entry(row))
        last_id = row["id"]
        if len(entries) >= BLOCK_ROWS:
            close_block()
    if entries:
        close_block()
    return SealResult(blocks, sealed, refused)


@dataclass(frozen=True)
class AuditProblem:
    where: str
    problem: str  # altered | unsigned | deleted | inserted | forged_seal | missing_seal
    # | truncated | rewritten


def audit_verify(
    *, reference: dict[str, Any] | None = None
) -> tuple[dict[str, int], list[AuditProblem]]:
    """Check every row MAC, every sealed block and the chain of blocks, then compare with the
    anchored state ``reference`` (``{"seals", "head", "max_id", "rows"}``) when given."""
    keys = ledger_keys()
    problems: list[AuditProblem] = []
    seals = list(AuditSeal.objects.order_by("sequence"))
    rows = AuditEvent.objects.order_by("id").values(*ROW_FIELDS).iterator(chunk_size=BLOCK_ROWS)
    counts = {"rows": 0, "seals": len(seals), "unsealed": 0}
    pending: dict[str, Any] | None = next(rows, None)
    prev_mac, previous_last = GENESIS, 0
    for expected, seal in enumerate(seals, start=1):
        where = f"seal #{seal.sequence} (ids {seal.first_id}–{seal.last_id})"
        if seal.sequence != expected or seal.first_id != previous_last + 1:
            problems.append(AuditProblem(where, "missing_seal"))
        entries: list[str] = []
        while pending is not None and pending["id"] <= seal.last_id:
            counts["rows"] += 1
            _check_row(keys, pending, problems, sealed=True)
            entries.append(row_entry(pending))
            pending = next(rows, None)
        message = block_message(
            seal.sequence, seal.first_id, seal.last_id, seal.rows, seal.prev_mac, entries
        )
        if seal.prev_mac != prev_mac:
            problems.append(AuditProblem(where, "missing_seal"))
        if not keys.check(seal.key_id, message, seal.mac):
            problems.append(AuditProblem(where, _seal_problem(keys, seal, len(entries))))
        prev_mac, previous_last = seal.mac, seal.last_id
    while pending is not None:
        counts["rows"] += 1
        counts["unsealed"] += 1
        _check_row(keys, pending, problems, sealed=False)
        pending = next(rows, None)
    if reference:
        problems.extend(_against_anchor(reference, seals))
    return counts, problems


def _seal_problem(keys: LedgerKeys, seal: AuditSeal, found: int) -> str:
    if seal.key_id not in keys.keys:
        return "forged_seal"
    if found < seal.rows:
        return "deleted"
    if found > seal.rows:
        return "inserted"
    return "altered"  # rows changed, moved to other ids, or the seal itself edited


def _check_row(
    keys: LedgerKeys, row: dict[str, Any], problems: list[AuditProblem], *, sealed: bool
) -> None:
    where = f"audit row {row['id']}"
    if not row["key_id"]:
        if not sealed:
            problems.append(AuditProblem(where, "unsigned"))
        return
    if row["key_id"] not in keys.keys:
        problems.append(AuditProblem(where, "unsigned"))
    elif not row_is_valid(keys, row):
        problems.append(AuditProblem(where, "altered"))


def audit_head() -> dict[str, Any]:
    """The state anchored for the audit trail."""
    head = AuditSeal.objects.order_by("-sequence").first()
    top = AuditEvent.objects.aggregate(top=Max("id"))["top"] or 0
    rows = AuditEvent.objects.filter(id__lte=top).aggregate(n=Count("id"))["n"]
    return {
        "seals": head.sequence if head else 0,
        "head": head.mac if head else GENESIS,
        "max_id": int(top),
        "rows": int(rows),
    }


PROBLEMS = {
    "altered": (
        "altered (its MAC does not match its content: changed, or re-hashed without the key)"
    ),
    "unsigned": "not signed with a known ledger key",
    "deleted": "rows deleted",
    "inserted": "rows inserted after sealing",
    "forged_seal": "seal signed with an unknown key (forged)",
    "missing_seal": "seal missing or out of sequence",
    "truncated": "truncated (the anchored rows or seals are gone)",
    "rewritten": "rewritten since it was anchored",
}


def describe(problem: AuditProblem) -> str:
    return f"{problem.where}: {PROBLEMS[problem.problem]}"


def audit_compare(reference: dict[str, Any]) -> list[str]:
    """The audit trail against its anchored state (for anchoring and verification)."""
    if not reference:
        return []
    seals = list(AuditSeal.objects.order_by("sequence"))
    return [describe(problem) for problem in _against_anchor(reference, seals)]


def _against_anchor(reference: dict[str, Any], seals: list[AuditSeal]) -> list[AuditProblem]:
    problems = []
    anchored_seals = int(reference.get("seals", 0))
    by_sequence = {seal.sequence: seal for seal in seals}
    if anchored_seals and anchored_seals not in by_sequence:
        problems.append(AuditProblem(f"seal #{anchored_seals} (anchored)", "truncated"))
    elif anchored_seals and by_sequence[anchored_seals].mac != reference.get("head"):
        problems.append(AuditProblem(f"seal #{anchored_seals} (anchored)", "rewritten"))
    top = int(reference.get("max_id", 0))
    current_top = AuditEvent.objects.aggregate(top=Max("id"))["top"] or 0
    if current_top < top:
        problems.append(AuditProblem(f"audit rows up to id {top} (anchored)", "truncated"))
    else:
        rows = AuditEvent.objects.filter(id__lte=top).count()
        if rows < int(reference.get("rows", 0)):
            problems.append(AuditProblem(f"audit rows up to id {top} (anchored)", "deleted"))
    return problems
