"""Toxicity grading: CTCAE v5.0 terms, ASTCT 2019 CRS and ICANS, the ICE score — exactly as
``shared/docs/triage-contract.md`` specifies. Pure and deterministic (no Django, no I/O).

``validate(item)`` checks one assessment and returns ``(Assessment, None)`` or
``(None, {"field": dotted.path, "message": why})``; ``grade(assessment)`` returns the grades.
Unknown keys, wrong types and out-of-range values are errors, never ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CTCAE = "CTCAE-5.0"
ASTCT = "ASTCT-2019"

TREATMENTS = ("immune_checkpoint_inhibitor", "car_t", "chemotherapy", "other")
SOURCES = ("patient", "caregiver", "nurse", "clinician")

# key -> (kind, spec). kind: number (min, max) / integer (min, max) / boolean / enum (choices)
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
}
ICE_ITEMS = {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 1}
ICANS_KEYS = ("ice", "ice_score", "consciousness", "seizure", "motor_weakness", "raised_icp")
CONTEXT_KEYS = {"treatment", "source", "days_since_infusion"}


@dataclass(frozen=True)
class Assessment:
    id: Any
    treatment: str
    source: str | None
    days_since_infusion: int | None
    observations: dict[str, Any]


@dataclass(frozen=True)
class Grade:
    term: str
    grade: int
    system: str
    criterion: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "grade": self.grade,
            "system": self.system,
            "criterion": self.criterion,
        }


@dataclass(frozen=True)
class Grading:
    grades: tuple[Grade, ...]
    crs: int | None
    icans: int | None
    ice_score: int | None
    max_grade: int

    def grade_of(self, term: str) -> int:
        if term == "crs":
            return self.crs or 0
        if term == "icans":
            return self.icans or 0
        return max((g.grade for g in self.grades if g.term == term), default=0)


Error = dict[str, str]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


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
    if "ice" in observations and "ice_score" in observations:
        total = sum(observations["ice"].values())
        if total != observations["ice_score"]:
            return None, {
                "field": "observations.ice_score",
                "message": f"differs from the ICE items (their sum is {total})",
            }
    return Assessment(item.get("id"), treatment, source, days, dict(observations)), None


# --- grading -------------------------------------------------------------------------------------

ENUM_GRADES = {
    "abdominal_pain": (
        "abdominal_pain",
        {
            "mild": (1, "mild pain"),
            "moderate": (2, "moderate pain; limiting instrumental ADL"),
            "severe": (3, "severe pain; limiting self-care ADL"),
        },
    ),
    "dyspnea": (
        "dyspnea",
        {
            "moderate_exertion": (1, "shortness of breath with moderate exertion"),
            "minimal_exertion": (2, "shortness of breath with minimal exertion"),
            "at_rest": (3, "shortness of breath at rest"),
            "life_threatening": (4, "life-threatening consequences"),
        },
    ),
    "fatigue": (
        "fatigue",
        {
            "relieved_by_rest": (1, "fatigue relieved by rest"),
            "limits_instrumental_adl": (
                2,
                "fatigue not relieved by rest; limiting instrumental ADL",
            ),
            "limits_self_care_adl": (3, "fatigue not relieved by rest; limiting self-care ADL"),
        },
    ),
    "pruritus": (
        "pruritus",
        {
            "mild_localized": (1, "mild or localized"),
            "widespread_intermittent": (2, "widespread and intermittent"),
            "widespread_constant": (3, "widespread and constant"),
        },
    ),
    "nausea": (
        "nausea",
        {
            "appetite_loss": (1, "loss of appetite without alteration in eating habits"),
            "reduced_intake": (2, "oral intake decreased"),
            "inadequate_intake": (3, "inadequate oral caloric or fluid intake"),
        },
    ),
    "vomiting": (
        "vomiting",
        {
            "no_intervention": (1, "intervention not indicated"),
            "outpatient_iv_hydration": (
                2,
                "outpatient IV hydration; medical intervention indicated",
            ),
            "tube_feeding_or_hospitalization": (
                3,
                "tube feeding, TPN, or hospitalization indicated",
            ),
            "life_threatening": (4, "life-threatening consequences"),
        },
    ),
    "pneumonitis": (
        "pneumonitis",
        {
            "asymptomatic": (1, "asymptomatic; clinical or diagnostic observations only"),
            "symptomatic": (2, "symptomatic; limiting instrumental ADL"),
            "severe_oxygen_indicated": (3, "severe symptoms; oxygen indicated"),
            "life_threatening": (4, "life-threatening respiratory compromise"),
        },
    ),
}
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


def _fever(obs: dict[str, Any]) -> Grade | None:
    temperature = obs.get("temperature_c")
    if temperature is None or temperature < 38.0:
        return None
    if temperature <= 39.0:
        return Grade("fever", 1, CTCAE, "38.0-39.0 °C")
    if temperature <= 40.0:
        return Grade("fever", 2, CTCAE, ">39.0-40.0 °C")
    if obs.get("fever_hours_above_40", 0) > 24:
        return Grade("fever", 4, CTCAE, ">40.0 °C for more than 24 hours")
    return Grade("fever", 3, CTCAE, ">40.0 °C for 24 hours or less")


def _diarrhea(obs: dict[str, Any]) -> Grade | None:
    stools = obs.get("stools_over_baseline_per_day")
    if not stools:
        return None
    if stools <= 3:
        return Grade("diarrhea", 1, CTCAE, "1-3 stools/day over baseline")
    if stools <= 6:
        return Grade("diarrhea", 2, CTCAE, "4-6 stools/day over baseline")
    return Grade("diarrhea", 3, CTCAE, ">=7 stools/day over baseline")


def _colitis(obs: dict[str, Any]) -> Grade | None:
    if obs.get("peritoneal_signs"):
        return Grade("colitis", 3, CTCAE, "peritoneal signs")
    if obs.get("blood_or_mucus_in_stool"):
        return Grade("colitis", 2, CTCAE, "blood or mucus in stool")
    return None


def _liver(obs: dict[str, Any], key: str, term: str) -> Grade | None:
    ratio = obs.get(key)
    if ratio is None or ratio <= 1:
        return None
    for limit, grade, text in (
        (3, 1, ">ULN-3.0 x ULN"),
        (5, 2, ">3.0-5.0 x ULN"),
        (20, 3, ">5.0-20.0 x ULN"),
    ):
        if ratio <= limit:
            return Grade(term, grade, CTCAE, text)
    return Grade(term, 4, CTCAE, ">20.0 x ULN")


def _bilirubin(obs: dict[str, Any]) -> Grade | None:
    ratio = obs.get("bilirubin_x_uln")
    if ratio is None or ratio <= 1:
        return None
    for limit, grade, text in (
        (1.5, 1, ">ULN-1.5 x ULN"),
        (3, 2, ">1.5-3.0 x ULN"),
        (10, 3, ">3.0-10.0 x ULN"),
    ):
        if ratio <= limit:
            return Grade("blood_bilirubin_increased", grade, CTCAE, text)
    return Grade("blood_bilirubin_increased", 4, CTCAE, ">10.0 x ULN")


def _rash(obs: dict[str, Any]) -> Grade | None:
    bsa = obs.get("rash_bsa_percent")
    if not bsa:
        return None
    if bsa < 10:
        return Grade("rash_maculo_papular", 1, CTCAE, "<10% BSA")
    if bsa <= 30:
        return Grade("rash_maculo_papular", 2, CTCAE, "10-30% BSA")
    if obs.get("rash_symptoms") == "moderate_or_severe":
        return Grade("rash_maculo_papular", 3, CTCAE, ">30% BSA with moderate or severe symptoms")
    return Grade("rash_maculo_papular", 2, CTCAE, ">30% BSA with or without mild symptoms")


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
    found: list[Grade] = []
    for builder in (_fever, _diarrhea, _colitis, _rash, _bilirubin):
        result = builder(obs)
        if result:
            found.append(result)
    for key, term in (
        ("alt_x_uln", "alanine_aminotransferase_increased"),
        ("ast_x_uln", "aspartate_aminotransferase_increased"),
    ):
        result = _liver(obs, key, term)
        if result:
            found.append(result)
    for key, (term, table) in ENUM_GRADES.items():
        value = obs.get(key)
        if value in table:
            level, text = table[value]
            found.append(Grade(term, level, CTCAE, text))
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
    return Grading(tuple(found), crs, icans, ice_score, max_grade)


def grading_as_dict(grading: Grading) -> dict[str, Any]:
    return {
        "grades": [g.as_dict() for g in grading.grades],
        "crs": None if grading.crs is None else {"grade": grading.crs, "system": ASTCT},
        "icans": None
        if grading.icans is None
        else {"grade": grading.icans, "system": ASTCT, "ice_score": grading.ice_score},
        "max_grade": grading.max_grade,
    }
