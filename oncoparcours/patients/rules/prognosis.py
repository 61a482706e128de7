"""Poor-prognosis flag (INCa: 5-year net survival < 33 %) from a versioned survival table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oncoparcours.directory.rules import icd10


@dataclass(frozen=True)
class SurvivalEntry:
    label: str
    ranges: tuple[tuple[str, str], ...]
    morphologies: tuple[str, ...]
    survival_5y: float
    approx: bool


@dataclass(frozen=True)
class SurvivalTable:
    version: str
    source: str
    threshold_percent: float
    entries: tuple[SurvivalEntry, ...]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SurvivalTable:
        entries = tuple(
            SurvivalEntry(
                label=row["label"],
                ranges=tuple((str(a), str(b)) for a, b in row["icd10"]),
                morphologies=tuple(row.get("morphology", ())),
                survival_5y=float(row["survival_5y"]),
                approx=bool(row.get("approx", False)),
            )
            for row in data["entries"]
        )
        return cls(
            version=str(data["version"]),
            source=str(data["source"]).strip(),
            threshold_percent=float(data["threshold_percent"]),
            entries=entries,
        )


@dataclass(frozen=True)
class PrognosisAssessment:
    poor_prognosis: bool | None  # None: site not in the table
    survival_5y: float | None
    entry_label: str
    table_version: str
    approx: bool


def assess(table: SurvivalTable, *, icd10_code: str, morphology: str = "") -> PrognosisAssessment:
    candidates = []
    for entry in table.entries:
        if not icd10.in_any_range(icd10_code, entry.ranges):
            continue
        if entry.morphologies and morphology not in entry.morphologies:
            continue
        width = min(icd10.range_width(a, b) for a, b in entry.ranges)
        candidates.append((0 if entry.morphologies else 1, width, entry))
    if not candidates:
        return PrognosisAssessment(None, None, "", table.version, False)
    _specificity, _width, best = min(candidates, key=lambda c: (c[0], c[1]))
    return PrognosisAssessment(
        poor_prognosis=best.survival_5y < table.threshold_percent,
        survival_5y=best.survival_5y,
        entry_label=best.label,
        table_version=table.version,
        approx=best.approx,
    )
