"""``oncoparcours triage evaluate|check`` as a user runs it: JSON out, exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HAND_WRITTEN = [
    {
        "id": "fievre",
        "context": {"treatment": "immune_checkpoint_inhibitor", "source": "patient"},
        "observations": {"temperature_c": 39.0},
    },
    {
        "id": "car-t-j3",
        "context": {"treatment": "car_t", "source": "clinician", "days_since_infusion": 3},
        "observations": {
            "temperature_c": 38.5,
            "hypotension": "one_vasopressor",
            "ice": {"orientation": 4, "naming": 3, "commands": 1, "writing": 0, "attention": 1},
        },
    },
    {
        "id": "faute-de-frappe",
        "context": {"treatment": "immune_checkpoint_inhibitor", "source": "patient"},
        "observations": {"temperature_c": 60},
    },
]


def triage(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oncoparcours.cli", "triage", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_evaluate_grades_each_case_and_exits_2_when_one_is_invalid(tmp_path: Path):
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps(HAND_WRITTEN), encoding="utf-8")
    result = triage("evaluate", str(cases))
    assert result.returncode == 2, result.stderr
    fever, car_t, typo = json.loads(result.stdout)
    assert fever["grades"] == [
        {
            "term": "fever",
            "grade": 1,
            "system": "CTCAE-5.0",
            "criterion": fever["grades"][0]["criterion"],
        }
    ]
    assert fever["alert"]["level"] == "urgent"  # default@2: fever on immunotherapy never routine
    assert (car_t["crs"]["grade"], car_t["icans"]["grade"], car_t["icans"]["ice_score"]) == (
        3,
        1,
        9,
    )
    assert car_t["alert"]["level"] == "immediate"
    assert typo["error"]["field"] == "observations.temperature_c"
    assert typo["id"] == "faute-de-frappe"


def test_evaluate_reads_standard_input_and_exits_0_when_all_valid():
    result = triage("evaluate", "-", stdin=json.dumps(HAND_WRITTEN[0]))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["max_grade"] == 1


def test_check_passes_on_the_shipped_vignettes_and_fails_on_a_disagreement(tmp_path: Path):
    shipped = Path(__file__).parents[1] / "rulesets" / "vignettes" / "default@2.json"
    ok = triage("check", str(shipped))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    wrong = json.loads(shipped.read_text(encoding="utf-8"))
    wrong["vignettes"][1]["expected"]["level"] = "emergency"
    disagreeing = tmp_path / "wrong.json"
    disagreeing.write_text(json.dumps(wrong), encoding="utf-8")
    failed = triage("check", str(disagreeing))
    assert failed.returncode == 1
    assert wrong["vignettes"][1]["id"] in failed.stdout + failed.stderr


def test_check_takes_the_rule_set_option_before_or_after_the_file():
    shipped = Path(__file__).parents[1] / "rulesets" / "vignettes" / "asco-organ-2021@2.json"
    before = triage("check", "--rule-set", "asco-organ-2021@2", str(shipped))
    after = triage("check", str(shipped), "--rule-set", "asco-organ-2021@2")
    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert "asco-organ-2021@2: 0 disagreement(s)" in before.stdout
    # The same file judged by another rule set disagrees: the option is really applied.
    assert triage("check", "--rule-set", "default@1", str(shipped)).returncode == 1
