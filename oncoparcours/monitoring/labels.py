"""Human labels for the triage contract's identifiers (terms, notified roles, observation keys).
The contract keeps English identifiers; people read these labels."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

TERM_LABELS = {
    "fever": _("Fever"),
    "diarrhea": _("Diarrhoea"),
    "colitis": _("Colitis"),
    "abdominal_pain": _("Abdominal pain"),
    "alanine_aminotransferase_increased": _("ALT increased"),
    "aspartate_aminotransferase_increased": _("AST increased"),
    "blood_bilirubin_increased": _("Bilirubin increased"),
    "hepatitis": _("Hepatitis"),
    "dyspnea": _("Dyspnoea"),
    "pneumonitis": _("Pneumonitis"),
    "fatigue": _("Fatigue"),
    "rash_maculo_papular": _("Maculopapular rash"),
    "pruritus": _("Pruritus"),
    "nausea": _("Nausea"),
    "vomiting": _("Vomiting"),
    "hypothyroidism": _("Hypothyroidism"),
    "hyperthyroidism": _("Hyperthyroidism"),
    "adrenal_insufficiency": _("Adrenal insufficiency"),
    "hypophysitis": _("Hypophysitis"),
    "cytokine_release_syndrome": _("Cytokine release syndrome (CRS)"),
    # The triage engine's names for the ASTCT 2019 gradings (rules/grading.py grade_of).
    "crs": _("Cytokine release syndrome (CRS)"),
    "icans": _("Immune effector cell-associated neurotoxicity syndrome (ICANS)"),
    "infection": _("Infection"),
    "neutrophil_count_decreased": _("Neutrophil count decreased"),
    "febrile_neutropenia": _("Febrile neutropenia"),
    "creatinine_increased": _("Creatinine increased"),
    "chest_pain_cardiac": _("Chest pain (cardiac)"),
    "generalized_muscle_weakness": _("Generalised muscle weakness"),
    "headache": _("Headache"),
    "other": _("Other"),
}

# Suspicions the triage raises that a grade alone misses (triage contract, default@2).
FLAG_LABELS = {
    "suspected_febrile_neutropenia": _("Suspected febrile neutropenia"),
    "icans_screen_positive": _("Neurological change seen after CAR-T (ICANS screen positive)"),
    "suspected_myocarditis_myositis": _("Suspected immune myocarditis / myositis"),
    "suspected_hypophysitis": _("Suspected hypophysitis"),
}

# What relatives may see after CAR-T, as the care team reads it.
NEURO_CHANGE_LABELS = {
    "confusion": _("confusion"),
    "word_finding_difficulty": _("word-finding difficulty"),
    "handwriting_change": _("handwriting change"),
    "tremor": _("tremor"),
    "unusual_drowsiness": _("unusual drowsiness"),
    "seizure_witnessed": _("seizure witnessed"),
}

ROLE_LABELS = {
    "coordination_nurse": _("coordination nurse"),
    "oncologist": _("oncologist"),
    "car_t_on_call": _("CAR-T on-call"),
    "on_call_physician": _("on-call physician"),
    "icu_on_call": _("intensive-care on-call"),
    "neurology_on_call": _("neurology on-call"),
    "care_team_lead": _("care team lead (nobody with the role)"),
}

OBSERVATION_LABELS = {
    "temperature_c": _("Temperature (°C)"),
    "fever_hours_above_40": _("Hours above 40 °C"),
    "fever_masked": _("Fever masked by treatment"),
    "stools_over_baseline_per_day": _("Stools over baseline per day"),
    "blood_or_mucus_in_stool": _("Blood or mucus in stool"),
    "abdominal_pain": _("Abdominal pain"),
    "dyspnea": _("Dyspnoea"),
    "fatigue": _("Fatigue"),
    "rash_bsa_percent": _("Rash, body surface area (%)"),
    "rash_symptoms": _("Rash symptoms"),
    "pruritus": _("Pruritus"),
    "nausea": _("Nausea"),
    "vomiting": _("Vomiting"),
    "hypotension": _("Hypotension"),
    "oxygen": _("Oxygen"),
    "ice": _("ICE score items"),
    "consciousness": _("Level of consciousness"),
    "seizure": _("Seizure"),
    "motor_weakness": _("Motor findings"),
    "raised_icp": _("Raised intracranial pressure / cerebral oedema"),
    "alt_x_uln": _("ALT (× upper limit of normal)"),
    "ast_x_uln": _("AST (× upper limit of normal)"),
    "bilirubin_x_uln": _("Bilirubin (× upper limit of normal)"),
    "pneumonitis": _("Pneumonitis"),
    "systolic_bp": _("Systolic blood pressure (mmHg)"),
    "diastolic_bp": _("Diastolic blood pressure (mmHg)"),
    "heart_rate": _("Heart rate (/min)"),
    "spo2": _("SpO2 (%)"),
    "weight_kg": _("Weight (kg)"),
    "neutrophils_g_per_l": _("Neutrophils (× 10⁹/L)"),
    "fever_hours_at_or_above_38": _("Hours at or above 38 °C"),
    "creatinine_x_uln": _("Creatinine (× upper limit of normal)"),
    "chest_pain": _("Chest pain"),
    "muscle_weakness": _("Muscle weakness"),
    "headache": _("Headache"),
    "neuro_changes": _("Changes seen by relatives"),
}


def term_label(term: str) -> str:
    return str(TERM_LABELS.get(term, term.replace("_", " ")))


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role.replace("_", " ")))


def flag_label(flag: str) -> str:
    return str(FLAG_LABELS.get(flag, flag.replace("_", " ")))


# The rules of the shipped rule sets (monitoring/rulesets/), as the care team reads them; the id
# stays in the page as a tooltip, for tracing back to the rule-set file.
RULE_LABELS = {
    "grade-1": _("Grade 1 symptom"),
    "grade-2": _("Grade 2 symptom"),
    "grade-3": _("Grade 3 symptom"),
    "any-grade-4": _("Grade 4 symptom"),
    "fever-on-chemotherapy-or-immunotherapy": _("Fever on chemotherapy or immunotherapy"),
    "febrile-on-chemotherapy-oncologist": _("Suspected febrile neutropenia: oncologist"),
    "emergency-febrile-on-chemotherapy": _("Fever on chemotherapy: emergency"),
    "car-t-any-sign": _("Any sign after CAR-T"),
    "car-t-grade-3": _("Grade 3 or more after CAR-T"),
    "car-t-team": _("Sign after CAR-T: CAR-T team"),
    "car-t-crs-or-icans-2-icu": _("CRS or ICANS grade 2 or more after CAR-T: intensive care"),
    "car-t-neurological-sign-neurology": _("Neurological sign after CAR-T: neurology"),
    "car-t-relatives-neurological-watch-neurology": _(
        "Change seen by relatives after CAR-T: neurology"
    ),
    "car-t-relatives-watch-team": _("Change seen by relatives after CAR-T: CAR-T team"),
    "emergency-after-car-t": _("Emergency after CAR-T"),
    "seizure-witnessed-after-car-t": _("Seizure witnessed after CAR-T"),
    "icans-screen-positive": _("Neurological change after CAR-T (ICANS screen positive)"),
    "colitis-2": _("Colitis grade 2 or more"),
    "diarrhea-2": _("Diarrhoea grade 2 or more on immunotherapy"),
    "hepatitis-3": _("Liver enzymes (ALT or AST) grade 3 or more"),
    "pneumonitis-2": _("Pneumonitis grade 2 or more"),
    "suspected-febrile-neutropenia": _("Suspected febrile neutropenia"),
    "suspected-hypophysitis": _("Suspected hypophysitis"),
    "hypophysitis-oncologist": _("Suspected hypophysitis: oncologist"),
    "suspected-myocarditis-myositis": _("Suspected immune myocarditis / myositis"),
    "myocarditis-oncologist": _("Suspected myocarditis: oncologist"),
    # not a rule set's rule: the weekly reminder of a patient who stopped reporting
    "missing-report": _("Missing report"),
}


def rule_label(rule_id: str) -> str:
    return str(RULE_LABELS.get(rule_id, rule_id))


# --- rules in words (the rule-set page) ----------------------------------------------------------


def deadline_text(minutes: int | None) -> str:
    """A response deadline as people say it: "immediately", "within the hour", "within 24 hours",
    "within 3 days" (never a count of minutes above an hour)."""
    from django.utils.translation import gettext, ngettext

    if minutes is None:
        return gettext("no deadline")
    if minutes == 0:
        return gettext("immediately")
    if minutes == 60:
        return gettext("within the hour")
    if minutes < 60:
        return ngettext("within %(count)s minute", "within %(count)s minutes", minutes) % {
            "count": minutes
        }
    if minutes % 1440 == 0 and minutes >= 2880:
        days = minutes // 1440
        return ngettext("within %(count)s day", "within %(count)s days", days) % {"count": days}
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("within %(count)s hour", "within %(count)s hours", hours) % {"count": hours}
    return gettext("within %(hours)s h %(minutes)02d") % {
        "hours": minutes // 60,
        "minutes": minutes % 60,
    }


def _lower_first(text: object) -> str:
    """A label inside a sentence: its first letter in lower case, acronyms kept ("CAR-T")."""
    text = str(text)
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[1].isupper():  # an acronym: ALAT, CRS, ICANS
        return text
    return text[:1].lower() + text[1:]


def _either(items: list[str]) -> str:
    """Alternatives: any one is enough ("A, B ou C")."""
    from django.utils.translation import gettext

    if len(items) <= 1:
        return "".join(items)
    return gettext("%(first)s or %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _all(items: list[str]) -> str:
    """Conditions that must all hold ("A, B et C")."""
    from django.utils.translation import gettext

    if len(items) <= 1:
        return "".join(items)
    return gettext("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


# Terms graded on the ASTCT 2019 consensus scale rather than CTCAE (rules/grading.py).
ASTCT_TERMS = frozenset({"crs", "icans"})


def _term_text(condition: dict) -> str:
    from django.utils.translation import gettext

    name = condition.get("term", "any")
    term = gettext("any symptom") if name == "any" else _lower_first(term_label(name))
    if "grade" in condition:
        text = gettext("%(term)s of grade %(grade)s") % {"term": term, "grade": condition["grade"]}
    elif "grade_at_least" in condition:
        text = gettext("%(term)s of grade %(grade)s or more") % {
            "term": term,
            "grade": condition["grade_at_least"],
        }
    else:
        return gettext("%(term)s reported") % {"term": term}
    if name in ASTCT_TERMS:
        return gettext("%(condition)s (ASTCT 2019 grading)") % {"condition": text}
    return text


# The order in which a rule's conditions are worded (every key of rules/policy.py).
CONDITION_ORDER = (
    "max_grade",
    "max_grade_at_least",
    "term",
    "any_of",
    "flag",
    "observation_includes",
    "treatment",
    "source",
)


def condition_parts(when: dict) -> list[str]:
    """The conditions of a triage rule in words, one item per condition that must hold (a
    list of flags is one item per flag: each must be raised; a list of treatments or sources,
    and ``any_of``, are one item: any one of them is enough)."""
    from django.utils.translation import gettext

    from .models import Source, Treatment
    from .observation_values import coded_answer_label

    parts: list[str] = []
    if "max_grade" in when:
        parts.append(
            gettext("the most severe symptom is of grade %(grade)s") % {"grade": when["max_grade"]}
        )
    if "max_grade_at_least" in when:
        parts.append(
            gettext("a symptom of grade %(grade)s or more") % {"grade": when["max_grade_at_least"]}
        )
    if "term" in when:
        parts.append(_term_text(when))
    if "any_of" in when:
        parts.append(
            gettext("at least one of these signs (%(conditions)s)")
            % {"conditions": _either([_term_text(c) for c in when["any_of"]])}
        )
    if "flag" in when:
        flags = when["flag"] if isinstance(when["flag"], list) else [when["flag"]]
        parts += [_lower_first(flag_label(f)) for f in flags]
    for key, value in (when.get("observation_includes") or {}).items():
        parts.append(
            gettext("“%(answer)s” among the %(observation)s")
            % {
                "observation": _lower_first(OBSERVATION_LABELS.get(key, key)),
                "answer": _lower_first(coded_answer_label(key, value)),
            }
        )
    if "treatment" in when:
        treatments = when["treatment"]
        treatments = treatments if isinstance(treatments, list) else [treatments]
        labels = [
            _lower_first(Treatment(t).label) if t in Treatment.values else t for t in treatments
        ]
        parts.append(gettext("on %(treatments)s") % {"treatments": _either(labels)})
    if "source" in when:
        sources = when["source"] if isinstance(when["source"], list) else [when["source"]]
        labels = [_lower_first(Source(s).label) if s in Source.values else s for s in sources]
        parts.append(gettext("reported by %(sources)s") % {"sources": _either(labels)})
    return parts


def condition_text(when: dict) -> str:
    """The condition of a triage rule as a French sentence, e.g. "If fever of grade 1 or more
    and on chemotherapy or immunotherapy (checkpoint inhibitor)": conditions that must all hold
    are joined by "and", alternatives by "or", as the engine evaluates them (a test walks every
    rule of the shipped rule sets and checks the engine against the words)."""
    from django.utils.translation import gettext

    return gettext("If %(conditions)s") % {"conditions": _all(condition_parts(when))}


def rule_sentence(rule: object) -> str:
    """One rule as a sentence: condition → level and response deadline."""
    from django.utils.translation import gettext

    from .models import Level

    when = getattr(rule, "when", {})
    level = getattr(rule, "level", "")
    minutes = getattr(rule, "respond_within_minutes", None)
    words = {
        "condition": condition_text(when),
        "level": _lower_first(Level(level).label) if level in Level.values else level,
        "deadline": deadline_text(minutes),
    }
    if minutes == 0:
        return gettext("%(condition)s: %(level)s alert, answered without delay.") % words
    return gettext("%(condition)s: %(level)s alert, answered %(deadline)s.") % words


# The grading criterion a report stores (rules/terms.py, English, the grading system's
# wording) as the care team reads it: a known criterion in words, numbers with a decimal comma
# and ranges with "à" ("38.0-39.0 °C" → "38,0 à 39,0 °C"); an unknown one keeps its words.
CRITERION_LABELS = {
    "1-3 stools/day over baseline": _("1-3 stools/day over baseline"),
    "10-30% BSA": _("10-30% BSA"),
    "38.0-39.0 °C": _("38.0-39.0 °C"),
    "4-6 stools/day over baseline": _("4-6 stools/day over baseline"),
    "<0.5 x 10e9/L": _("<0.5 x 10e9/L"),
    "<1.0-0.5 x 10e9/L": _("<1.0-0.5 x 10e9/L"),
    "<1.5-1.0 x 10e9/L": _("<1.5-1.0 x 10e9/L"),
    "<10% BSA": _("<10% BSA"),
    ">1.5-3.0 x ULN": _(">1.5-3.0 x ULN"),
    ">10.0 x ULN": _(">10.0 x ULN"),
    ">20.0 x ULN": _(">20.0 x ULN"),
    ">3.0-10.0 x ULN": _(">3.0-10.0 x ULN"),
    ">3.0-5.0 x ULN": _(">3.0-5.0 x ULN"),
    ">3.0-6.0 x ULN": _(">3.0-6.0 x ULN"),
    ">30% BSA with moderate or severe symptoms": _(">30% BSA with moderate or severe symptoms"),
    ">30% BSA with or without mild symptoms": _(">30% BSA with or without mild symptoms"),
    ">39.0-40.0 °C": _(">39.0-40.0 °C"),
    ">40.0 °C for 24 hours or less": _(">40.0 °C for 24 hours or less"),
    ">40.0 °C for more than 24 hours": _(">40.0 °C for more than 24 hours"),
    ">5.0-20.0 x ULN": _(">5.0-20.0 x ULN"),
    ">6.0 x ULN": _(">6.0 x ULN"),
    ">=7 stools/day over baseline": _(">=7 stools/day over baseline"),
    ">ULN-1.5 x ULN": _(">ULN-1.5 x ULN"),
    ">ULN-3.0 x ULN": _(">ULN-3.0 x ULN"),
    "asymptomatic; clinical or diagnostic observations only": _(
        "asymptomatic; clinical or diagnostic observations only"
    ),
    "blood or mucus in stool": _("blood or mucus in stool"),
    "fatigue not relieved by rest; limiting self-care ADL": _(
        "fatigue not relieved by rest; limiting self-care ADL"
    ),
    "fatigue relieved by rest": _("fatigue relieved by rest"),
    "inadequate oral caloric or fluid intake": _("inadequate oral caloric or fluid intake"),
    "intervention not indicated": _("intervention not indicated"),
    "life-threatening consequences": _("life-threatening consequences"),
    "life-threatening respiratory compromise": _("life-threatening respiratory compromise"),
    "limiting self-care ADL": _("limiting self-care ADL"),
    "loss of appetite without alteration in eating habits": _(
        "loss of appetite without alteration in eating habits"
    ),
    "mild or localized": _("mild or localized"),
    "mild pain": _("mild pain"),
    "moderate pain; limiting instrumental ADL": _("moderate pain; limiting instrumental ADL"),
    "moderate pain; pain on exertion; limiting instrumental ADL": _(
        "moderate pain; pain on exertion; limiting instrumental ADL"
    ),
    "oral intake decreased": _("oral intake decreased"),
    "pain at rest; limiting self-care ADL": _("pain at rest; limiting self-care ADL"),
    "peritoneal signs": _("peritoneal signs"),
    "severe pain; limiting self-care ADL": _("severe pain; limiting self-care ADL"),
    "severe symptoms; oxygen indicated": _("severe symptoms; oxygen indicated"),
    "shortness of breath at rest": _("shortness of breath at rest"),
    "shortness of breath with minimal exertion": _("shortness of breath with minimal exertion"),
    "shortness of breath with moderate exertion": _("shortness of breath with moderate exertion"),
    "symptomatic; limiting instrumental ADL": _("symptomatic; limiting instrumental ADL"),
    "symptomatic; perceived by the patient": _("symptomatic; perceived by the patient"),
    "widespread and constant": _("widespread and constant"),
    "widespread and intermittent": _("widespread and intermittent"),
}
_RANGE = re.compile(r"(\d+(?:\.\d+)?|ULN)-(\d+(?:\.\d+)?)")
_NUMBER = re.compile(r"(?<![\w.])(\d+)\.(\d+)")


def criterion_text(criterion: str) -> str:
    """A stored grading criterion in the page's language (French numbers and ranges)."""
    from django.utils.translation import get_language

    known = CRITERION_LABELS.get(criterion)
    text = str(known) if known is not None else str(criterion)
    if not (get_language() or "fr").startswith("fr"):
        return text
    text = _RANGE.sub(lambda m: f"{m.group(1)} à {m.group(2)}", text)
    return _NUMBER.sub(lambda m: f"{m.group(1)},{m.group(2)}", text)
