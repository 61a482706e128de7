"""CTCAE v5.0 terms graded from observations (one function per term), each with the criterion
that produced the grade. Pure (no Django, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CTCAE = "CTCAE-5.0"


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
    "chest_pain": (
        "chest_pain_cardiac",
        {
            "mild": (1, "mild pain"),
            "moderate": (2, "moderate pain; pain on exertion; limiting instrumental ADL"),
            "severe": (3, "pain at rest; limiting self-care ADL"),
        },
    ),
    "muscle_weakness": (
        "generalized_muscle_weakness",
        {
            "symptomatic_not_limiting": (1, "symptomatic; perceived by the patient"),
            "limits_instrumental_adl": (2, "symptomatic; limiting instrumental ADL"),
            "limits_self_care_adl": (3, "limiting self-care ADL"),
        },
    ),
    "headache": (
        "headache",
        {
            "mild": (1, "mild pain"),
            "moderate": (2, "moderate pain; limiting instrumental ADL"),
            "severe": (3, "severe pain; limiting self-care ADL"),
        },
    ),
}


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


def _creatinine(obs: dict[str, Any]) -> Grade | None:
    ratio = obs.get("creatinine_x_uln")
    if ratio is None or ratio <= 1:
        return None
    for limit, grade, text in (
        (1.5, 1, ">ULN-1.5 x ULN"),
        (3, 2, ">1.5-3.0 x ULN"),
        (6, 3, ">3.0-6.0 x ULN"),
    ):
        if ratio <= limit:
            return Grade("creatinine_increased", grade, CTCAE, text)
    return Grade("creatinine_increased", 4, CTCAE, ">6.0 x ULN")


def _neutrophils(obs: dict[str, Any]) -> Grade | None:
    """Grade 1 (< LLN - 1.5) needs the laboratory's lower limit of normal: not graded."""
    count = obs.get("neutrophils_g_per_l")
    if count is None or count >= 1.5:
        return None
    if count >= 1.0:
        return Grade("neutrophil_count_decreased", 2, CTCAE, "<1.5-1.0 x 10e9/L")
    if count >= 0.5:
        return Grade("neutrophil_count_decreased", 3, CTCAE, "<1.0-0.5 x 10e9/L")
    return Grade("neutrophil_count_decreased", 4, CTCAE, "<0.5 x 10e9/L")


def _febrile_neutropenia(obs: dict[str, Any]) -> Grade | None:
    count, temperature = obs.get("neutrophils_g_per_l"), obs.get("temperature_c")
    if count is None or count >= 1.0 or temperature is None:
        return None
    sustained = temperature >= 38.0 and obs.get("fever_hours_at_or_above_38", 0) >= 1
    if not (temperature > 38.3 or sustained):
        return None
    if obs.get("hypotension", "none") != "none":
        return Grade(
            "febrile_neutropenia", 4, CTCAE, "ANC <1.0 x 10e9/L with fever and hypotension"
        )
    return Grade(
        "febrile_neutropenia",
        3,
        CTCAE,
        "ANC <1.0 x 10e9/L with a temperature >38.3 °C or >=38.0 °C for at least one hour",
    )


def _alt(obs: dict[str, Any]) -> Grade | None:
    return _liver(obs, "alt_x_uln", "alanine_aminotransferase_increased")


def _ast(obs: dict[str, Any]) -> Grade | None:
    return _liver(obs, "ast_x_uln", "aspartate_aminotransferase_increased")


# Each term with the observations without which it cannot be graded (so a report is only
# examined for what it answers), in the order grades are listed.
BUILDERS: tuple[tuple[frozenset[str], Any], ...] = (
    (frozenset({"temperature_c"}), _fever),
    (frozenset({"stools_over_baseline_per_day"}), _diarrhea),
    (frozenset({"blood_or_mucus_in_stool", "peritoneal_signs"}), _colitis),
    (frozenset({"rash_bsa_percent"}), _rash),
    (frozenset({"bilirubin_x_uln"}), _bilirubin),
    (frozenset({"creatinine_x_uln"}), _creatinine),
    (frozenset({"neutrophils_g_per_l"}), _neutrophils),
    (frozenset({"neutrophils_g_per_l"}), _febrile_neutropenia),
    (frozenset({"alt_x_uln"}), _alt),
    (frozenset({"ast_x_uln"}), _ast),
)


def _enum_builder(key: str, term: str, table: dict[str, tuple[int, str]]) -> Any:
    def build(obs: dict[str, Any]) -> Grade | None:
        graded = table.get(obs[key])
        return Grade(term, graded[0], CTCAE, graded[1]) if graded else None

    return build


# Observation key -> the (position, builder) pairs it can trigger; a report is only examined for
# what it answers, and grades are listed in the position order.
_ALL = [*BUILDERS] + [
    (frozenset({key}), _enum_builder(key, term, table))
    for key, (term, table) in ENUM_GRADES.items()
]
DISPATCH: dict[str, list[tuple[int, Any]]] = {}
for _position, (_needs, _builder) in enumerate(_ALL):
    for _key in _needs:
        DISPATCH.setdefault(_key, []).append((_position, _builder))


def grade_all(obs: dict[str, Any]) -> list[Grade]:
    """Every CTCAE term graded >= 1 from these observations, in a stable order."""
    todo: dict[int, Any] = {}
    for key in obs:
        for position, builder in DISPATCH.get(key, ()):
            todo[position] = builder
    found = []
    for position in sorted(todo):
        grade = todo[position](obs)
        if grade is not None:
            found.append(grade)
    return found


# Every term the engine can grade (the CTCAE terms above, CRS and ICANS of rules/grading.py,
# and "any": the highest grade), for checking rule sets.
GRADED_TERMS = frozenset(
    {
        "fever",
        "diarrhea",
        "colitis",
        "rash_maculo_papular",
        "blood_bilirubin_increased",
        "creatinine_increased",
        "neutrophil_count_decreased",
        "febrile_neutropenia",
        "alanine_aminotransferase_increased",
        "aspartate_aminotransferase_increased",
        *(term for term, _table in ENUM_GRADES.values()),
        "crs",
        "icans",
        "any",
    }
)
