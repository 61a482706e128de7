"""From the kinds of treatment a patient is on to the triage contract's treatments
(``data/treatment-context.yaml``). Pure (no Django)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .strictest import TREATMENT_ORDER

MAPPING_FILE = Path(__file__).resolve().parent.parent / "data" / "treatment-context.yaml"


@cache
def mapping_file() -> dict[str, Any]:
    return yaml.safe_load(MAPPING_FILE.read_text(encoding="utf-8"))


def contract_treatments(kinds: Iterable[str]) -> tuple[str, ...]:
    """Distinct contract treatments for these kinds (unknown kinds: ``other``), in
    ``TREATMENT_ORDER``; ``("other",)`` when the patient is on no recorded treatment."""
    mapping = mapping_file()["mapping"]
    found = {mapping.get(kind, "other") for kind in kinds} or {"other"}
    return tuple(t for t in TREATMENT_ORDER if t in found)


def after_end_days(kind: str) -> int:
    """How many days after its end a course still counts (its risks last)."""
    return int(mapping_file().get("after_end_days", {}).get(kind, 0))


def longest_after_end() -> int:
    return max(mapping_file().get("after_end_days", {}).values(), default=0)
