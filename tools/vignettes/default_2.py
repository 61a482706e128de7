"""Writes vignettes/default@2.json: every expected value below was written by hand from the
contract's tables (not computed by the engine)."""
import json
from pathlib import Path


def ctx(treatment, source="patient", days=None):
    c = {"treatment": treatment, "source": source}
    if days is not None:
        c["days_since_infusion"] = days
    return c

V = []
def v(id, description, treatment, obs, source="patient", days=None, **expected):
    V.append({"id": id, "description": description,
              "input": {"context": ctx(treatment, source, days), "observations": obs},
              "expected": expected})
def bad(id, description, item, field):
    V.append({"id": id, "description": description, "input": item,
              "expected": {"error": {"field": field}}})

NOTIFY_FN = ["oncologist", "on_call_physician"]
# --- the default table (rows of default@1, still true) ---------------------------------------
v("d01-no-symptom", "Immunotherapy, 37.2 °C, no extra stools", "immune_checkpoint_inhibitor",
  {"temperature_c": 37.2, "stools_over_baseline_per_day": 0},
  grades={}, crs=None, icans=None, max_grade=0, flags=[], level="none", respond_within_minutes=None)
v("d02-grade-1", "2 extra stools a day on immunotherapy", "immune_checkpoint_inhibitor",
  {"stools_over_baseline_per_day": 2},
  grades={"diarrhea": 1}, max_grade=1, flags=[], level="routine", respond_within_minutes=4320,
  notify=["coordination_nurse"])
v("d03-grade-2", "5 extra stools and mild belly pain", "immune_checkpoint_inhibitor",
  {"stools_over_baseline_per_day": 5, "abdominal_pain": "mild"},
  grades={"diarrhea": 2, "abdominal_pain": 1}, max_grade=2, flags=[], level="urgent",
  respond_within_minutes=1440, notify=["oncologist"])
v("d04-grade-3", "Short of breath at rest", "immune_checkpoint_inhibitor", {"dyspnea": "at_rest"},
  grades={"dyspnea": 3}, max_grade=3, flags=[], level="immediate", respond_within_minutes=60)
v("d05-grade-4", "Life-threatening vomiting on chemotherapy", "chemotherapy",
  {"vomiting": "life_threatening", "nausea": "inadequate_intake"}, source="caregiver",
  grades={"vomiting": 4, "nausea": 3}, max_grade=4, flags=[], level="emergency",
  respond_within_minutes=0)
v("d06-fever-41-long", "41 °C for 30 hours, other treatment", "other",
  {"temperature_c": 41.0, "fever_hours_above_40": 30},
  grades={"fever": 4}, max_grade=4, flags=[], level="emergency", respond_within_minutes=0)
v("d07-car-t-fever", "38.4 °C four days after CAR-T", "car_t", {"temperature_c": 38.4},
  source="caregiver", days=4,
  grades={"fever": 1}, crs=1, icans=None, max_grade=1, flags=[], level="immediate",
  respond_within_minutes=60, notify=["car_t_on_call"])
v("d08-crs-2", "CAR-T, 39.2 °C, hypotension responding to fluids", "car_t",
  {"temperature_c": 39.2, "hypotension": "fluid_responsive", "oxygen": "none"}, source="clinician",
  grades={"fever": 2}, crs=2, icans=None, max_grade=2, flags=[], level="immediate",
  respond_within_minutes=60)
v("d09-crs-3-masked", "Fever masked by tocilizumab, one vasopressor", "car_t",
  {"temperature_c": 37.1, "fever_masked": True, "hypotension": "one_vasopressor"}, source="clinician",
  grades={}, crs=3, icans=None, max_grade=3, flags=[], level="immediate", respond_within_minutes=60)
v("d10-icans-1", "ICE 7/10, awake", "car_t",
  {"ice": {"orientation": 3, "naming": 2, "commands": 1, "writing": 0, "attention": 1}, "consciousness": "awake"},
  source="clinician", grades={}, crs=None, icans=1, max_grade=1, flags=[], level="immediate",
  respond_within_minutes=60)
v("d11-icans-4", "Unarousable, ICE 0", "car_t", {"ice_score": 0, "consciousness": "unarousable"},
  source="clinician", grades={}, crs=None, icans=4, max_grade=4, flags=[], level="emergency",
  respond_within_minutes=0)
v("d12-no-crs-without-fever", "CAR-T, 37.5 °C, hypotension but no fever and not masked", "car_t",
  {"temperature_c": 37.5, "hypotension": "fluid_responsive"}, source="clinician",
  grades={}, crs=None, icans=None, max_grade=0, flags=[], level="none")
v("d13-rash-3", "Rash over 40 % with moderate symptoms", "immune_checkpoint_inhibitor",
  {"rash_bsa_percent": 40, "rash_symptoms": "moderate_or_severe", "pruritus": "widespread_intermittent"},
  source="nurse", grades={"rash_maculo_papular": 3, "pruritus": 2}, max_grade=3, flags=[],
  level="immediate")
v("d14-liver", "ALT 6 × ULN, AST 2.5 × ULN", "immune_checkpoint_inhibitor",
  {"alt_x_uln": 6, "ast_x_uln": 2.5}, source="clinician",
  grades={"alanine_aminotransferase_increased": 3, "aspartate_aminotransferase_increased": 1},
  max_grade=3, flags=[], level="immediate")
# --- fever on chemotherapy or immunotherapy is never routine --------------------------------
v("f01-fever-chemo-no-count", "38.6 °C on chemotherapy, no blood count: call now", "chemotherapy",
  {"temperature_c": 38.6},
  grades={"fever": 1}, crs=None, icans=None, max_grade=1, flags=["suspected_febrile_neutropenia"],
  level="immediate", respond_within_minutes=60, notify=NOTIFY_FN)
v("f02-fever-38-chemo", "38.0 °C on chemotherapy, no count", "chemotherapy", {"temperature_c": 38.0},
  grades={"fever": 1}, max_grade=1, flags=["suspected_febrile_neutropenia"], level="immediate",
  respond_within_minutes=60)
v("f03-37-9-chemo", "37.9 °C on chemotherapy: no fever", "chemotherapy", {"temperature_c": 37.9},
  grades={}, max_grade=0, flags=[], level="none")
v("f04-fever-chemo-count-normal", "38.6 °C on chemotherapy, neutrophils 2.3 (count given)", "chemotherapy",
  {"temperature_c": 38.6, "neutrophils_g_per_l": 2.3},
  grades={"fever": 1}, max_grade=1, flags=[], level="urgent", respond_within_minutes=1440,
  notify=["oncologist"])
v("f05-fever-chemo-count-1-0", "38.6 °C on chemotherapy, neutrophils exactly 1.0", "chemotherapy",
  {"temperature_c": 38.6, "neutrophils_g_per_l": 1.0},
  grades={"fever": 1, "neutrophil_count_decreased": 2}, max_grade=2, flags=[], level="urgent",
  respond_within_minutes=1440)
v("f06-fever-immunotherapy", "38.6 °C on immunotherapy: at least urgent", "immune_checkpoint_inhibitor",
  {"temperature_c": 38.6},
  grades={"fever": 1}, max_grade=1, flags=[], level="urgent", respond_within_minutes=1440,
  notify=["oncologist"])
v("f07-fever-other", "38.6 °C, other treatment: routine", "other", {"temperature_c": 38.6},
  grades={"fever": 1}, max_grade=1, flags=[], level="routine", respond_within_minutes=4320)
# --- febrile neutropenia (CTCAE v5) ----------------------------------------------------------
v("n01-fn-grade-3", "38.4 °C, neutrophils 0.8 on chemotherapy", "chemotherapy",
  {"temperature_c": 38.4, "neutrophils_g_per_l": 0.8},
  grades={"fever": 1, "neutrophil_count_decreased": 3, "febrile_neutropenia": 3}, max_grade=3,
  flags=["suspected_febrile_neutropenia"], level="immediate", respond_within_minutes=60,
  notify=NOTIFY_FN)
v("n02-38-3-single", "38.3 °C once, neutrophils 0.8: not febrile neutropenia by CTCAE", "chemotherapy",
  {"temperature_c": 38.3, "neutrophils_g_per_l": 0.8},
  grades={"fever": 1, "neutrophil_count_decreased": 3}, max_grade=3,
  flags=["suspected_febrile_neutropenia"], level="immediate", respond_within_minutes=60)
v("n03-38-sustained-1h", "38.0 °C for one hour, neutrophils 0.9", "chemotherapy",
  {"temperature_c": 38.0, "fever_hours_at_or_above_38": 1, "neutrophils_g_per_l": 0.9},
  grades={"fever": 1, "neutrophil_count_decreased": 3, "febrile_neutropenia": 3}, max_grade=3,
  flags=["suspected_febrile_neutropenia"], level="immediate")
v("n04-38-half-hour", "38.0 °C for half an hour, neutrophils 0.9", "chemotherapy",
  {"temperature_c": 38.0, "fever_hours_at_or_above_38": 0.5, "neutrophils_g_per_l": 0.9},
  grades={"fever": 1, "neutrophil_count_decreased": 3}, max_grade=3,
  flags=["suspected_febrile_neutropenia"], level="immediate")
v("n05-fn-hypotension-any-treatment", "38.5 °C, neutrophils 0.4, hypotension, not chemotherapy", "other",
  {"temperature_c": 38.5, "neutrophils_g_per_l": 0.4, "hypotension": "fluid_responsive"}, source="nurse",
  grades={"fever": 1, "neutrophil_count_decreased": 4, "febrile_neutropenia": 4}, crs=None,
  max_grade=4, flags=[], level="emergency", respond_within_minutes=0)
v("n06-fn-immunotherapy", "38.9 °C, neutrophils 0.6 on immunotherapy", "immune_checkpoint_inhibitor",
  {"temperature_c": 38.9, "neutrophils_g_per_l": 0.6},
  grades={"fever": 1, "neutrophil_count_decreased": 3, "febrile_neutropenia": 3}, max_grade=3,
  flags=[], level="immediate", respond_within_minutes=60)
v("n07-fn-car-t-hypotension", "CAR-T, 38.5 °C, neutrophils 0.2, one vasopressor", "car_t",
  {"temperature_c": 38.5, "neutrophils_g_per_l": 0.2, "hypotension": "one_vasopressor"}, source="clinician",
  grades={"fever": 1, "neutrophil_count_decreased": 4, "febrile_neutropenia": 4}, crs=3, icans=None,
  max_grade=4, flags=[], level="emergency", respond_within_minutes=0)
v("n08-afebrile-anc-0-3", "Afebrile, neutrophils 0.3", "chemotherapy",
  {"temperature_c": 37.2, "neutrophils_g_per_l": 0.3},
  grades={"neutrophil_count_decreased": 4}, max_grade=4, flags=[], level="emergency")
v("n09-fn-grade-4-count", "38.5 °C, neutrophils 0.3 on chemotherapy: grade 4 count, emergency", "chemotherapy",
  {"temperature_c": 38.5, "neutrophils_g_per_l": 0.3},
  grades={"fever": 1, "neutrophil_count_decreased": 4, "febrile_neutropenia": 3}, max_grade=4,
  flags=["suspected_febrile_neutropenia"], level="emergency", respond_within_minutes=0,
  notify=["on_call_physician"])
for anc, grade, level in ((1.5, None, "none"), (1.49, 2, "urgent"), (0.99, 3, "immediate"),
                          (0.5, 3, "immediate"), (0.49, 4, "emergency")):
    v(f"n-anc-{anc}", f"Neutrophils {anc}, no fever", "other", {"neutrophils_g_per_l": anc},
      grades={} if grade is None else {"neutrophil_count_decreased": grade},
      max_grade=grade or 0, flags=[], level=level)
# --- immune-related organ toxicities ---------------------------------------------------------
for ratio, grade, level in ((1.0, None, "none"), (1.5, 1, "routine"), (1.51, 2, "urgent"), (3.0, 2, "urgent"),
                            (3.01, 3, "immediate"), (6.0, 3, "immediate"), (6.01, 4, "emergency")):
    v(f"c-creatinine-{ratio}", f"Creatinine {ratio} × ULN", "immune_checkpoint_inhibitor",
      {"creatinine_x_uln": ratio}, source="clinician",
      grades={} if grade is None else {"creatinine_increased": grade}, max_grade=grade or 0, flags=[],
      level=level)
v("i01-chest-pain-mild-ici", "Mild chest pain on immunotherapy: suspected myocarditis", "immune_checkpoint_inhibitor",
  {"chest_pain": "mild"},
  grades={"chest_pain_cardiac": 1}, max_grade=1, flags=["suspected_myocarditis_myositis"],
  level="immediate", respond_within_minutes=60, notify=["oncologist"])
v("i02-chest-pain-mild-chemo", "Mild chest pain on chemotherapy: no flag", "chemotherapy",
  {"chest_pain": "mild"},
  grades={"chest_pain_cardiac": 1}, max_grade=1, flags=[], level="routine")
v("i03-chest-pain-severe-ici", "Chest pain at rest on immunotherapy", "immune_checkpoint_inhibitor",
  {"chest_pain": "severe"},
  grades={"chest_pain_cardiac": 3}, max_grade=3, flags=["suspected_myocarditis_myositis"],
  level="immediate", respond_within_minutes=60)
v("i04-weakness-1-ici", "Muscle weakness not limiting, immunotherapy", "immune_checkpoint_inhibitor",
  {"muscle_weakness": "symptomatic_not_limiting"},
  grades={"generalized_muscle_weakness": 1}, max_grade=1, flags=[], level="routine")
v("i05-weakness-2-ici", "Muscle weakness limiting housework, immunotherapy", "immune_checkpoint_inhibitor",
  {"muscle_weakness": "limits_instrumental_adl"},
  grades={"generalized_muscle_weakness": 2}, max_grade=2, flags=["suspected_myocarditis_myositis"],
  level="immediate", respond_within_minutes=60)
v("i06-weakness-3-other", "Muscle weakness limiting self-care, other treatment", "other",
  {"muscle_weakness": "limits_self_care_adl"},
  grades={"generalized_muscle_weakness": 3}, max_grade=3, flags=[], level="immediate")
v("i07-headache-1-ici", "Mild headache on immunotherapy", "immune_checkpoint_inhibitor",
  {"headache": "mild"},
  grades={"headache": 1}, max_grade=1, flags=[], level="routine")
v("i08-headache-2-ici", "Moderate headache on immunotherapy: suspected hypophysitis", "immune_checkpoint_inhibitor",
  {"headache": "moderate"},
  grades={"headache": 2}, max_grade=2, flags=["suspected_hypophysitis"], level="urgent",
  respond_within_minutes=1440, notify=["oncologist"])
v("i09-headache-3-ici", "Severe headache on immunotherapy", "immune_checkpoint_inhibitor",
  {"headache": "severe"},
  grades={"headache": 3}, max_grade=3, flags=["suspected_hypophysitis"], level="immediate",
  respond_within_minutes=60)
v("i10-headache-2-chemo", "Moderate headache on chemotherapy: no flag", "chemotherapy",
  {"headache": "moderate"},
  grades={"headache": 2}, max_grade=2, flags=[], level="urgent")
v("i11-both-flags", "Chest pain and moderate headache on immunotherapy", "immune_checkpoint_inhibitor",
  {"chest_pain": "mild", "headache": "moderate"},
  grades={"chest_pain_cardiac": 1, "headache": 2}, max_grade=2,
  flags=["suspected_hypophysitis", "suspected_myocarditis_myositis"], level="immediate",
  respond_within_minutes=60)
v("i12-fever-headache-ici", "38.2 °C and moderate headache on immunotherapy", "immune_checkpoint_inhibitor",
  {"temperature_c": 38.2, "headache": "moderate"},
  grades={"fever": 1, "headache": 2}, max_grade=2, flags=["suspected_hypophysitis"], level="urgent",
  respond_within_minutes=1440)
# --- relatives' neurological watch after CAR-T -----------------------------------------------
v("r01-confusion-car-t", "Caregiver sees confusion after CAR-T", "car_t",
  {"neuro_changes": ["confusion"]}, source="caregiver", days=6,
  grades={}, crs=None, icans=None, max_grade=0, flags=["icans_screen_positive"], level="immediate",
  respond_within_minutes=60, notify=["car_t_on_call"])
v("r02-several-changes", "Handwriting change and tremor", "car_t",
  {"neuro_changes": ["handwriting_change", "tremor", "unusual_drowsiness"]}, source="caregiver",
  grades={}, max_grade=0, flags=["icans_screen_positive"], level="immediate", respond_within_minutes=60)
v("r03-seizure-witnessed", "Caregiver witnessed a seizure after CAR-T", "car_t",
  {"neuro_changes": ["word_finding_difficulty", "seizure_witnessed"]}, source="caregiver",
  grades={}, max_grade=0, flags=["icans_screen_positive"], level="emergency", respond_within_minutes=0)
v("r04-empty", "Caregiver answered: no change", "car_t", {"neuro_changes": []}, source="caregiver",
  grades={}, max_grade=0, flags=[], level="none")
v("r05-not-car-t", "Confusion reported on immunotherapy: the screen is a CAR-T one", "immune_checkpoint_inhibitor",
  {"neuro_changes": ["confusion"]}, source="caregiver",
  grades={}, max_grade=0, flags=[], level="none")
v("r06-fever-and-tremor", "CAR-T, 38.2 °C and tremor", "car_t",
  {"temperature_c": 38.2, "neuro_changes": ["tremor"]}, source="caregiver",
  grades={"fever": 1}, crs=1, icans=None, max_grade=1, flags=["icans_screen_positive"],
  level="immediate", respond_within_minutes=60)
# --- invalid inputs: a clear error naming the field ------------------------------------------
bad("x01-neuro-unknown-item", "An item outside the list",
    {"context": ctx("car_t", "caregiver"), "observations": {"neuro_changes": ["headache"]}},
    "observations.neuro_changes")
bad("x02-neuro-repeated", "The same item twice",
    {"context": ctx("car_t", "caregiver"), "observations": {"neuro_changes": ["tremor", "tremor"]}},
    "observations.neuro_changes")
bad("x03-neuro-not-a-list", "A single string instead of a list",
    {"context": ctx("car_t", "caregiver"), "observations": {"neuro_changes": "confusion"}},
    "observations.neuro_changes")
bad("x04-anc-too-high", "Neutrophils above 100",
    {"context": ctx("chemotherapy"), "observations": {"neutrophils_g_per_l": 150}},
    "observations.neutrophils_g_per_l")
bad("x05-anc-string", "Neutrophils as text",
    {"context": ctx("chemotherapy"), "observations": {"neutrophils_g_per_l": "0.5"}},
    "observations.neutrophils_g_per_l")
bad("x06-hours-negative", "Negative fever duration",
    {"context": ctx("chemotherapy"), "observations": {"fever_hours_at_or_above_38": -2}},
    "observations.fever_hours_at_or_above_38")
bad("x07-creatinine-negative", "Negative creatinine ratio",
    {"context": ctx("immune_checkpoint_inhibitor"), "observations": {"creatinine_x_uln": -1}},
    "observations.creatinine_x_uln")
bad("x08-chest-pain-unknown", "Chest pain value outside the list",
    {"context": ctx("immune_checkpoint_inhibitor"), "observations": {"chest_pain": "crushing"}},
    "observations.chest_pain")
bad("x09-weakness-unknown", "Muscle weakness value outside the list",
    {"context": ctx("immune_checkpoint_inhibitor"), "observations": {"muscle_weakness": "severe"}},
    "observations.muscle_weakness")
bad("x10-headache-boolean", "Headache given as true",
    {"context": ctx("immune_checkpoint_inhibitor"), "observations": {"headache": True}},
    "observations.headache")
bad("x11-no-treatment", "Context without treatment",
    {"context": {"source": "patient"}, "observations": {"temperature_c": 38.2}}, "context.treatment")
bad("x12-unknown-key", "An observation the contract does not know",
    {"context": ctx("chemotherapy"), "observations": {"neutrophils": 0.4}}, "observations.neutrophils")
bad("x13-creatinine-too-high", "Creatinine above 100 × ULN",
    {"context": ctx("other"), "observations": {"creatinine_x_uln": 101}}, "observations.creatinine_x_uln")

out = {
    "rule_set": "default@2",
    "author": "Clinical vignettes for the default policy, version 2: every row and flag of the triage contract (shared/docs/triage-contract.md), each threshold on both sides, and invalid inputs. Expected values written from the contract's tables.",
    "vignettes": [],
}
lines = ["{", f'  "rule_set": {json.dumps(out["rule_set"])},', f'  "author": {json.dumps(out["author"], ensure_ascii=False)},', '  "vignettes": [']
for i, case in enumerate(V):
    sep = "," if i < len(V) - 1 else ""
    lines.append("    " + json.dumps(case, ensure_ascii=False) + sep)
lines += ["  ]", "}"]
open(Path(__file__).resolve().parents[2] / "oncoparcours/monitoring/rulesets/vignettes/default@2.json", "w", encoding="utf-8").write("\n".join(lines) + "\n")
print(len(V), "vignettes")
