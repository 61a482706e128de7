"""Pure rules of the portal (no Django): login codes, rate limits, alarming words in a message,
the working-day service level, caregiver rights."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from collections.abc import Iterable, Sequence

CODE_DIGITS = 6
CODE_VALIDITY = dt.timedelta(minutes=10)
MAX_TRIES = 5  # wrong tries on one code, then the code is locked
# Sends of a code: per address (whether it exists or not) and per source address.
SEND_LIMITS_PER_ADDRESS: tuple[tuple[dt.timedelta, int], ...] = (
    (dt.timedelta(minutes=15), 3),
    (dt.timedelta(hours=24), 10),
)
SEND_LIMIT_PER_IP: tuple[dt.timedelta, int] = (dt.timedelta(hours=1), 30)
RIGHTS = ("calendar", "documents", "messages", "questionnaires")


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_shape_ok(code: str) -> bool:
    return len(code) == CODE_DIGITS and code.isascii() and code.isdigit()


def normalise_email(value: str) -> str:
    return value.strip().lower()


def normalise_phone(value: str) -> str:
    """French mobile numbers as digits: '06 12 34 56 78', '+33 6 12 34 56 78' → '0612345678'.
    Overseas and other numbers keep their digits (a leading + becomes 00)."""
    raw = value.strip()
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        digits = "00" + digits
    if digits.startswith("0033") and len(digits) == 13:
        digits = "0" + digits[4:]
    return digits


def looks_like_email(value: str) -> bool:
    return "@" in value


def sends_refused(times: Sequence[dt.datetime], now: dt.datetime) -> bool:
    """True when the address already had as many sends as a window allows."""
    return any(
        sum(1 for t in times if now - t < window) >= limit
        for window, limit in SEND_LIMITS_PER_ADDRESS
    )


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


def _without(words: list[str], phrases: Iterable[str]) -> list[str]:
    """``words`` with every occurrence of the ``phrases`` replaced by a gap."""
    for phrase in phrases:
        needle = _words(phrase)
        size = len(needle)
        if not size:
            continue
        index = 0
        while index <= len(words) - size:
            if words[index : index + size] == needle:
                words = [*words[:index], "", *words[index + size :]]
            index += 1
    return words


def alarming_words(
    text: str, vocabulary: Iterable[str], exceptions: Iterable[str] = ()
) -> list[str]:
    """The entries of ``vocabulary`` found in ``text`` (case- and accent-insensitive, whole
    words, phrases as consecutive words), in vocabulary order, without duplicates. Words inside
    one of the ``exceptions`` (a routine phrase such as "prise de sang") do not count there."""
    words = _without(_words(text), exceptions)
    found: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for entry in vocabulary:
        needle = tuple(_words(entry))
        if not needle or needle in seen:
            continue
        size = len(needle)
        if any(tuple(words[i : i + size]) == needle for i in range(len(words) - size + 1)):
            found.append(entry)
            seen.add(needle)
    return found


def add_working_days(start: dt.datetime, days: int, holidays: frozenset[dt.date]) -> dt.datetime:
    """``start`` moved forward by ``days`` working days (Monday–Friday, not a public holiday),
    same time of day. A message sent on a Saturday is due on Tuesday's same hour for 2 days."""
    current = start
    left = days
    while left > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5 and current.date() not in holidays:
            left -= 1
    return current


def clean_rights(chosen: Iterable[str]) -> list[str]:
    wanted = set(chosen)
    unknown = wanted - set(RIGHTS)
    if unknown:
        raise ValueError(f"unknown rights {sorted(unknown)}")
    return [r for r in RIGHTS if r in wanted]
