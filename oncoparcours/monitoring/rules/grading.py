"""Toxicity grading as ``shared/docs/triage-contract.md`` (default@2) specifies: CTCAE v5.0 terms
(``terms``), febrile neutropenia, ASTCT 2019 CRS and ICANS with the ICE score, and the flags —
suspicions a grade alone misses. Pure and deterministic (no Django, no I/O).

``validate(item)`` (from ``observations``) checks one assessment; ``grade(assessment)`` returns the
grades and flags.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .observations import (
    ICANS_KEYS,
    NEURO_CHANGES,
    OBSERVATIONS,
    SOURCES,
    TREATMENTS,
    Assessment,
    Error,
    validate,
)
from .terms import CTCAE, ENUM_GRADES, Grade
from .terms import grade_all as _grade_terms

ASTCT = "ASTCT-2019"
FLAGS = (
    "icans_screen_positive",
    "suspected_febrile_neutropenia",
    "suspected_hypophysitis",
    "suspected_myocarditis_myositis",
)
__all__ = [
    "CTCAE",
    "ENUM_GRADES",
    "FLAGS",
    "NEURO_CHANGES",
    "OBSERVATIONS",
    "SOURCES",
    "TREATMENTS",
    "Assessment",
    "Error",
    "Grade",
    "Grading",
    "grade",
    "grading_as_dict",
    "validate",
]

HYPOTENSION_GRADES = {
    "none": 0,
    "fluid_responsive": 2,
    "one_vasopressor": 3,
    "multiple_vasopressors": 4,
}
OXYGEN_GRADES = {
    "none": 0,
    "low_flow_nasal_cannula": 2,
    "high_flow_or_face_mask": 3,
    "positive_pressure": 4,
}
CONSCIOUSNESS_GRADES = {"awake": 0, "wakes_to_voice": 2, "wakes_to_touch": 3, "unarousable": 4}
SEIZURE_GRADES = {"none": 0, "rapidly_resolving": 3, "prolonged_or_repetitive": 4}
MOTOR_GRADES = {"none": 0, "deep_focal": 4}
ICP_GRADES = {"none": 0, "focal_edema": 3, "diffuse_edema": 4}


@dataclass(frozen=True)
class Grading:
    grades: tuple[Grade, ...]
    crs: int | None
    icans: int | None
    ice_score: int | None
    max_grade: int
    flags: tuple[str, ...] = ()

    def grade_of(self, term: str) -> int:
        if term == "crs":
            return self.crs or 0
        if term == "icans":
            return self.icans or 0
        return max((g.grade for g in self.grades if g.term == term), default=0)


def _flags(assessment: Assessment, found: list[Grade]) -> tuple[str, ...]:
    obs, treatment = assessment.observations, assessment.treatment
    graded = {g.term: g.grade for g in found}
    flags = set()
    temperature = obs.get("temperature_c")
    count = obs.get("neutrophils_g_per_l")
    if (
        treatment == "chemotherapy"
        and temperature is not None
        and temperature >= 38.0
        and not (count is not None and count >= 1.0)
    ):
        flags.add("suspected_febrile_neutropenia")
    if treatment == "car_t" and obs.get("neuro_changes"):
        flags.add("icans_screen_positive")
    if treatment == "immune_checkpoint_inhibitor":
        if (
            graded.get("chest_pain_cardiac", 0) >= 1
            or graded.get("generalized_muscle_weakness", 0) >= 2
        ):
            flags.add("suspected_myocarditis_myositis")
        if graded.get("headache", 0) >= 2:
            flags.add("suspected_hypophysitis")
    return tuple(sorted(flags))


def _ice_score(obs: dict[str, Any]) -> int | None:
    if "ice" in obs:
        return int(sum(obs["ice"].values()))
    return obs.get("ice_score")


def _icans(obs: dict[str, Any]) -> tuple[int, int | None]:
    score = _ice_score(obs)
    grades = [0]
    if score is not None:
        grades.append(0 if score == 10 else 1 if score >= 7 else 2 if score >= 3 else 3)
        if score == 0 and obs.get("consciousness") == "unarousable":
            grades.append(4)
    grades.append(CONSCIOUSNESS_GRADES.get(obs.get("consciousness", "awake"), 0))
    grades.append(SEIZURE_GRADES.get(obs.get("seizure", "none"), 0))
    grades.append(MOTOR_GRADES.get(obs.get("motor_weakness", "none"), 0))
    grades.append(ICP_GRADES.get(obs.get("raised_icp", "none"), 0))
    return max(grades), score


def grade(assessment: Assessment) -> Grading:
    obs = assessment.observations
    found = _grade_terms(obs)
    crs = icans = ice_score = None
    if assessment.treatment == "car_t":
        temperature = obs.get("temperature_c")
        if (temperature is not None and temperature >= 38.0) or obs.get("fever_masked"):
            crs = max(
                1,
                HYPOTENSION_GRADES[obs.get("hypotension", "none")],
                OXYGEN_GRADES[obs.get("oxygen", "none")],
            )
        if any(key in obs for key in ICANS_KEYS):
            icans, ice_score = _icans(obs)
    max_grade = max([g.grade for g in found] + [crs or 0, icans or 0])
    return Grading(tuple(found), crs, icans, ice_score, max_grade, _flags(assessment, found))


def grading_as_dict(grading: Grading) -> dict[str, Any]:
    return {
        "grades": [g.as_dict() for g in grading.grades],
        "crs": None if grading.crs is None else {"grade": grading.crs, "system": ASTCT},
        "icans": None
        if grading.icans is None
        else {"grade": grading.icans, "system": ASTCT, "ice_score": grading.ice_score},
        "max_grade": grading.max_grade,
        "flags": list(grading.flags),
    }
