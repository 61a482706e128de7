import pytest

from oncoparcours.patients.referential import survival_table
from oncoparcours.patients.rules import prognosis, staging


@pytest.mark.parametrize(
    ("code", "morphology", "poor", "survival", "label"),
    [
        ("C71.9", "9440/3", True, 7, "Glioblastome"),  # morphology-specific entry wins
        ("C71.9", "9400/3", True, 21, "Système nerveux central (tous types)"),
        ("C34.1", "8041/3", True, 7, "Cancer bronchique à petites cellules"),
        ("C34.1", "8140/3", True, 20, "Poumon (tous types)"),
        ("C45.0", "", True, 10, "Mésothéliome pleural"),  # narrowest range wins
        ("C25.9", "", True, 11, "Pancréas"),
        ("C16.9", "", True, 27, "Estomac"),
        ("C92.0", "", True, 27, "Leucémie aiguë myéloïde"),
        ("C56", "", False, 43, "Ovaire"),
        ("C50.4", "8500/3", False, 88, "Sein"),
        ("C18.7", "", False, 63, "Côlon-rectum"),
    ],
)
def test_poor_prognosis_flag_from_the_versioned_table(code, morphology, poor, survival, label):
    result = prognosis.assess(survival_table(), icd10_code=code, morphology=morphology)
    assert (result.poor_prognosis, result.survival_5y, result.entry_label) == (
        poor,
        survival,
        label,
    )
    assert result.table_version == "francim-2021.1"


def test_a_site_missing_from_the_table_is_unknown_not_good():
    result = prognosis.assess(survival_table(), icd10_code="C49.2")
    assert result.poor_prognosis is None and result.survival_5y is None


def test_threshold_is_strictly_below_33_percent():
    table = prognosis.SurvivalTable.from_data(
        {
            "version": "t",
            "source": "s",
            "threshold_percent": 33,
            "entries": [{"label": "x", "icd10": [["C16", "C16"]], "survival_5y": 33}],
        }
    )
    assert prognosis.assess(table, icd10_code="C16.1").poor_prognosis is False


@pytest.mark.parametrize(
    ("value", "ok"), [("T2a", True), ("Tis", True), ("TX", True), ("T5", False), ("t2", False)]
)
def test_t_category(value, ok):
    assert staging.t_ok(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"), [("N0", True), ("N1mi", True), ("N2b", True), ("N4", False)]
)
def test_n_category(value, ok):
    assert staging.n_ok(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"), [("IIIA", True), ("IV", True), ("IIC2", True), ("V", False), ("3", False)]
)
def test_stage_group(value, ok):
    assert staging.stage_ok(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [("8140/3", True), ("9440/3", True), ("8140/4", False), ("814/3", False), ("7999/3", False)],
)
def test_morphology(value, ok):
    assert staging.morphology_ok(value) is ok
