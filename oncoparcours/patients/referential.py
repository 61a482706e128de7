"""The versioned survival table used for the poor-prognosis flag (cached)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from .rules.prognosis import SurvivalTable

SURVIVAL_TABLE_FILE = Path(__file__).resolve().parent / "data" / "survival" / "francim-2021.yaml"


@cache
def survival_table() -> SurvivalTable:
    with SURVIVAL_TABLE_FILE.open(encoding="utf-8") as handle:
        return SurvivalTable.from_data(yaml.safe_load(handle))
