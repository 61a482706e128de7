"""Patient-facing pages speak plain language (issue 14): the self-report form under
/suivi/<token>/, whatever the treatment, and every answer a patient or a relative can read after
sending it (the advice of every rule of every shipped rule set) carry no guideline acronym. The
sources (CTCAE, ASTCT, ESMO, ASCO…) stay on the staff pages."""

from __future__ import annotations

import html
import re
from itertools import combinations

import pytest
from django.urls import reverse
from django.utils import translation

from oncoparcours.monitoring.report_forms import SelfReportForm
from oncoparcours.monitoring.rules.observations import TREATMENTS
from oncoparcours.monitoring.triage import latest_label, rule_set_file, shipped_rule_sets

GUIDELINE_ACRONYMS = (
    "CTCAE",
    "ASTCT",
    "ICANS",
    "CRS",
    "ESMO",
    "ASCO",
    "IDSA",
    "NCI",
    "ADL",
    "AVQ",
    "ICE",
    "SmPC",
    "RCP",
    "SRC",
    "ALAT",
    "ASAT",
    "ULN",
    "LSN",
)
ACRONYM = re.compile(r"\b(" + "|".join(GUIDELINE_ACRONYMS) + r")\b")
TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)


def visible_text(page: str) -> str:
    return html.unescape(TAGS.sub(" ", page))


def acronyms_in(text: str) -> list[str]:
    return sorted(set(ACRONYM.findall(text)))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_self_report_form_has_no_guideline_acronym_for_any_treatment(language):
    treatment_sets = [(), *[(t,) for t in TREATMENTS], *combinations(TREATMENTS, 2)]
    with translation.override(language):
        for treatments in treatment_sets:
            form = SelfReportForm(treatments=treatments)
            text = " ".join(
                [str(form)]
                + [f"{section.legend} {section.help}" for section in form.sections]
                + [str(field.label) + " " + str(field.help_text) for field in form.fields.values()]
            )
            assert acronyms_in(visible_text(text)) == [], treatments


CURRENT_RULE_SETS = sorted({latest_label(label.partition("@")[0]) for label in shipped_rule_sets()})


@pytest.mark.parametrize("label", CURRENT_RULE_SETS)
def test_the_advice_patients_read_after_a_report_has_no_guideline_acronym(label):
    """The newest version of each rule set answers every new report (older versions are kept,
    unchanged, to explain past answers)."""
    data = rule_set_file(label)
    for rule in data.get("rules", []):
        for language, advice in (rule.get("advice") or {}).items():
            assert acronyms_in(advice) == [], f"{label} {rule['id']} ({language})"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_self_report_page_and_its_answer_have_no_guideline_acronym(
    client, link_token, language
):
    import uuid

    client.cookies["django_language"] = language
    url = reverse("monitoring:self_report", args=[link_token])
    page = client.get(url)
    assert page.status_code == 200
    assert acronyms_in(visible_text(page.content.decode())) == []
    answer = client.post(
        url, {"submission_key": str(uuid.uuid4()), "fatigue": "relieved_by_rest"}, follow=True
    )
    assert answer.status_code == 200
    assert acronyms_in(visible_text(answer.content.decode())) == []
