"""Table tests of the poor-prognosis classification: both sides of every condition of the
shipped survival table, the "to check" answer when the deciding facts are missing, and the
loading of every shipped table version."""

import pytest

from oncoparcours.patients.referential import survival_table, survival_table_for, survival_tables
from oncoparcours.patients.rules import prognosis, staging
from oncoparcours.patients.rules.prognosis import Facts, Status
from oncoparcours.patients.rules.prognosis import StagingFacts as S

TNBC = {"RE": "negative", "RP": "negative", "HER2": "negative"}
HR_POSITIVE = {"RE": "positive", "RP": "positive", "HER2": "negative"}
LOCALISED = (S("T1c", "N0", "M0", "IA"),)
METASTATIC = (S("T2", "N1", "M1", "IV"),)


def facts(icd10, morphology="", age=60, stagings=(), markers=None):
    return Facts(icd10, morphology, age, tuple(stagings), markers or {})


CASES = [
    # breast: subtype (TNBC vs HR+) on both sides of metastatic vs localised
    (
        "TNBC metastatic",
        facts("C50.4", stagings=METASTATIC, markers=TNBC),
        Status.POOR,
        "breast-tnbc-metastatic",
        12,
    ),
    (
        "HR+ metastatic",
        facts("C50.4", stagings=METASTATIC, markers=HR_POSITIVE),
        Status.POOR,
        "breast-metastatic",
        27,
    ),
    (
        "TNBC localised",
        facts("C50.4", stagings=LOCALISED, markers=TNBC),
        Status.NOT_POOR,
        "breast-tnbc",
        77,
    ),
    (
        "HR+ localised",
        facts("C50.4", stagings=LOCALISED, markers=HR_POSITIVE),
        Status.NOT_POOR,
        "breast",
        88,
    ),
    (
        "HER2+ metastatic (safer reading)",
        facts(
            "C50.2",
            stagings=METASTATIC,
            markers={"RE": "negative", "RP": "negative", "HER2": "positive"},
        ),
        Status.POOR,
        "breast-metastatic",
        27,
    ),
    (
        "metastatic, receptors unknown",
        facts("C50.9", stagings=METASTATIC),
        Status.POOR,
        "breast-metastatic",
        27,
    ),
    (
        "localised, receptors unknown",
        facts("C50.9", stagings=LOCALISED),
        Status.NOT_POOR,
        "breast",
        88,
    ),
    (
        "HER2 equivocal, localised",
        facts(
            "C50.9",
            stagings=LOCALISED,
            markers={"RE": "negative", "RP": "negative", "HER2": "equivocal"},
        ),
        Status.NOT_POOR,
        "breast",
        88,
    ),
    (
        "later staging M1 wins (most advanced)",
        facts("C50.9", stagings=(*LOCALISED, S("T1c", "N0", "M1b", "")), markers=HR_POSITIVE),
        Status.POOR,
        "breast-metastatic",
        27,
    ),
    # ovary: FIGO stage II vs III, from the stage group or from TNM, HGSC or not
    (
        "HGSC FIGO II",
        facts("C56", "8461/3", stagings=(S("T2a", "N0", "M0", "IIA"),)),
        Status.NOT_POOR,
        "ovary",
        43,
    ),
    (
        "HGSC FIGO III (group)",
        facts("C56", "8461/3", stagings=(S("T3c", "N0", "M0", "IIIC"),)),
        Status.POOR,
        "ovary-hgsc-figo-3-4",
        29.2,
    ),
    (
        "HGSC FIGO III from T3",
        facts("C56", "8461/3", stagings=(S("T3a", "N0", "M0", ""),)),
        Status.POOR,
        "ovary-hgsc-figo-3-4",
        29.2,
    ),
    (
        "HGSC FIGO III from N1",
        facts("C56", "8461/3", stagings=(S("T1b", "N1a", "M0", ""),)),
        Status.POOR,
        "ovary-hgsc-figo-3-4",
        29.2,
    ),
    (
        "HGSC T2 N0 M0 is II",
        facts("C56", "8461/3", stagings=(S("T2b", "N0", "M0", ""),)),
        Status.NOT_POOR,
        "ovary",
        43,
    ),
    (
        "HGSC FIGO IV",
        facts("C56", "8461/3", stagings=(S("T3c", "N1", "M1b", "IVB"),)),
        Status.POOR,
        "ovary-hgsc-figo-3-4",
        29.2,
    ),
    (
        "clear cell FIGO III",
        facts("C56", "8310/3", stagings=(S("T3b", "N0", "M0", "IIIB"),)),
        Status.POOR,
        "ovary-figo-3-4",
        29.2,
    ),
    (
        "serous NOS FIGO III (grade unknown, same answer)",
        facts("C56", "8441/3", stagings=(S("T3c", "N0", "M0", "IIIC"),)),
        Status.POOR,
        "ovary-figo-3-4",
        29.2,
    ),
    (
        "fallopian tube HGSC FIGO III",
        facts("C57.0", "8461/3", stagings=(S("T3c", "N0", "M0", "IIIC"),)),
        Status.POOR,
        "ovary-hgsc-figo-3-4",
        29.2,
    ),
    # CNS: glioblastoma vs lower-grade gliomas, age thresholds on both sides
    ("glioblastoma", facts("C71.9", "9440/3"), Status.POOR, "glioblastoma", 7),
    (
        "oligodendroglioma",
        facts("C71.1", "9450/3", age=45),
        Status.NOT_POOR,
        "oligodendroglioma",
        72.7,
    ),
    (
        "anaplastic oligodendroglioma",
        facts("C71.1", "9451/3", age=45),
        Status.NOT_POOR,
        "anaplastic-oligodendroglioma",
        46.9,
    ),
    (
        "diffuse astrocytoma at 39",
        facts("C71.0", "9400/3", age=39),
        Status.NOT_POOR,
        "diffuse-astrocytoma-under-40",
        69.5,
    ),
    (
        "diffuse astrocytoma at 40",
        facts("C71.0", "9400/3", age=40),
        Status.POOR,
        "diffuse-astrocytoma-40plus",
        28.9,
    ),
    (
        "anaplastic astrocytoma at 14",
        facts("C71.0", "9401/3", age=14),
        Status.POOR,
        "anaplastic-astrocytoma-under-15",
        28.5,
    ),
    (
        "anaplastic astrocytoma at 15",
        facts("C71.0", "9401/3", age=15),
        Status.NOT_POOR,
        "anaplastic-astrocytoma-15-39",
        51.3,
    ),
    (
        "anaplastic astrocytoma at 39",
        facts("C71.0", "9401/3", age=39),
        Status.NOT_POOR,
        "anaplastic-astrocytoma-15-39",
        51.3,
    ),
    (
        "anaplastic astrocytoma at 40",
        facts("C71.0", "9401/3", age=40),
        Status.POOR,
        "anaplastic-astrocytoma-40plus",
        18.5,
    ),
    ("other CNS histology (ependymoma)", facts("C71.9", "9391/3"), Status.POOR, "cns", 21),
    # pancreas: poor at any stage (no stage entry)
    (
        "pancreas stage I",
        facts("C25.0", "8500/3", stagings=(S("T1a", "N0", "M0", "IA"),)),
        Status.POOR,
        "pancreas",
        11,
    ),
    (
        "pancreas stage IV",
        facts("C25.0", "8500/3", stagings=(S("T4", "N2", "M1", "IV"),)),
        Status.POOR,
        "pancreas",
        11,
    ),
    ("pancreas, no staging", facts("C25.9"), Status.POOR, "pancreas", 11),
    # other sites
    ("oesophagus", facts("C15.9"), Status.POOR, "oesophagus", 17),
    ("liver", facts("C22.0", "8170/3"), Status.POOR, "liver", 18),
    ("biliary", facts("C24.0"), Status.POOR, "biliary", 18),
    ("stomach", facts("C16.9"), Status.POOR, "stomach", 27),
    ("lung, any histology", facts("C34.1", "8140/3", stagings=LOCALISED), Status.POOR, "lung", 20),
    ("lung, no morphology (every lung entry is poor)", facts("C34.9"), Status.POOR, "lung", 20),
    ("small-cell lung", facts("C34.1", "8041/3"), Status.POOR, "lung-small-cell", 7),
    (
        "pleural mesothelioma (narrowest range)",
        facts("C45.0"),
        Status.POOR,
        "mesothelioma-pleural",
        10,
    ),
    ("AML", facts("C92.0"), Status.POOR, "aml", 27),
    (
        "colorectal M0",
        facts("C18.7", stagings=(S("T3", "N1", "M0", "IIIB"),)),
        Status.NOT_POOR,
        "colorectal",
        63,
    ),
    (
        "colorectal M1",
        facts("C20", stagings=(S("T3", "N1", "M1a", "IVA"),)),
        Status.POOR,
        "colorectal-metastatic",
        15,
    ),
    (
        "cervix M0",
        facts("C53.9", stagings=(S("T2b", "N0", "M0", "IIB"),)),
        Status.NOT_POOR,
        "cervix",
        63,
    ),
    (
        "cervix M1",
        facts("C53.9", stagings=(S("T2b", "N1", "M1", "IVB"),)),
        Status.POOR,
        "cervix-metastatic",
        17,
    ),
    (
        "endometrium M0",
        facts("C54.1", stagings=(S("T1a", "N0", "M0", "IA"),)),
        Status.NOT_POOR,
        "endometrium",
        74,
    ),
    (
        "endometrium M1",
        facts("C54.1", stagings=(S("T3a", "N1", "M1", "IVB"),)),
        Status.POOR,
        "endometrium-metastatic",
        18,
    ),
    (
        "prostate, even metastatic",
        facts("C61", stagings=(S("T3", "N1", "M1b", "IVB"),)),
        Status.NOT_POOR,
        "prostate",
        93,
    ),
    ("thyroid", facts("C73"), Status.NOT_POOR, "thyroid", 96),
]


@pytest.mark.parametrize(
    ("case", "known", "status", "entry", "survival"), CASES, ids=[c[0] for c in CASES]
)
def test_classification(case, known, status, entry, survival):
    result = prognosis.assess(survival_table(), known)
    assert (result.status, result.entry_key, result.survival_5y) == (status, entry, survival)
    assert result.poor_prognosis is {Status.POOR: True, Status.NOT_POOR: False}[status]
    assert result.missing == ()
    assert result.table_version == "survival-2026.1"


MISSING = [
    # deciding facts missing -> "to check" with what is missing, never "not poor prognosis"
    (
        "breast, nothing known (receptors would change the figure, not the answer)",
        facts("C50.4"),
        ("metastasis",),
    ),
    ("breast HR+, no staging", facts("C50.4", markers=HR_POSITIVE), ("metastasis",)),
    ("breast TNBC, no staging", facts("C50.4", markers=TNBC), ("metastasis",)),
    ("HGSC, no staging", facts("C56", "8461/3"), ("stage",)),
    ("ovary, no histology, no staging", facts("C56"), ("stage",)),
    (
        "HGSC, T2 NX M0 (N decides II vs III)",
        facts("C56", "8461/3", stagings=(S("T2a", "NX", "M0", ""),)),
        ("stage",),
    ),
    ("brain tumour, no morphology", facts("C71.9", age=60), ("morphology",)),
    ("brain tumour, glioma NOS", facts("C71.9", "9380/3", age=60), ("morphology",)),
    ("brain tumour, malignant neoplasm NOS", facts("C71.9", "8000/3", age=60), ("morphology",)),
    ("glioma, age unknown", facts("C71.0", "9400/3", age=None), ("age",)),
    ("colorectal, no staging", facts("C18.7"), ("metastasis",)),
    ("fallopian tube, no staging (no site-level figure)", facts("C57.0", "8461/3"), ("stage",)),
]


@pytest.mark.parametrize(("case", "known", "missing"), MISSING, ids=[c[0] for c in MISSING])
def test_missing_facts_give_to_check_with_what_is_missing(case, known, missing):
    result = prognosis.assess(survival_table(), known)
    assert result.status == Status.TO_CHECK
    assert result.poor_prognosis is None
    assert result.missing == missing
    assert result.pending  # the entries the missing facts could make apply


def test_unknown_facts_that_cannot_change_the_answer_do_not_block_it():
    # ER−, PR unknown, HER2−, M1: TNBC-metastatic (12 %) or metastatic (27 %): poor either way.
    result = prognosis.assess(
        survival_table(),
        facts("C50.4", stagings=METASTATIC, markers={"ER": "negative", "HER2": "negative"}),
    )
    assert (result.status, result.entry_key) == (Status.POOR, "breast-metastatic")


def test_what_would_change_a_decided_answer():
    result = prognosis.assess(
        survival_table(), facts("C50.4", stagings=LOCALISED, markers=HR_POSITIVE)
    )
    changes = {c.entry.key: c.unmet for c in result.alternatives}
    assert changes == {
        "breast-metastatic": ("métastatique (M1)",),
        "breast-tnbc-metastatic": ("triple négatif (RE−, RP−, HER2−)", "métastatique (M1)"),
    }
    assert all(c.poor for c in result.alternatives)
    # Histology and age are not "data that would change": a glioblastoma lists no alternative.
    assert prognosis.assess(survival_table(), facts("C71.9", "9440/3")).alternatives == ()


@pytest.mark.parametrize(
    ("recorded", "understood"),
    [
        ("RE", "ER"),
        ("ER", "ER"),
        ("RO", "ER"),
        ("RP", "PR"),
        ("PGR", "PR"),
        ("ERBB2", "HER2"),
        ("HER-2", "HER2"),
        ("HER2/NEU", "HER2"),
    ],
)
def test_marker_names_as_recorded(recorded, understood):
    context = survival_table().context
    assert context.marker_result(Facts("C50", markers={recorded: "negative"}), understood) == (
        "negative"
    )


def test_an_esr1_mutation_is_not_the_oestrogen_receptor_status():
    context = survival_table().context
    assert context.marker_result(Facts("C50", markers={"ESR1": "negative"}), "ER") is None


def test_a_site_missing_from_the_table_is_not_in_table_not_good():
    result = prognosis.assess(survival_table(), facts("C49.2"))
    assert (result.status, result.poor_prognosis, result.survival_5y) == (
        Status.NOT_IN_TABLE,
        None,
        None,
    )


def _table(*entries, **extra):
    return prognosis.SurvivalTable.from_data(
        {"version": "t", "source": "s", "threshold_percent": 33, "entries": list(entries), **extra}
    )


@pytest.mark.parametrize(("survival", "poor"), [(33, False), (32.9, True)])
def test_threshold_is_strictly_below_33_percent(survival, poor):
    table = _table({"key": "x", "label": "x", "icd10": [["C16", "C16"]], "survival_5y": survival})
    assert prognosis.assess(table, Facts("C16.1")).poor_prognosis is poor


def test_equally_specific_entries_the_lower_survival_wins():
    table = _table(
        {"key": "a", "label": "a", "icd10": [["C16", "C16"]], "survival_5y": 40},
        {"key": "b", "label": "b", "icd10": [["C16", "C16"]], "survival_5y": 30},
    )
    assert prognosis.assess(table, Facts("C16.1")).entry_key == "b"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {
                "key": "x",
                "label": "x",
                "icd10": [["C16", "C16"]],
                "survival_5y": 20,
                "histology": "nope",
            },
            "unknown 'nope'",
        ),
        (
            {"key": "x", "label": "x", "icd10": [["C20", "C16"]], "survival_5y": 20},
            "ends before it starts",
        ),
        ({"key": "x", "label": "x", "icd10": [["C16", "C16"]], "survival_5y": 120}, "survival_5y"),
        ({"label": "", "icd10": [["C16", "C16"]], "survival_5y": 20}, "key and label"),
        (
            {
                "key": "x",
                "label": "x",
                "icd10": [["C16", "C16"]],
                "survival_5y": 20,
                "source": "nope",
            },
            "unknown 'nope'",
        ),
    ],
)
def test_a_bad_table_is_refused_naming_the_entry(entry, message):
    with pytest.raises(prognosis.TableError, match=message):
        _table(entry)


def test_duplicate_keys_are_refused():
    row = {"key": "x", "label": "x", "icd10": [["C16", "C16"]], "survival_5y": 20}
    with pytest.raises(prognosis.TableError, match="duplicate"):
        _table(row, row)


def test_every_shipped_table_loads_and_every_current_entry_cites_its_source():
    assert set(survival_tables()) == {"francim-2021.1", "survival-2026.1"}
    for entry in survival_table().entries:
        assert entry.source.document and entry.source.population and entry.source.year, entry.key


def test_the_first_table_stays_loadable_with_its_own_answers():
    first = survival_table_for("francim-2021.1")
    assert first is not None
    result = prognosis.assess(first, facts("C56"))
    assert (result.status, result.entry_label, result.survival_5y) == (
        Status.NOT_POOR,
        "Ovaire",
        43,
    )
    glioblastoma = prognosis.assess(first, facts("C71.9", "9440/3"))
    assert (glioblastoma.entry_key, glioblastoma.survival_5y) == ("Glioblastome", 7)


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
