"""Staff pages read a symptom report's coded answers as words (issue 14): "relieved_by_rest" is
shown with the label the staff forms give it, in French or English; numbers with the decimal
comma in French."""

from __future__ import annotations

import pytest
from django.utils import translation

from oncoparcours.monitoring.observation_values import answer_text
from oncoparcours.monitoring.rules.observations import OBSERVATIONS


@pytest.mark.parametrize(
    ("language", "expected"), [("fr", "Soulagée par le repos"), ("en", "Relieved by rest")]
)
def test_a_coded_answer_reads_as_its_label(language, expected):
    with translation.override(language):
        assert answer_text("relieved_by_rest", "fatigue") == expected


def test_every_coded_answer_of_the_contract_has_a_label():
    with translation.override("fr"):
        unlabelled = [
            f"{key}={value}"
            for key, (kind, spec) in OBSERVATIONS.items()
            if kind == "enum"
            for value in spec
            if answer_text(value, key) in (value, value.replace("_", " "))
        ]
    assert unlabelled == []


def test_numbers_and_ice_items_read_in_french():
    with translation.override("fr"):
        assert answer_text(38.6, "temperature_c") == "38,6"
        assert (
            answer_text({"orientation": 4, "naming": 3}, "ice") == "orientation 4, dénomination 3"
        )
