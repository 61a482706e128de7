"""Anchors: signed checkpoints of the heads of every ledger, written to the ``LedgerAnchor``
table AND appended to a file outside the database (``settings.LEDGER_ANCHOR_FILE``), so that
deleting the last events of a ledger (truncation) is detected even when the attacker rewrites
the database's own anchors.

Ledgers register how to read their heads (``register_ledger``): a dict of summary figures, and
optionally ``"chains"`` (chain id → [length, head MAC]). Only chains that changed since the
previous anchor are written; the reference state is all valid anchors folded in sequence order.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .ledger_keys import LedgerKeys, ledger_keys
from .models import LedgerAnchor


@dataclass(frozen=True)
class Ledger:
    heads: Callable[[], dict[str, Any]]
    # Problems of the current database against the anchored state of this ledger.
    compare: Callable[[dict[str, Any]], list[str]]


_ledgers: dict[str, Ledger] = {}


def register_ledger(
    name: str,
    *,
    heads: Callable[[], dict[str, Any]],
    compare: Callable[[dict[str, Any]], list[str]],
) -> None:
    _ledgers[name] = Ledger(heads, compare)


class AnchorRefused(Exception):
    """The database went backwards since the last anchor: it is not anchored (verify reports)."""


def registered_ledgers() -> list[str]:
    return sorted(_ledgers)


def _message(sequence: int, at: str, state: dict[str, Any]) -> bytes:
    body = {"sequence": sequence, "at": at, "state": state}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def anchor_file(path: str | Path | None = None) -> Path | None:
    chosen = settings.LEDGER_ANCHOR_FILE if path is None else path
    return Path(chosen) if chosen else None


def fold(states: list[dict[str, Any]]) -> dict[str, Any]:
    """Later anchors override summaries; chains accumulate."""
    folded: dict[str, Any] = {}
    for state in states:
        for ledger, figures in state.items():
            current = folded.setdefault(ledger, {})
            chains = current.get("chains", {})
            chains.update(figures.get("chains", {}))
            current.update({k: v for k, v in figures.items() if k != "chains"})
            if "chains" in figures or chains:
                current["chains"] = chains
    return folded


def anchor_write(*, path: str | Path | None = None) -> LedgerAnchor | None:
    """Checkpoint every registered ledger's heads (table + file). None when another process
    wrote the same sequence first. Refused (``AnchorRefused``) when a ledger is behind its last
    anchor: anchoring a truncated ledger would hide the truncation."""
    keys = ledger_keys()
    check = anchors_check(path=path)
    behind = [
        problem
        for name in registered_ledgers()
        for problem in _ledgers[name].compare(check.reference.get(name, {}))
    ]
    if behind or check.problems:
        raise AnchorRefused("; ".join([*check.problems, *behind]))
    try:
        with transaction.atomic():
            previous = list(LedgerAnchor.objects.order_by("sequence"))
            folded = fold([anchor.state for anchor in previous])
            state = {}
            for name in registered_ledgers():
                heads = _ledgers[name].heads()
                if "chains" in heads:
                    known = folded.get(name, {}).get("chains", {})
                    heads["chains"] = {
                        chain: head
                        for chain, head in heads["chains"].items()
                        if known.get(chain) != head
                    }
                state[name] = heads
            sequence = previous[-1].sequence + 1 if previous else 1
            at = timezone.now()
            kid, mac = keys.sign(_message(sequence, at.isoformat(), state))
            anchor = LedgerAnchor(sequence=sequence, at=at, state=state, key_id=kid, mac=mac)
            anchor.save()
            _append_line(anchor, anchor_file(path))
    except IntegrityError:
        return None
    return anchor


def anchor_after_clean_verify(write: Callable[[str], Any], *, path: str | Path | None) -> None:
    """What `custody verify` and `audit verify` do once the ledgers check out: checkpoint their
    heads, or exit 1 when the anchor is refused (a ledger went backwards)."""
    try:
        anchor = anchor_write(path=path)
    except AnchorRefused as refusal:
        write(f"BROKEN anchor refused: {refusal}")
        raise SystemExit(1) from refusal
    if anchor is not None:
        write(f"Anchored as #{anchor.sequence}.")


def _append_line(anchor: LedgerAnchor, path: Path | None) -> None:
    if path is None:
        return
    line = {
        "sequence": anchor.sequence,
        "at": anchor.at.isoformat(),
        "state": anchor.state,
        "key_id": anchor.key_id,
        "mac": anchor.mac,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n")
        handle.flush()


@dataclass
class AnchorCheck:
    reference: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    table_count: int = 0
    file_count: int = 0
    latest: int = 0


def anchor_is_valid(anchor: LedgerAnchor) -> bool:
    keys = ledger_keys()
    return _valid(
        keys, anchor.sequence, anchor.at.isoformat(), anchor.state, anchor.key_id, anchor.mac
    )


def _valid(keys: LedgerKeys, sequence: int, at: str, state: Any, kid: str, mac: str) -> bool:
    return keys.check(kid, _message(sequence, at, state), mac)


def anchors_check(*, path: str | Path | None = None) -> AnchorCheck:
    """Verify every anchor (table and file) and fold the valid ones into the reference state."""
    keys = ledger_keys()
    check = AnchorCheck()
    valid: dict[int, dict[str, Any]] = {}
    table_sequences = []
    for anchor in LedgerAnchor.objects.order_by("sequence"):
        check.table_count += 1
        table_sequences.append(anchor.sequence)
        at = anchor.at.isoformat()
        if _valid(keys, anchor.sequence, at, anchor.state, anchor.key_id, anchor.mac):
            valid[anchor.sequence] = anchor.state
        else:
            check.problems.append(f"anchor #{anchor.sequence} (table): forged anchor")
    if table_sequences != list(range(1, len(table_sequences) + 1)):
        check.problems.append("anchor table: anchors deleted (sequence has gaps)")
    file = anchor_file(path)
    file_top = 0
    if file is not None and file.exists():
        for number, text in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if not text.strip():
                continue
            check.file_count += 1
            try:
                line = json.loads(text)
                ok = _valid(
                    keys, line["sequence"], line["at"], line["state"], line["key_id"], line["mac"]
                )
            except (ValueError, KeyError, TypeError):
                ok = False
            if not ok:
                check.problems.append(f"anchor file {file} line {number}: forged anchor")
                continue
            file_top = max(file_top, int(line["sequence"]))
            valid.setdefault(int(line["sequence"]), line["state"])
    table_top = max(table_sequences, default=0)
    if file_top > table_top:
        check.problems.append(
            f"anchor table: truncated (the file holds anchor #{file_top}, the table ends at "
            f"#{table_top})"
        )
    check.reference = fold([valid[sequence] for sequence in sorted(valid)])
    check.latest = max(valid, default=0)
    return check


def compare_with_anchors(name: str, *, path: str | Path | None = None) -> list[str]:
    """Anchor problems (forged, deleted) and this ledger's problems against the anchored state."""
    check = anchors_check(path=path)
    return [*check.problems, *_ledgers[name].compare(check.reference.get(name, {}))]
