"""ICD-10 code parsing and range membership (e.g. is C34.1 within C33–C39?)."""

from __future__ import annotations

import re
from collections.abc import Iterable

ICD10_RE = re.compile(r"^([A-Z])(\d{2})(?:\.?(\d{1,2}))?$")


def parse(code: str) -> tuple[str, int, int | None]:
    """``"C34.1"`` → ``("C", 34, 1)``; ``"C50"`` → ``("C", 50, None)``. Raises ValueError."""
    match = ICD10_RE.match((code or "").strip().upper())
    if not match:
        raise ValueError(f"not an ICD-10 code: {code!r}")
    letter, category, sub = match.groups()
    return letter, int(category), int(sub) if sub is not None else None


def normalise(code: str) -> str:
    letter, category, sub = parse(code)
    return f"{letter}{category:02d}" + (f".{sub}" if sub is not None else "")


def category(code: str) -> str:
    letter, number, _sub = parse(code)
    return f"{letter}{number:02d}"


def _key(code: str, *, upper_bound: bool) -> tuple[str, int, int]:
    letter, number, sub = parse(code)
    if sub is None:
        sub = 99 if upper_bound else -1
    return letter, number, sub


def in_range(code: str, start: str, end: str) -> bool:
    """Inclusive. A code or bound without subdivision stands for all its subdivisions, so a bare
    category is inside only when the whole category is covered (C34 is in C33–C34, C45 is not in
    C45.0–C45.0)."""
    code_low, code_high = _key(code, upper_bound=False), _key(code, upper_bound=True)
    return _key(start, upper_bound=False) <= code_low and code_high <= _key(end, upper_bound=True)


def in_any_range(code: str, ranges: Iterable[tuple[str, str]]) -> bool:
    return any(in_range(code, start, end) for start, end in ranges)


def range_width(start: str, end: str) -> int:
    """A size used to prefer the most specific of several matching ranges."""
    s_letter, s_num, s_sub = parse(start)
    e_letter, e_num, e_sub = parse(end)
    width = (ord(e_letter) - ord(s_letter)) * 10000 + (e_num - s_num) * 100
    return width + ((e_sub if e_sub is not None else 99) - (s_sub if s_sub is not None else 0))


def range_is_ordered(start: str, end: str) -> bool:
    return _key(start, upper_bound=False) <= _key(end, upper_bound=True)


def ranges_overlap(first: tuple[str, str], second: tuple[str, str]) -> bool:
    """Two inclusive ranges share at least one code (C15–C26 and C18–C20 do; C15–C26 and C33–C39
    do not)."""
    return _key(first[0], upper_bound=False) <= _key(second[1], upper_bound=True) and _key(
        second[0], upper_bound=False
    ) <= _key(first[1], upper_bound=True)


def range_within(inner: tuple[str, str], outer: tuple[str, str]) -> bool:
    """Every code of ``inner`` is in ``outer`` (C71–C72 is within C70–C72)."""
    return _key(outer[0], upper_bound=False) <= _key(inner[0], upper_bound=False) and _key(
        inner[1], upper_bound=True
    ) <= _key(outer[1], upper_bound=True)
