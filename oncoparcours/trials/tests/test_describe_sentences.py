# ruff: noqa: E501 (one table row per line)
"""Trial criteria explanations read as French sentences: no raw value ("patient : F"), numbers
with a decimal comma, microsatellite statuses by their names."""

from __future__ import annotations

import pytest
from django.utils import translation

from oncoparcours.trials.describe import found_sentence
from oncoparcours.trials.rules.criteria import MET, NOT_MET, UNKNOWN


@pytest.mark.parametrize(
    ("criterion", "found", "value", "sentence"),
    [
        ({"criterion": "sex", "sex": "F"}, "F", MET, "La patiente est une femme."),
        ({"criterion": "sex", "sex": "F"}, "M", NOT_MET, "Le patient est un homme."),
        ({"criterion": "age", "min": 18}, "63", MET, "Le patient a 63 ans."),
        ({"criterion": "ecog", "max": 1}, "2", NOT_MET, "État général ECOG noté : 2."),
        ({"criterion": "stage", "metastatic": True}, "M1", MET, "Une maladie métastatique est notée (M1)."),
        ({"criterion": "stage", "stage_groups": ["III"]}, "IIIA", MET, "Stade noté : IIIA."),
        ({"criterion": "tmb", "min": 10}, "12.5", MET, "Charge mutationnelle tumorale notée : 12,5 mut/Mb."),
        ({"criterion": "msi"}, "msi_h", MET, "Statut microsatellitaire noté : MSI-H."),
        ({"criterion": "line", "max": 2}, "1", MET, "1 ligne de traitement antérieure est notée."),
        ({"criterion": "line", "max": 2}, "3", NOT_MET, "3 lignes de traitement antérieures sont notées."),
        ({"criterion": "lab", "test": "ANC", "unit": "G/L"}, "1.5", MET, "Valeur notée : 1,5 G/L."),
        ({"criterion": "ecog", "max": 1}, "", UNKNOWN, "Non renseigné dans le dossier."),
    ],
)  # fmt: skip
def test_what_the_record_says_is_a_french_sentence(criterion, found, value, sentence):
    with translation.override("fr"):
        assert found_sentence(criterion, found, value) == sentence
