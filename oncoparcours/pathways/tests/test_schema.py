import copy
import re
from pathlib import Path

import pytest
import yaml

from oncoparcours.pathways import criteria
from oncoparcours.pathways.loader import TEMPLATE_DIR
from oncoparcours.pathways.rules import schema

QUALIFICATIONS = {
    "tpe_40h",
    "immunotherapy_initiation",
    "car_t_handling",
    "apheresis_operator",
    "crs_icans_management",
}


def problems(data):
    return schema.validate(data, qualifications=QUALIFICATIONS, checks=criteria.check_names())


def shipped(name="home-immunotherapy.yaml"):
    return yaml.safe_load((TEMPLATE_DIR / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", sorted(p.name for p in TEMPLATE_DIR.glob("*.yaml")))
def test_shipped_templates_are_valid_and_cite_their_source(path):
    """A seed document, or a published guideline with its year."""
    data = shipped(path)
    assert problems(data) == []
    document = data["source"]["document"]
    assert "seed" in document.lower() or re.search(r"\b(19|20)\d{2}\b", document)


def mutate(change):
    data = copy.deepcopy(shipped())
    change(data)
    return [(p.path, p.reason) for p in problems(data)]


def test_unknown_field_is_named_with_its_path():
    found = mutate(lambda d: d["phases"][0]["activities"][1].update(colour="red"))
    assert found == [("phases[0].activities[1].colour", found[0][1])]
    assert "unknown field" in found[0][1]


def test_negative_duration_is_refused():
    found = mutate(lambda d: d["phases"][1].update(duration={"months": -6}))
    assert ("phases[1].duration.months", "must not be negative") in found


def test_unknown_role_and_qualification():
    def change(d):
        d["phases"][0]["responsible_role"] = "wizard"
        d["phases"][1]["activities"][3]["qualifications"] = ["tpe_40h", "juggling"]

    found = dict(mutate(change))
    assert "unknown role 'wizard'" in found["phases[0].responsible_role"]
    assert "unknown qualification 'juggling'" in found["phases[1].activities[3].qualifications[1]"]


def test_cyclic_dependency_is_refused():
    def change(d):
        activities = d["phases"][0]["activities"]
        activities[0]["depends_on"] = [
            "gp-letter-inclusion"
        ]  # which depends on inclusion-consultation

    found = mutate(change)
    assert any(
        "cyclic dependency" in reason and "inclusion-consultation" in reason for _p, reason in found
    )


def test_cyclic_timing_is_refused():
    def change(d):
        d["phases"][0]["activities"][0]["start"] = {"after": "gp-letter-inclusion"}

    found = mutate(change)
    assert any("cyclic timing" in reason for _p, reason in found)


def test_unknown_references_and_checks():
    def change(d):
        d["phases"][0]["activities"][1]["start"]["after"] = "nowhere"
        d["phases"][0]["exit_criteria"][0]["check"] = "looks_fine"
        d["phases"][0]["activities"][2]["recurrence"] = {
            "every": {"weeks": "$unknown"},
            "until": "phase_end",
        }

    found = dict(mutate(change))
    assert "unknown anchor 'nowhere'" in found["phases[0].activities[1].start.after"]
    assert "unknown check 'looks_fine'" in found["phases[0].exit_criteria[0].check"]
    assert "unknown parameter 'unknown'" in found["phases[0].activities[2].recurrence.every.weeks"]


def test_titles_need_both_languages():
    found = dict(mutate(lambda d: d["phases"][0].update(title={"fr": "Séquence"})))
    assert found["phases[0].title.en"] == "required field is missing"


def test_a_choice_default_must_be_a_choice():
    found = dict(mutate(lambda d: d["parameters"]["interval_weeks"].update(default=5)))
    assert "default must be one of the choices" in found["parameters.interval_weeks.default"]


def test_a_non_mapping_file_is_refused():
    assert problems(["not", "a", "template"])[0].reason == "must be a mapping"


def test_fixture_dir_exists():
    assert Path(TEMPLATE_DIR).is_dir()


def test_nurses_is_one_or_two_on_a_liberal_nurse_activity():
    def double(data, value, performer="liberal_nurse"):
        activity = data["phases"][0]["activities"][0]
        activity["performer_role"] = performer
        activity["nurses"] = value

    def about_nurses(found):
        return [reason for path, reason in found if path.endswith(".nurses")]

    assert about_nurses(mutate(lambda d: double(d, 2))) == []
    assert about_nurses(mutate(lambda d: double(d, 3))) == ["must be 1 or 2"]
    assert about_nurses(mutate(lambda d: double(d, 2, "coordination_nurse"))) == [
        "only activities performed by a liberal_nurse"
    ]
