"""A report's coded answers are shown to the care team in words, never as the stored code
(issue 14: the alert page showed « relieved_by_rest »)."""

from __future__ import annotations

from django.utils import translation

from oncoparcours.monitoring.report_forms import CLINICAL_CHOICES
from oncoparcours.monitoring.templatetags.monitoring import answer


def test_every_coded_answer_reads_as_words_in_french():
    with translation.override("fr"):
        assert answer("relieved_by_rest", "fatigue") == "Soulagée par le repos"
        for key, choices in CLINICAL_CHOICES.items():
            for code, _label in choices:
                shown = answer(code, key)
                assert "_" not in shown, (key, code, shown)


def test_values_without_a_coded_answer_keep_their_reading():
    with translation.override("fr"):
        assert answer(38.6, "temperature_c") == "38,6"
        assert answer(True) == "✔"
