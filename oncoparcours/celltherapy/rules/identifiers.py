"""Identifiers (pure): ISO/IEC 7064 MOD 37-2 check characters (used by ISBT 128 donation
identification numbers), chain-of-identity codes, and DIN validation. No ISBT 128 table is
shipped: only the public check-character algorithm and the 13-character structure."""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*"
COI_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O: read aloud at the bedside
DIN_RE = re.compile(r"^([A-Z][0-9A-Z]{4})(\d{2})(\d{6})([0-9A-Z]{2})?([0-9A-Z*])?$")


def mod37_2(data: str) -> str:
    """ISO/IEC 7064 MOD 37-2 check character of ``data`` (digits and capital letters)."""
    total = 0
    for char in data:
        value = ALPHABET.index(char)
        if value > 35:
            raise ValueError(f"not a data character: {char!r}")
        total = ((total + value) * 2) % 37
    return ALPHABET[(38 - total) % 37]


def din_problem(text: str) -> str | None:
    """None when ``text`` is a well-formed DIN (13 characters: facility code, year, sequence;
    optional 2 flag characters; check character over the 13 first). Otherwise the reason."""
    compact = re.sub(r"[\s-]", "", text.upper())
    match = DIN_RE.match(compact)
    if match is None:
        return "format"
    facility, year, sequence, _flags, check = match.groups()
    if check is None:
        return "missing_check"
    if mod37_2(facility + year + sequence) != check:
        return "check"
    return None


def new_coi(prefix: str) -> str:
    """A chain-of-identity code: prefix, 8 random characters, a MOD 37-2 check character."""
    body = "".join(secrets.choice(COI_ALPHABET) for _ in range(8))
    core = f"{prefix}{body}"
    return f"COI-{prefix}-{body[:4]}-{body[4:]}-{mod37_2(core)}"


def coi_problem(text: str) -> str | None:
    match = re.match(
        r"^COI-([0-9A-Z]{2,6})-([0-9A-Z]{4})-([0-9A-Z]{4})-([0-9A-Z*])$", text.strip().upper()
    )
    if match is None:
        return "format"
    prefix, first, second, check = match.groups()
    return None if mod37_2(prefix + first + second) == check else "check"
