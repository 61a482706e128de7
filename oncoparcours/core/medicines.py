"""Medicines named as French readers spell them ("tisagenlécleucel", "axicabtagène
ciloleucel"), from the versioned list ``core/data/inn_fr.yaml`` (its source cited there). Codes
are the English INN with underscores: the English pages show the English INN."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data" / "inn_fr.yaml"


@cache
def french_names() -> dict[str, str]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return {str(code): str(name) for code, name in data["names"].items()}


def inn_label(code: object) -> str:
    """A medicine's INN in the page's language; a code not listed reads as its English INN."""
    from django.utils.translation import get_language

    text = str(code).strip()
    key = text.lower().replace(" ", "_")
    if (get_language() or "fr").startswith("fr") and key in french_names():
        return french_names()[key]
    return text.replace("_", " ")
