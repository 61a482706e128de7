"""The versioned survival tables used for the poor-prognosis flag (cached). The current table
flags new and recomputed diagnoses; earlier ones stay loadable so that a diagnosis can always be
explained with the table version that flagged it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from .rules.prognosis import SurvivalTable

SURVIVAL_DIR = Path(__file__).resolve().parent / "data" / "survival"
CURRENT_SURVIVAL_FILE = "survival-2026.yaml"


def _load(path: Path) -> SurvivalTable:
    with path.open(encoding="utf-8") as handle:
        return SurvivalTable.from_data(yaml.safe_load(handle))


@cache
def survival_table() -> SurvivalTable:
    """The current table."""
    return _load(SURVIVAL_DIR / CURRENT_SURVIVAL_FILE)


@cache
def survival_tables() -> dict[str, SurvivalTable]:
    """Every shipped table, by version."""
    tables = {}
    for path in sorted(SURVIVAL_DIR.glob("*.yaml")):
        table = _load(path)
        tables[table.version] = table
    return tables


def survival_table_for(version: str) -> SurvivalTable | None:
    return survival_tables().get(version)
