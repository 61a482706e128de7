"""The rule-set page reads as French sentences (issue 14 try-out): every rule of every shipped
rule set is shown as its condition in words → level and deadline in hours or days, with its
source; no rule id, no condition dictionary, no count of minutes above an hour."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from oncoparcours.monitoring.labels import condition_text, deadline_text
from oncoparcours.monitoring.models import TriageRuleSet
from oncoparcours.monitoring.services.rulesets import compiled

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (0, "immédiatement"),
        (15, "dans les 15 minutes"),
        (60, "dans l’heure"),
        (240, "dans les 4 heures"),
        (1440, "dans les 24 heures"),
        (4320, "dans les 3 jours"),
        (90, "dans 1 h 30"),
    ],
)
def test_deadlines_in_french_words(minutes, words):
    with translation.override("fr"):
        assert deadline_text(minutes) == words


def test_a_condition_reads_as_a_sentence():
    when = {"term": "fever", "grade_at_least": 1, "treatment": ["chemotherapy", "car_t"]}
    with translation.override("fr"):
        text = condition_text(when)
    assert text.startswith("Si fièvre de grade 1 ou plus et sous chimiothérapie ou cellules CAR-T")


def test_every_shipped_rule_set_page_shows_rules_in_words(client: Client, clinician):
    client.force_login(clinician.user)
    rule_sets = list(TriageRuleSet.objects.all())
    assert rule_sets
    for rule_set in rule_sets:
        page = client.get(reverse("monitoring:rule_set", args=[rule_set.pk]))
        assert page.status_code == 200
        body = page.content.decode()
        visible = re.sub(r'title="[^"]*"', "", body)
        for rule in compiled(rule_set).rules:
            assert f">{rule.id}<" not in visible and f"<code>{rule.id}" not in visible
        assert "{&#x27;" not in body and "{'" not in body, "a condition shown as a dict"
        assert not re.search(r"\b\d{3,} min\b", body), "a deadline in minutes"
        assert "Si " in body and "alerte" in body


# --- the words say what the engine evaluates ----------------------------------------------------

from oncoparcours.monitoring import triage  # noqa: E402
from oncoparcours.monitoring.labels import CONDITION_ORDER, condition_parts  # noqa: E402
from oncoparcours.monitoring.rules import policy  # noqa: E402
from oncoparcours.monitoring.rules.grading import Assessment, Grade, Grading  # noqa: E402
from oncoparcours.monitoring.rules.observations import SOURCES, TREATMENTS  # noqa: E402


def _as_list(value):
    return value if isinstance(value, list) else [value]


class World:
    """What the engine reads, set condition by condition (``policy.matches`` is pure)."""

    def __init__(self, when):
        self.max_grade = when.get("max_grade", 0)
        self.treatment = _as_list(when.get("treatment", "other"))[0]
        self.source = _as_list(when.get("source", "patient"))[0]
        self.grades: dict[str, int] = {}
        self.flags = set(_as_list(when.get("flag", [])))
        self.observations = {k: [v] for k, v in (when.get("observation_includes") or {}).items()}
        if "max_grade_at_least" in when:
            self.max_grade = max(self.max_grade, when["max_grade_at_least"])
        if "term" in when:
            self.set_term(when, satisfied=True)
        for index, alternative in enumerate(when.get("any_of", [])):
            self.set_term(alternative, satisfied=index == 0)

    def set_term(self, condition, *, satisfied):
        wanted = condition.get("grade", condition.get("grade_at_least", 1))
        grade = wanted if satisfied else wanted - 1
        if condition["term"] == "any":
            self.max_grade = grade
        else:
            self.grades[condition["term"]] = grade

    def matches(self, when):
        grades = tuple(
            Grade(t, g, "CTCAE-5.0", "")
            for t, g in self.grades.items()
            if t not in {"crs", "icans"}
        )
        grading = Grading(
            grades,
            self.grades.get("crs"),
            self.grades.get("icans"),
            None,
            self.max_grade,
            tuple(sorted(self.flags)),
        )
        assessment = Assessment(None, self.treatment, self.source, None, self.observations)
        return policy.matches(when, assessment, grading)


def _breakers(when):
    """One way to make each condition that must hold fail, the others untouched."""
    if "max_grade" in when:
        yield "max_grade", lambda w: setattr(w, "max_grade", when["max_grade"] + 1)
    if "max_grade_at_least" in when:
        yield (
            "max_grade_at_least",
            lambda w: setattr(w, "max_grade", when["max_grade_at_least"] - 1),
        )
    if "term" in when:
        yield "term", lambda w: w.set_term(when, satisfied=False)
    if "any_of" in when:

        def none_of(w):
            for alternative in when["any_of"]:
                w.set_term(alternative, satisfied=False)

        yield "any_of", none_of
    for flag in _as_list(when.get("flag", [])):
        yield f"flag {flag}", lambda w, flag=flag: w.flags.discard(flag)
    for key in when.get("observation_includes") or {}:
        yield f"observation {key}", lambda w, key=key: w.observations.__setitem__(key, [])
    if "treatment" in when:
        other = next(t for t in TREATMENTS if t not in _as_list(when["treatment"]))
        yield "treatment", lambda w: setattr(w, "treatment", other)
    if "source" in when:
        other = next(s for s in SOURCES if s not in _as_list(when["source"]))
        yield "source", lambda w: setattr(w, "source", other)


def _shipped_conditions():
    for label in triage.shipped_rule_sets():
        rule_set = triage.load_rule_set(label)
        for rule in (*rule_set.rules, *rule_set.also_notify):
            yield pytest.param(rule.when, id=f"{label}:{rule.id}")


def _alone(key, when):
    """One condition in words, as the page words it on its own (a term with its grade)."""
    if key == "term":
        return condition_parts(
            {k: when[k] for k in ("term", "grade", "grade_at_least") if k in when}
        )
    return condition_parts({key: when[key]})


@pytest.mark.parametrize("when", list(_shipped_conditions()))
def test_every_shipped_rule_reads_what_the_engine_evaluates(when):
    # The engine: every condition must hold ("et"), any one alternative is enough ("ou").
    assert World(when).matches(when)
    for name, breaker in _breakers(when):
        world = World(when)
        breaker(world)
        assert not world.matches(when), f"{name} is not required by the engine"
    for index, alternative in enumerate(when.get("any_of", [])):
        world = World(when)
        for other in when["any_of"]:
            world.set_term(other, satisfied=other is alternative)
        assert world.matches(when), f"alternative {index} alone is not enough for the engine"
    # The words: one item per required condition, joined by "et"; alternatives joined by "ou".
    with translation.override("fr"):
        parts = [part for key in CONDITION_ORDER if key in when for part in _alone(key, when)]
        expected = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]
        assert condition_text(when) == "Si " + expected
        assert len(parts) == len(list(_breakers(when)))
        if len(when.get("any_of", [])) > 1:
            alternatives = [condition_text(a).removeprefix("Si ") for a in when["any_of"]]
            either = ", ".join(alternatives[:-1]) + " ou " + alternatives[-1]
            assert f"au moins un de ces signes ({either})" in condition_text(when)


def test_crs_and_icans_are_named_in_full_with_their_astct_grading():
    when = {
        "any_of": [{"term": "crs", "grade_at_least": 2}, {"term": "icans", "grade_at_least": 1}]
    }
    with translation.override("fr"):
        text = condition_text(when)
    assert "syndrome de relargage de cytokines (CRS) de grade 2 ou plus" in text
    assert "neurotoxicité" in text and "(ICANS) de grade 1 ou plus" in text
    assert text.count("ASTCT 2019") == 2
    assert "crs" not in text


def test_rule_set_pages_name_rule_sets_by_title_not_by_file_or_label(client: Client, clinician):
    client.force_login(clinician.user)
    pages = [client.get(reverse("monitoring:rule_sets")).content.decode()]
    for rule_set in TriageRuleSet.objects.all():
        url = reverse("monitoring:rule_set", args=[rule_set.pk])
        pages.append(client.get(url).content.decode())
    for body in pages:
        visible = re.sub(r'title="[^"]*"', "", body)
        assert ".yaml" not in visible, "a file name"
        assert not re.search(r"\b[a-z0-9-]+@\d+\b", visible), "a rule-set label"
        assert "Références" in visible
    stricter = TriageRuleSet.objects.get(code="asco-organ-2021", version=2)
    body = client.get(reverse("monitoring:rule_set", args=[stricter.pk])).content.decode()
    assert "Étend « Politique de tri par défaut (version 2) »" in body


def test_a_source_line_joins_its_citations_in_french():
    from oncoparcours.monitoring.templatetags.monitoring import cite
    from oncoparcours.monitoring.triage import rule_set_file

    source = rule_set_file("asco-organ-2021@2")["source"]
    with translation.override("fr"):
        cited = cite(source)
    assert "on top of" not in cited and "default@2" not in cited
    assert "en complément de la politique par défaut « " in cited
    assert "Schneider et al., J Clin Oncol 2021" in cited  # the citation itself is kept


def test_the_rules_page_lists_everyone_notified_and_french_references(client: Client, clinician):
    """Cold try-out: the grade 4 rules named only the on-call physician while the oncologist
    (febrile neutropenia) or the CAR-T on-call is always told too; the reference said so in
    English with an internal key "(also_notify)"."""
    client.force_login(clinician.user)
    default = TriageRuleSet.objects.get(code="default", version=2)
    body = client.get(reverse("monitoring:rule_set", args=[default.pk])).content.decode()
    rows = {
        rule.id: body.split(f'title="{rule.id}"')[1].split("</tr>")[0]
        for rule in compiled(default).rules
    }
    febrile = rows["emergency-febrile-on-chemotherapy"]
    assert "Également prévenus : oncologue" in febrile
    assert "antibiotiques dans l&#x27;heure" in febrile
    assert "also_notify" not in body and "is told too" not in body
    car_t = rows["emergency-after-car-t"]
    assert "Également prévenus" in car_t and "CAR-T" in car_t.split("Également prévenus")[1]
    # A rule the additions do not always cover lists only its own roles.
    assert "Également prévenus" not in rows["grade-1"]


def test_a_rule_implies_an_addition_only_when_every_report_it_matches_does():
    febrile = {"flag": "suspected_febrile_neutropenia"}
    car_t_team = {
        "treatment": "car_t",
        "any_of": [{"term": "crs", "grade_at_least": 1}, {"term": "any", "grade_at_least": 3}],
    }
    assert policy.implies(
        {"flag": "suspected_febrile_neutropenia", "max_grade_at_least": 4}, febrile
    )
    assert not policy.implies({"max_grade_at_least": 4}, febrile)
    assert policy.implies({"treatment": "car_t", "max_grade_at_least": 4}, car_t_team)
    assert not policy.implies({"max_grade_at_least": 4}, car_t_team)  # not always under CAR-T
    assert not policy.implies(
        {"treatment": "car_t", "max_grade": 2}, car_t_team
    )  # grade 2 of what?
    assert policy.implies({"treatment": "car_t", "term": "crs", "grade_at_least": 2}, car_t_team)
