"""The triage contract's input (``shared/docs/triage-contract.md``, default@2): its vocabulary
and the validation of one assessment. Pure (no Django, no I/O).

``validate(item)`` returns ``(Assessment, None)`` or ``(None, {"field": dotted.path, "message":
why})``. Unknown keys, wrong types, non-finite numbers and out-of-range values are errors, never
ignored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

TREATMENTS = ("immune_checkpoint_inhibitor", "car_t", "chemotherapy", "other")
SOURCES = ("patient", "caregiver", "nurse", "clinician")

# key -> (kind, spec). kind: number (min, max) / integer (min, max) / boolean / enum (choices) /
# ice (the five ICE items) / items (distinct NEURO_CHANGES)
OBSERVATIONS: dict[str, tuple[str, Any]] = {
    "temperature_c": ("number", (30.0, 45.0)),
    "fever_hours_above_40": ("number", (0.0, None)),
    "stools_over_baseline_per_day": ("integer", (0, 50)),
    "blood_or_mucus_in_stool": ("boolean", None),
    "peritoneal_signs": ("boolean", None),
    "abdominal_pain": ("enum", ("none", "mild", "moderate", "severe")),
    "alt_x_uln": ("number", (0.0, 1000.0)),
    "ast_x_uln": ("number", (0.0, 1000.0)),
    "bilirubin_x_uln": ("number", (0.0, 100.0)),
    "dyspnea": (
        "enum",
        ("none", "moderate_exertion", "minimal_exertion", "at_rest", "life_threatening"),
    ),
    "fatigue": (
        "enum",
        ("none", "relieved_by_rest", "limits_instrumental_adl", "limits_self_care_adl"),
    ),
    "rash_bsa_percent": ("number", (0.0, 100.0)),
    "rash_symptoms": ("enum", ("none", "mild", "moderate_or_severe")),
    "pruritus": (
        "enum",
        ("none", "mild_localized", "widespread_intermittent", "widespread_constant"),
    ),
    "nausea": ("enum", ("none", "appetite_loss", "reduced_intake", "inadequate_intake")),
    "vomiting": (
        "enum",
        (
            "none",
            "no_intervention",
            "outpatient_iv_hydration",
            "tube_feeding_or_hospitalization",
            "life_threatening",
        ),
    ),
    "pneumonitis": (
        "enum",
        ("none", "asymptomatic", "symptomatic", "severe_oxygen_indicated", "life_threatening"),
    ),
    "fever_masked": ("boolean", None),
    "hypotension": (
        "enum",
        ("none", "fluid_responsive", "one_vasopressor", "multiple_vasopressors"),
    ),
    "oxygen": (
        "enum",
        ("none", "low_flow_nasal_cannula", "high_flow_or_face_mask", "positive_pressure"),
    ),
    "ice": ("ice", None),
    "ice_score": ("integer", (0, 10)),
    "consciousness": ("enum", ("awake", "wakes_to_voice", "wakes_to_touch", "unarousable")),
    "seizure": ("enum", ("none", "rapidly_resolving", "prolonged_or_repetitive")),
    "motor_weakness": ("enum", ("none", "deep_focal")),
    "raised_icp": ("enum", ("none", "focal_edema", "diffuse_edema")),
    "neutrophils_g_per_l": ("number", (0.0, 100.0)),
    "fever_hours_at_or_above_38": ("number", (0.0, None)),
    "creatinine_x_uln": ("number", (0.0, 100.0)),
    "chest_pain": ("enum", ("none", "mild", "moderate", "severe")),
    "muscle_weakness": (
        "enum",
        ("none", "symptomatic_not_limiting", "limits_instrumental_adl", "limits_self_care_adl"),
    ),
    "headache": ("enum", ("none", "mild", "moderate", "severe")),
    "neuro_changes": ("items", None),
}
# What a patient or a relative can see after CAR-T (no grade: the ICE score needs a clinician).
NEURO_CHANGES = (
    "confusion",
    "word_finding_difficulty",
    "handwriting_change",
    "tremor",
    "unusual_drowsiness",
    "seizure_witnessed",
)
ICE_ITEMS = {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 1}
ICANS_KEYS = ("ice", "ice_score", "consciousness", "seizure", "motor_weakness", "raised_icp")
CONTEXT_KEYS = {"treatment", "source", "days_since_infusion"}
# Answers that only modify a grade, and the observation the grade is read from. Given without
# it (or, for the rash, with 0 %), they would be triaged as "no symptom": refused naming the
# missing observation (safer reading, docs/clinical-rules.md).
GRADED_FROM = {
    "rash_symptoms": "rash_bsa_percent",
    "fever_hours_above_40": "temperature_c",
    "fever_hours_at_or_above_38": "temperature_c",
}


def _ungraded(observations: dict[str, Any]) -> Error | None:
    for key, graded_from in GRADED_FROM.items():
        value = observations.get(key)
        if value in (None, "none", 0, 0.0):
            continue
        if not observations.get(graded_from):
            return {
                "field": f"observations.{graded_from}",
                "message": (
                    f"required when {key} is given ({value!r}): the grade is read from it, "
                    "a symptom is never triaged without its grade"
                ),
            }
    return None


@dataclass(frozen=True)
class Assessment:
    id: Any
    treatment: str
    source: str | None
    days_since_infusion: int | None
    observations: dict[str, Any]


Error = dict[str, str]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_value(key: str, value: Any, path: str) -> Error | None:
    kind, spec = OBSERVATIONS[key]
    if kind == "boolean":
        return (
            None if isinstance(value, bool) else {"field": path, "message": "must be true or false"}
        )
    if kind == "enum":
        if value in spec:
            return None
        return {"field": path, "message": f"must be one of: {', '.join(spec)}"}
    if kind == "ice":
        return _check_ice(value, path)
    if kind == "items":
        return _check_neuro_changes(value, path)
    if kind == "integer" and not (isinstance(value, int) and not isinstance(value, bool)):
        return {"field": path, "message": "must be a whole number"}
    if kind == "number" and not _is_number(value):
        return {"field": path, "message": "must be a number"}
    low, high = spec
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        return {"field": path, "message": f"out of range: must be {bounds} (got {value})"}
    return None


def _check_ice(value: Any, path: str) -> Error | None:
    if not isinstance(value, dict):
        return {"field": path, "message": "must be an object with " + ", ".join(ICE_ITEMS)}
    for item in value:
        if item not in ICE_ITEMS:
            return {"field": f"{path}.{item}", "message": "unknown ICE item"}
    for item, maximum in ICE_ITEMS.items():
        if item not in value:
            return {"field": f"{path}.{item}", "message": "required ICE item is missing"}
        score = value[item]
        if not (isinstance(score, int) and not isinstance(score, bool)):
            return {"field": f"{path}.{item}", "message": "must be a whole number"}
        if not 0 <= score <= maximum:
            return {
                "field": f"{path}.{item}",
                "message": f"out of range: must be between 0 and {maximum} (got {score})",
            }
    return None


def _check_neuro_changes(value: Any, path: str) -> Error | None:
    if not isinstance(value, list):
        return {"field": path, "message": "must be a list of: " + ", ".join(NEURO_CHANGES)}
    seen: set[str] = set()
    for index, item in enumerate(value):
        if not isinstance(item, str) or item not in NEURO_CHANGES:
            return {
                "field": path,
                "message": f"item {index} ({item!r}) must be one of: {', '.join(NEURO_CHANGES)}",
            }
        if item in seen:
            return {"field": path, "message": f"item {index} ({item!r}) is repeated"}
        seen.add(item)
    return None


def validate(item: Any) -> tuple[Assessment | None, Error | None]:
    if not isinstance(item, dict):
        return None, {"field": "", "message": "an assessment must be a JSON object"}
    for key in item:
        if key not in {"id", "context", "observations"}:
            return None, {"field": key, "message": "unknown field"}
    context = item.get("context")
    if not isinstance(context, dict):
        return None, {"field": "context", "message": "required object is missing"}
    for key in context:
        if key not in CONTEXT_KEYS:
            return None, {"field": f"context.{key}", "message": "unknown field"}
    treatment = context.get("treatment")
    if treatment is None:
        return None, {"field": "context.treatment", "message": "required field is missing"}
    if treatment not in TREATMENTS:
        return None, {
            "field": "context.treatment",
            "message": f"must be one of: {', '.join(TREATMENTS)}",
        }
    source = context.get("source")
    if source is not None and source not in SOURCES:
        return None, {"field": "context.source", "message": f"must be one of: {', '.join(SOURCES)}"}
    days = context.get("days_since_infusion")
    if days is not None and not (
        isinstance(days, int) and not isinstance(days, bool) and days >= 0
    ):
        return None, {
            "field": "context.days_since_infusion",
            "message": "must be a whole number ≥ 0",
        }
    observations = item.get("observations", {})
    if not isinstance(observations, dict):
        return None, {"field": "observations", "message": "must be an object"}
    for key, value in observations.items():
        if key not in OBSERVATIONS:
            return None, {"field": f"observations.{key}", "message": "unknown observation"}
        error = _check_value(key, value, f"observations.{key}")
        if error:
            return None, error
    missing = _ungraded(observations)
    if missing:
        return None, missing
    if "ice" in observations and "ice_score" in observations:
        total = sum(observations["ice"].values())
        if total != observations["ice_score"]:
            return None, {
                "field": "observations.ice_score",
                "message": f"differs from the ICE items (their sum is {total})",
            }
    return Assessment(item.get("id"), treatment, source, days, dict(observations)), None
