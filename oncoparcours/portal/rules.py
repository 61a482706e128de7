"""Pure rules of the portal (no Django): login codes, rate limits, alarming words in a message,
the working-day service level, caregiver rights."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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


LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def fold(text: str) -> str:
    """Lower case, accents removed, ligatures opened ("Œdème" → "oedeme")."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Token:
    """One word of a text: folded for matching, and where it sits in the original text."""

    word: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """The words of ``text``: runs of letters and digits; apostrophes, hyphens, punctuation,
    the degree sign and every other character separate words ("39,5°C" → 39 5 c,
    "n'arrive" → n arrive)."""
    found = []
    for match in re.finditer(r"[^\W_]+", text):
        word = re.sub(r"[^a-z0-9]", "", fold(match.group()))
        if word:
            found.append(Token(word, match.start(), match.end()))
    return found


def _term(raw: str) -> re.Pattern[str]:
    """One word of a pattern: ``saign*`` (any word starting so), ``/3[89]|4[0-2]/`` (a regular
    expression the whole word must match), else the exact word; folded like the text."""
    if len(raw) > 2 and raw.startswith("/") and raw.endswith("/"):
        return re.compile(f"(?:{raw[1:-1]})")
    if raw.endswith("*"):
        stem = "".join(t.word for t in tokens(raw[:-1]))
        if not stem:
            raise ValueError(f"empty stem in {raw!r}")
        return re.compile(re.escape(stem) + "[a-z0-9]*")
    word = "".join(t.word for t in tokens(raw))
    if not word:
        raise ValueError(f"empty word in {raw!r}")
    return re.compile(re.escape(word))


def compile_pattern(pattern: str) -> tuple[re.Pattern[str], ...]:
    """A pattern of the data file: words separated by spaces, matched as consecutive words of
    the text (see ``_term`` for one word). Apostrophes and hyphens separate words as in the
    text ("fin à mes jours", "d'air" = "d air")."""
    raws = []
    for part in pattern.split():
        if part.startswith("/"):
            raws.append(part)
        else:
            raws.extend(re.findall(r"[^\W_]+\*?", part))
    if not raws:
        raise ValueError(f"empty pattern {pattern!r}")
    return tuple(_term(raw) for raw in raws)


@dataclass(frozen=True)
class Category:
    """A kind of warning sign: its patterns, what to tell the patient, whom to call."""

    key: str
    label: str
    advice: str
    call: tuple[str, ...]
    source: str
    patterns: tuple[tuple[re.Pattern[str], ...], ...]


@dataclass(frozen=True)
class Finding:
    category: Category
    words: tuple[str, ...]  # as the patient wrote them, in the order of the text

    @property
    def summary(self) -> str:
        return f"{self.category.label} ({', '.join(self.words)})"


def _spans(
    words: list[Token], pattern: tuple[re.Pattern[str], ...], used: list[bool]
) -> list[tuple[int, int]]:
    size = len(pattern)
    spans = []
    for i in range(len(words) - size + 1):
        if any(used[i : i + size]):
            continue
        if all(term.fullmatch(words[i + k].word) for k, term in enumerate(pattern)):
            spans.append((i, i + size))
    return spans


def alarming_words(
    text: str,
    categories: Iterable[Category],
    exceptions: Iterable[tuple[re.Pattern[str], ...]] = (),
) -> list[Finding]:
    """The categories of warning signs found in ``text`` (case, accents and punctuation
    ignored), in the data file's order, each with the words that matched. A routine phrase of
    ``exceptions`` (such as "prise de sang") only hides its own words: the rest of the text is
    still searched."""
    words = tokens(text)
    hidden = [False] * len(words)
    for exception in exceptions:
        for start, end in _spans(words, exception, hidden):
            for index in range(start, end):
                hidden[index] = True
    found = []
    for category in categories:
        spans: set[tuple[int, int]] = set()
        for pattern in category.patterns:
            spans.update(_spans(words, pattern, hidden))
        if spans:
            merged: list[list[int]] = []
            for start, end in sorted(spans):  # overlapping matches make one phrase
                if merged and start < merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            shown: list[str] = []
            for start, end in merged:
                phrase = text[words[start].start : words[end - 1].end]
                if phrase not in shown:
                    shown.append(phrase)
            found.append(Finding(category, tuple(shown)))
    return found


def add_working_days(start: dt.datetime, days: int, holidays: frozenset[dt.date]) -> dt.datetime:
    """``start`` moved forward by ``days`` working days (Monday–Friday, not a public holiday),
    same time of day. A message sent on a Saturday is due on Tuesday's same hour for 2 days.
    Past the listed holidays a weekday counts as a working day: the answer is due earlier, the
    safer side for a deadline (``in_working_hours`` takes the other side for the on-call)."""
    current = start
    left = days
    while left > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5 and current.date() not in holidays:
            left -= 1
    return current


# An urgent message (sent after the warning signs prompt) goes to the centre's on-call physician
# when the care team has not answered it within ONCALL_AFTER during working hours, or at once
# when it was sent outside them (safer reading, docs/clinical-rules.md §9).
WORKING_HOURS = (dt.time(8, 0), dt.time(18, 0))
ONCALL_AFTER = dt.timedelta(hours=2)


def in_working_hours(
    moment: dt.datetime,
    holidays: frozenset[dt.date] = frozenset(),
    known_until: dt.date | None = None,
) -> bool:
    """Monday to Friday, 08:00 to 18:00 local time (``moment`` is local), public holidays
    excluded. A day after ``known_until`` (the last day the holiday list covers) is never a
    working day: it may be a holiday nobody listed, so an urgent message goes to the on-call
    physician at once (safer reading, docs/clinical-rules.md §9)."""
    if known_until is not None and moment.date() > known_until:
        return False
    start, end = WORKING_HOURS
    return moment.weekday() < 5 and moment.date() not in holidays and start <= moment.time() < end


def oncall_due_at(
    sent: dt.datetime,
    holidays: frozenset[dt.date] = frozenset(),
    known_until: dt.date | None = None,
) -> dt.datetime:
    """When an urgent message still unanswered goes to the on-call physician (``sent`` local):
    at once outside working hours; else 2 hours later, or when the working day ends if that
    comes first (a message sent at 17:30 goes at 18:00: nobody reads it in the evening)."""
    if not in_working_hours(sent, holidays, known_until):
        return sent
    closing = sent.replace(
        hour=WORKING_HOURS[1].hour, minute=WORKING_HOURS[1].minute, second=0, microsecond=0
    )
    return min(sent + ONCALL_AFTER, closing)


def oncall_due(
    sent: dt.datetime,
    now: dt.datetime,
    holidays: frozenset[dt.date] = frozenset(),
    known_until: dt.date | None = None,
) -> bool:
    """True when an urgent message sent at ``sent`` and still unanswered at ``now`` (both
    local) must be passed to the on-call physician."""
    return now >= oncall_due_at(sent, holidays, known_until)


def clean_rights(chosen: Iterable[str]) -> list[str]:
    wanted = set(chosen)
    unknown = wanted - set(RIGHTS)
    if unknown:
        raise ValueError(f"unknown rights {sorted(unknown)}")
    return [r for r in RIGHTS if r in wanted]
