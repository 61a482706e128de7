# ruff: noqa: E501 (one table row per line)
"""Trial criteria explanations read as French sentences: no raw value ("patient : F"), numbers
with a decimal comma, microsatellite statuses by their names."""

from __future__ import annotations

import pytest
from django.utils import translation

from oncoparcours.trials.describe import describe, found_sentence, reason
from oncoparcours.trials.rules.criteria import MET, NOT_MET, UNKNOWN
from oncoparcours.trials.rules.tree import LeafResult


@pytest.mark.parametrize(
    ("criterion", "found", "value", "sentence"),
    [
        ({"criterion": "sex", "sex": "F"}, "F", MET, "La patiente est une femme."),
        ({"criterion": "sex", "sex": "F"}, "M", NOT_MET, "Le patient est un homme."),
        ({"criterion": "age", "min": 18}, "63", MET, "Âge noté : 63 ans."),
        ({"criterion": "age", "max": 17}, "1", MET, "Âge noté : 1 an."),
        ({"criterion": "ihc", "marker": "ER", "scale": "percent", "below": 1}, "0.5", MET, "Résultat d’immunohistochimie noté : 0,5 %."),
        ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3}, "3", MET, "Résultat d’immunohistochimie noté : 3+."),
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


@pytest.mark.parametrize(
    ("criterion", "text"),
    [
        # ER/PR negative (< 1 %, ASCO/CAP 2020): the limit must show, or it reads as "positive".
        ({"criterion": "ihc", "marker": "ER", "scale": "percent", "below": 1}, "IHC ER < 1 % (négatif)"),
        ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3}, "IHC HER2 ≥ 3+"),
        ({"criterion": "lab", "test": "ANC", "unit": "G/L", "min": 1.5}, "Examen biologique ANC ≥ 1,5 G/L"),
        ({"criterion": "disease", "icd10": ["C34"], "exclude_morphology": ["8041/3"]}, "sauf morphologie CIM-O-3 8041/3"),
    ],
)  # fmt: skip
def test_every_limit_and_exclusion_of_a_criterion_is_shown(criterion, text):
    with translation.override("fr"):
        assert text in describe(criterion)


@pytest.mark.parametrize(
    ("raw", "shown", "label"), [(MET, NOT_MET, "non rempli"), (NOT_MET, MET, "rempli"), (UNKNOWN, UNKNOWN, "à vérifier")]
)  # fmt: skip
def test_an_exclusion_shows_what_it_does_to_eligibility(raw, shown, label):
    """'NOT prior pembrolizumab' for a treated patient is an exclusion present: red, not met."""
    leaf = LeafResult(
        "and.0.not",
        {"criterion": "prior_drug", "drugs": ["pembrolizumab"]},
        raw,
        "pembrolizumab" if raw == MET else "",
    )
    with translation.override("fr"):
        line = reason(leaf, negated=True)
    assert (line["value"], line["result"]) == (shown, label)
    assert line["css"] == {MET: "success", NOT_MET: "danger"}.get(shown, "warning")
    assert line["criterion"].startswith("Exclusion : ")


def test_variant_criteria_read_as_natural_french():
    from django.utils import translation

    from oncoparcours.trials.describe import describe

    with translation.override("fr"):
        assert describe({"criterion": "variant", "gene": "BRAF", "alteration_type": "mutation",
                         "protein_position": "p.V600"}) == (
            "BRAF : toute mutation faux-sens en position V600")  # fmt: skip
        assert describe({"criterion": "variant", "gene": "ALK", "alteration_type": "fusion"}) == (
            "ALK : fusion"
        )
        assert describe({"criterion": "variant", "gene": "EGFR", "exon": 19,
                         "alteration_type": "indel"}) == (
            "EGFR : insertion / délétion de l'exon 19")  # fmt: skip


def test_her2_2plus_says_the_ish_result_read_beside_it():
    criterion = {"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "max": 2}
    with translation.override("en"):
        assert "2+, ERBB2 not amplified" in found_sentence(criterion, "2+ ISH-", MET)
        assert found_sentence(criterion, "2+", UNKNOWN).endswith(": 2+.")  # never "2++"


def test_cold_tryout_texts_her2_score_and_decimal_comma(db):
    """ "noté : 2++" for HER2, "TMB 12.5 mut/Mb" on a French page."""
    from django.utils import translation

    from oncoparcours.patients.models import MolecularFinding
    from oncoparcours.trials.describe import found_sentence

    her2 = {"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3}
    with translation.override("fr"):
        assert "3++" not in found_sentence(her2, "3+", 2)
        assert "3+." in found_sentence(her2, "3+", 2)
        assert str(MolecularFinding(kind="tmb", tmb=12.5)) == "TMB 12,5 mut/Mb"
        assert str(MolecularFinding(kind="tmb", tmb=12.0)) == "TMB 12 mut/Mb"
