"""Table tests of the poor-prognosis classification: both sides of every condition of the
shipped survival table, the "to check" answer when the deciding facts are missing or when a
recorded histology is not the one a site figure was measured on, and the loading of every
shipped table version."""

import pytest

from oncoparcours.directory.rules import icd10
from oncoparcours.patients.referential import survival_table, survival_table_for, survival_tables
from oncoparcours.patients.rules import prognosis, staging
from oncoparcours.patients.rules.prognosis import Facts, Status
from oncoparcours.patients.rules.prognosis import StagingFacts as S

TNBC = {"RE": "negative", "RP": "negative", "HER2": "negative"}
HR_POSITIVE = {"RE": "positive", "RP": "positive", "HER2": "negative"}
LOCALISED = (S("T1c", "N0", "M0", "IA"),)
METASTATIC = (S("T2", "N1", "M1", "IV"),)
DUCTAL = "8500/3"  # invasive breast carcinoma of no special type
ADENO = "8140/3"


def facts(icd10, morphology="", age=60, stagings=(), markers=None):
    return Facts(icd10, morphology, age, tuple(stagings), markers or {})


SQUAMOUS = "8070/3"


def stage(t, n, m, group=""):
    return (S(t, n, m, group),)


# Stage 0–I ("at most" stage conditions) on both sides, at the sites flagged at the site level.
STAGE_CASES = [
    # stomach: the cold try-out case, stage IA, is no longer flagged from the all-stage figure
    (
        "stomach IA",
        facts("C16.9", ADENO, stagings=stage("T1a", "N0", "M0", "IA")),
        Status.NOT_POOR,
        "stomach-stage-1",
        75,
    ),
    (
        "stomach IB (T1 N1: the stage group decides)",
        facts("C16.9", ADENO, stagings=stage("T1b", "N1", "M0", "IB")),
        Status.NOT_POOR,
        "stomach-stage-1",
        75,
    ),
    (
        "stomach T2 N0 M0 without group",
        facts("C16.9", ADENO, stagings=stage("T2", "N0", "M0")),
        Status.NOT_POOR,
        "stomach-stage-1",
        75,
    ),
    (
        "stomach signet-ring IA",
        facts("C16.9", "8490/3", stagings=stage("T1b", "N0", "M0", "IA")),
        Status.NOT_POOR,
        "stomach-stage-1",
        75,
    ),
    (
        "stomach IIA",
        facts("C16.9", ADENO, stagings=stage("T3", "N0", "M0", "IIA")),
        Status.POOR,
        "stomach",
        27,
    ),
    (
        "stomach T3 N0 M0 without group",
        facts("C16.9", ADENO, stagings=stage("T3", "N0", "M0")),
        Status.POOR,
        "stomach",
        27,
    ),
    (
        "stomach T1 N1 M0 without group (TNM never wider than the group)",
        facts("C16.9", ADENO, stagings=stage("T1", "N1", "M0")),
        Status.POOR,
        "stomach",
        27,
    ),
    (
        "stomach IA restaged IIIA (most advanced wins)",
        facts("C16.9", ADENO, stagings=(S("T1a", "N0", "M0", "IA"), S("T3", "N2", "M0", "IIIA"))),
        Status.POOR,
        "stomach",
        27,
    ),
    (
        "stomach IA, later M1",
        facts("C16.9", ADENO, stagings=(S("T1a", "N0", "M0", "IA"), S("T1a", "N0", "M1", ""))),
        Status.POOR,
        "stomach-metastatic",
        7,
    ),
    (
        "stomach M1",
        facts("C16.9", ADENO, stagings=METASTATIC),
        Status.POOR,
        "stomach-metastatic",
        7,
    ),
    (
        "stomach GIST stage I: the site figure (poor) still applies",
        facts("C16.9", "8936/3", stagings=stage("T1", "N0", "M0", "I")),
        Status.POOR,
        "stomach",
        27,
    ),
    # oesophagus
    (
        "oesophagus SCC IA",
        facts("C15.9", SQUAMOUS, stagings=stage("T1a", "N0", "M0", "IA")),
        Status.NOT_POOR,
        "oesophagus-stage-1",
        48,
    ),
    (
        "oesophagus adenocarcinoma T1 N0 M0",
        facts("C15.5", ADENO, stagings=stage("T1b", "N0", "M0")),
        Status.NOT_POOR,
        "oesophagus-stage-1",
        48,
    ),
    (
        "oesophagus T2 N0 M0 without group",
        facts("C15.9", SQUAMOUS, stagings=stage("T2", "N0", "M0")),
        Status.POOR,
        "oesophagus",
        17,
    ),
    (
        "oesophagus IIB",
        facts("C15.9", ADENO, stagings=stage("T2", "N1", "M0", "IIB")),
        Status.POOR,
        "oesophagus",
        17,
    ),
    (
        "oesophagus IVA, M0",
        facts("C15.9", SQUAMOUS, stagings=stage("T4b", "N2", "M0", "IVA")),
        Status.POOR,
        "oesophagus",
        17,
    ),
    (
        "oesophagus M1",
        facts("C15.9", SQUAMOUS, stagings=METASTATIC),
        Status.POOR,
        "oesophagus-metastatic",
        6,
    ),
    # liver: no localised entry (the SEER figure does not stay above the threshold in France)
    (
        "liver IA",
        facts("C22.0", "8170/3", stagings=stage("T1a", "N0", "M0", "IA")),
        Status.POOR,
        "liver",
        18,
    ),
    ("liver M1", facts("C22.0", "8170/3", stagings=METASTATIC), Status.POOR, "liver-metastatic", 3),
    # gallbladder (C23) vs bile ducts (C24)
    (
        "gallbladder IA",
        facts("C23", ADENO, stagings=stage("T1a", "N0", "M0", "I")),
        Status.NOT_POOR,
        "gallbladder-stage-1",
        69,
    ),
    (
        "gallbladder IIA",
        facts("C23", ADENO, stagings=stage("T2a", "N0", "M0", "IIA")),
        Status.POOR,
        "biliary",
        18,
    ),
    (
        "gallbladder M1",
        facts("C23", ADENO, stagings=METASTATIC),
        Status.POOR,
        "gallbladder-metastatic",
        3,
    ),
    (
        "extrahepatic bile duct stage I",
        facts("C24.0", "8160/3", stagings=stage("T1", "N0", "M0", "I")),
        Status.POOR,
        "biliary",
        18,
    ),
]

# Sites added to the table: the site figure (usual histologies) and the metastatic stage.
NEW_SITE_CASES = [
    (
        "melanoma IIA",
        facts("C43.5", "8720/3", stagings=stage("T3a", "N0", "M0", "IIA")),
        Status.NOT_POOR,
        "melanoma",
        93,
    ),
    (
        "melanoma IIIB (regional)",
        facts("C43.7", "8721/3", stagings=stage("T2b", "N1a", "M0", "IIIB")),
        Status.NOT_POOR,
        "melanoma",
        93,
    ),
    (
        "melanoma M1",
        facts("C43.6", "8720/3", stagings=stage("T2", "N1", "M1a", "IV")),
        Status.POOR,
        "melanoma-metastatic",
        27,
    ),
    (
        "bladder urothelial II",
        facts("C67.9", "8120/3", stagings=stage("T2a", "N0", "M0", "II")),
        Status.NOT_POOR,
        "bladder",
        49,
    ),
    (
        "bladder M1",
        facts("C67.9", "8120/3", stagings=stage("T3", "N1", "M1a", "IVA")),
        Status.POOR,
        "bladder-metastatic",
        8,
    ),
    (
        "bladder IV without M",
        facts("C67.9", "8120/3", stagings=stage("T4b", "N0", "", "IV")),
        Status.POOR,
        "bladder-metastatic",
        8,
    ),
    (
        "kidney clear cell I",
        facts("C64", "8310/3", stagings=stage("T1a", "N0", "M0", "I")),
        Status.NOT_POOR,
        "kidney",
        71,
    ),
    (
        "kidney M1",
        facts("C64", "8312/3", stagings=METASTATIC),
        Status.POOR,
        "kidney-metastatic",
        15,
    ),
    (
        "oral cavity SCC I",
        facts("C02.1", SQUAMOUS, stagings=stage("T1", "N0", "M0", "I")),
        Status.NOT_POOR,
        "oral-cavity",
        46,
    ),
    (
        "oropharynx (base of tongue) III",
        facts("C01", SQUAMOUS, stagings=stage("T2", "N1", "M0", "III")),
        Status.NOT_POOR,
        "oropharynx",
        41,
    ),
    (
        "oropharynx M1",
        facts("C10.9", SQUAMOUS, stagings=METASTATIC),
        Status.POOR,
        "head-neck-metastatic",
        15,
    ),
    (
        "hypopharynx stage I",
        facts("C13.9", SQUAMOUS, stagings=stage("T1", "N0", "M0", "I")),
        Status.POOR,
        "hypopharynx",
        25,
    ),
    (
        "larynx II",
        facts("C32.9", SQUAMOUS, stagings=stage("T2", "N0", "M0", "II")),
        Status.NOT_POOR,
        "larynx",
        52,
    ),
    (
        "larynx M1",
        facts("C32.9", SQUAMOUS, stagings=stage("T3", "N2", "M1", "IVC")),
        Status.POOR,
        "head-neck-metastatic",
        15,
    ),
    (
        "nasopharynx M1 (no site figure, metastatic entry)",
        facts("C11.9", "8071/3", stagings=METASTATIC),
        Status.POOR,
        "head-neck-metastatic",
        15,
    ),
    ("Hodgkin lymphoma", facts("C81.9", "9650/3"), Status.NOT_POOR, "hodgkin", 85),
    ("follicular lymphoma", facts("C82.9", "9690/3"), Status.NOT_POOR, "follicular-lymphoma", 87),
    ("DLBCL", facts("C83.3", "9680/3"), Status.NOT_POOR, "dlbcl", 60),
    ("myeloma", facts("C90.0", "9732/3"), Status.NOT_POOR, "myeloma", 54),
    ("plasmacytoma", facts("C90.3", "9731/3"), Status.NOT_POOR, "myeloma", 54),
    ("CLL", facts("C91.1", "9823/3"), Status.NOT_POOR, "cll", 85),
    ("ALL at 39", facts("C91.0", "9811/3", age=39), Status.NOT_POOR, "all-under-40", 50),
    ("ALL at 40", facts("C91.0", "9811/3", age=40), Status.POOR, "all-40plus", 30),
    ("ALL at 8", facts("C91.0", "9836/3", age=8), Status.NOT_POOR, "all-under-40", 50),
    ("AML with its morphology", facts("C92.0", "9861/3"), Status.POOR, "aml", 27),
]

CASES = [
    # breast: subtype (TNBC vs HR+) on both sides of metastatic vs localised
    (
        "TNBC metastatic",
        facts("C50.4", DUCTAL, stagings=METASTATIC, markers=TNBC),
        Status.POOR,
        "breast-tnbc-metastatic",
        12,
    ),
    (
        "HR+ metastatic",
        facts("C50.4", DUCTAL, stagings=METASTATIC, markers=HR_POSITIVE),
        Status.POOR,
        "breast-metastatic",
        27,
    ),
    (
        "TNBC localised",
        facts("C50.4", DUCTAL, stagings=LOCALISED, markers=TNBC),
        Status.NOT_POOR,
        "breast-tnbc",
        77,
    ),
    (
        "HR+ localised",
        facts("C50.4", DUCTAL, stagings=LOCALISED, markers=HR_POSITIVE),
        Status.NOT_POOR,
        "breast",
        88,
    ),
    (
        "HER2+ metastatic (safer reading)",
        facts(
            "C50.2",
            DUCTAL,
            stagings=METASTATIC,
            markers={"RE": "negative", "RP": "negative", "HER2": "positive"},
        ),
        Status.POOR,
        "breast-metastatic",
        27,
    ),
    (
        "metastatic, receptors unknown",
        facts("C50.9", DUCTAL, stagings=METASTATIC),
        Status.POOR,
        "breast-metastatic",
        27,
    ),
    (
        "localised, receptors unknown",
        facts("C50.9", DUCTAL, stagings=LOCALISED),
        Status.NOT_POOR,
        "breast",
        88,
    ),
    (
        "HER2 equivocal, localised",
        facts(
            "C50.9",
            DUCTAL,
            stagings=LOCALISED,
            markers={"RE": "negative", "RP": "negative", "HER2": "equivocal"},
        ),
        Status.NOT_POOR,
        "breast",
        88,
    ),
    (
        "later staging M1 wins (most advanced)",
        facts(
            "C50.9", DUCTAL, stagings=(*LOCALISED, S("T1c", "N0", "M1b", "")), markers=HR_POSITIVE
        ),
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
    ("pancreas adenocarcinoma, no staging", facts("C25.9", DUCTAL), Status.POOR, "pancreas", 11),
    # other sites
    ("liver, not staged", facts("C22.0", "8170/3"), Status.POOR, "liver", 18),
    ("biliary, not staged", facts("C24.0"), Status.POOR, "biliary", 18),
    ("lung, any histology", facts("C34.1", "8140/3", stagings=LOCALISED), Status.POOR, "lung", 20),
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
        facts("C18.7", ADENO, stagings=(S("T3", "N1", "M0", "IIIB"),)),
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
        facts("C53.9", "8070/3", stagings=(S("T2b", "N0", "M0", "IIB"),)),
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
        facts("C54.1", "8380/3", stagings=(S("T1a", "N0", "M0", "IA"),)),
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
        facts("C61", ADENO, stagings=(S("T3", "N1", "M1b", "IVB"),)),
        Status.NOT_POOR,
        "prostate",
        93,
    ),
    ("thyroid, papillary", facts("C73", "8260/3"), Status.NOT_POOR, "thyroid", 96),
    # Known poor histologies at sites of good prognosis: never the site figure ...
    ("anaplastic thyroid 8020/3", facts("C73", "8020/3"), Status.POOR, "thyroid-anaplastic", 15),
    ("anaplastic thyroid 8021/3", facts("C73", "8021/3"), Status.POOR, "thyroid-anaplastic", 15),
    ("giant cell thyroid 8031/3", facts("C73", "8031/3"), Status.POOR, "thyroid-anaplastic", 15),
    (
        "small-cell prostate, metastatic",
        facts("C61", "8041/3", stagings=(S("T3", "N1", "M1b", "IVB"),)),
        Status.POOR,
        "prostate-neuroendocrine-carcinoma",
        14.3,
    ),
    (
        "small-cell prostate, localised",
        facts("C61", "8041/3", stagings=(S("T2", "N0", "M0", "II"),)),
        Status.POOR,
        "prostate-neuroendocrine-carcinoma",
        14.3,
    ),
    (
        "large-cell neuroendocrine prostate",
        facts("C61", "8013/3"),
        Status.POOR,
        "prostate-neuroendocrine-carcinoma",
        14.3,
    ),
    (
        "uterine carcinosarcoma FIGO IIIA (group)",
        facts("C54.1", "8980/3", stagings=(S("T3a", "N0", "M0", "IIIA"),)),
        Status.POOR,
        "uterine-carcinosarcoma-figo-3-4",
        22,
    ),
    (
        "uterine carcinosarcoma, N1 means IIIC",
        facts("C54.1", "8980/3", stagings=(S("T1b", "N1", "M0", ""),)),
        Status.POOR,
        "uterine-carcinosarcoma-figo-3-4",
        22,
    ),
    (
        "uterine carcinosarcoma, T4 means IVA",
        facts("C54.1", "8980/3", stagings=(S("T4", "N0", "M0", ""),)),
        Status.POOR,
        "uterine-carcinosarcoma-figo-3-4",
        22,
    ),
    (
        "mixed Mullerian tumour FIGO IVB",
        facts("C55", "8950/3", stagings=(S("T3a", "N2", "M1", "IVB"),)),
        Status.POOR,
        "uterine-carcinosarcoma-figo-3-4",
        22,
    ),
    (
        "small-cell breast, triple negative, localised",
        facts("C50.4", "8041/3", stagings=LOCALISED, markers=TNBC),
        Status.POOR,
        "extrapulmonary-neuroendocrine-carcinoma",
        13,
    ),
    (
        "small-cell cervix, localised",
        facts("C53.9", "8041/3", stagings=(S("T1b1", "N0", "M0", "IB1"),)),
        Status.POOR,
        "extrapulmonary-neuroendocrine-carcinoma",
        13,
    ),
    (
        "neuroendocrine carcinoma NOS of the colon",
        facts("C18.7", "8246/3", stagings=(S("T2", "N0", "M0", "I"),)),
        Status.POOR,
        "extrapulmonary-neuroendocrine-carcinoma",
        13,
    ),
    (
        "small-cell thyroid",
        facts("C73", "8041/3"),
        Status.POOR,
        "extrapulmonary-neuroendocrine-carcinoma",
        13,
    ),
    (
        "small-cell bladder (never the urothelial figure)",
        facts("C67.9", "8041/3"),
        Status.POOR,
        "extrapulmonary-neuroendocrine-carcinoma",
        13,
    ),
    (
        "neuroendocrine carcinoma of the pancreas, localised",
        facts("C25.0", "8246/3", stagings=LOCALISED),
        Status.POOR,
        "extrapulmonary-neuroendocrine-carcinoma",
        13,
    ),
    (
        "small-cell lung keeps its own figure",
        facts("C34.1", "8041/3"),
        Status.POOR,
        "lung-small-cell",
        7,
    ),
    # ... while the usual histologies of the same sites keep it.
    ("follicular thyroid", facts("C73", "8330/3"), Status.NOT_POOR, "thyroid", 96),
    ("oncocytic thyroid", facts("C73", "8290/3"), Status.NOT_POOR, "thyroid", 96),
    (
        "prostate acinar adenocarcinoma, localised",
        facts("C61", ADENO, stagings=(S("T2", "N0", "M0", "II"),)),
        Status.NOT_POOR,
        "prostate",
        93,
    ),
    (
        "endometrioid FIGO IIIA",
        facts("C54.1", "8380/3", stagings=(S("T3a", "N0", "M0", "IIIA"),)),
        Status.NOT_POOR,
        "endometrium",
        74,
    ),
    (
        "uterine carcinosarcoma FIGO IA",
        facts("C54.1", "8980/3", stagings=(S("T1a", "N0", "M0", "IA"),)),
        Status.NOT_POOR,
        "uterine-carcinosarcoma",
        39.9,
    ),
    (
        "uterine carcinosarcoma T2 N0 M0 is II",
        facts("C54.1", "8980/3", stagings=(S("T2", "N0", "M0", ""),)),
        Status.NOT_POOR,
        "uterine-carcinosarcoma",
        39.9,
    ),
    (
        "lobular breast, localised",
        facts("C50.4", "8520/3", stagings=LOCALISED),
        Status.NOT_POOR,
        "breast",
        88,
    ),
    (
        "ductal carcinoma in situ (same histology type as 8500/3)",
        facts("C50.4", "8500/2", stagings=(S("Tis", "N0", "M0", "0"),)),
        Status.NOT_POOR,
        "breast",
        88,
    ),
    (
        "mucinous colon adenocarcinoma",
        facts("C18.2", "8480/3", stagings=(S("T3", "N0", "M0", "IIA"),)),
        Status.NOT_POOR,
        "colorectal",
        63,
    ),
    # An unusual histology: a figure valid for any histology that says poor still answers.
    (
        "metaplastic breast, metastatic",
        facts("C50.4", "8575/3", stagings=METASTATIC),
        Status.POOR,
        "breast-metastatic",
        27,
    ),
    (
        "signet-ring colon, metastatic",
        facts("C18.7", "8490/3", stagings=(S("T4a", "N2", "M1a", "IVA"),)),
        Status.POOR,
        "colorectal-metastatic",
        15,
    ),
    # Stage group IV without an M category is metastatic.
    (
        "breast, IV without M",
        facts("C50.4", DUCTAL, stagings=(S("T3", "N2", "", "IV"),)),
        Status.POOR,
        "breast-metastatic",
        27,
    ),
    (
        "colon, IVA with MX",
        facts("C18.7", ADENO, stagings=(S("T3", "N1", "MX", "IVA"),)),
        Status.POOR,
        "colorectal-metastatic",
        15,
    ),
    (
        "breast, IV with M0 recorded: the M category decides",
        facts("C50.4", DUCTAL, stagings=(S("T4b", "N1", "M0", "IV"),)),
        Status.NOT_POOR,
        "breast",
        88,
    ),
    # Neuroendocrine tumours (well differentiated): their own figures, by stage.
    (
        "pancreatic NET, localised",
        facts("C25.0", "8240/3", stagings=LOCALISED),
        Status.NOT_POOR,
        "pancreas-net",
        67,
    ),
    (
        "pancreatic NET G2-G3, regional",
        facts("C25.0", "8249/3", stagings=(S("T3", "N1", "M0", "III"),)),
        Status.NOT_POOR,
        "pancreas-net",
        67,
    ),
    (
        "insulinoma, localised",
        facts("C25.4", "8151/3", stagings=LOCALISED),
        Status.NOT_POOR,
        "pancreas-net",
        67,
    ),
    (
        "pancreatic NET, metastatic",
        facts("C25.0", "8240/3", stagings=METASTATIC),
        Status.POOR,
        "pancreas-net-metastatic",
        28,
    ),
    (
        "pancreatic NET, IV without M",
        facts("C25.0", "8240/3", stagings=(S("T3", "N1", "", "IV"),)),
        Status.POOR,
        "pancreas-net-metastatic",
        28,
    ),
    (
        "lung typical carcinoid, not staged",
        facts("C34.1", "8240/3"),
        Status.NOT_POOR,
        "lung-carcinoid",
        87,
    ),
    (
        "lung typical carcinoid, metastatic",
        facts("C34.1", "8240/3", stagings=METASTATIC),
        Status.NOT_POOR,
        "lung-carcinoid-metastatic",
        49,
    ),
    (
        "lung atypical carcinoid, localised",
        facts("C34.1", "8249/3", stagings=LOCALISED),
        Status.NOT_POOR,
        "lung-carcinoid",
        87,
    ),
    (
        "lung atypical carcinoid, metastatic (safer reading)",
        facts("C34.1", "8249/3", stagings=METASTATIC),
        Status.POOR,
        "lung-atypical-carcinoid-metastatic",
        20,
    ),
    *STAGE_CASES,
    *NEW_SITE_CASES,
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
    assert not result.unusual_histology


MISSING = [
    # deciding facts missing -> "to check" with what is missing, never "not poor prognosis"
    (
        "breast, ductal (receptors would change the figure, not the answer)",
        facts("C50.4", DUCTAL),
        ("metastasis",),
    ),
    ("breast, nothing known", facts("C50.4"), ("morphology", "metastasis")),
    ("breast HR+, no staging", facts("C50.4", DUCTAL, markers=HR_POSITIVE), ("metastasis",)),
    ("breast TNBC, no staging", facts("C50.4", DUCTAL, markers=TNBC), ("metastasis",)),
    (
        "breast, localised, no morphology (a small-cell carcinoma would be poor)",
        Facts("C50.4", "", 60, LOCALISED, HR_POSITIVE),
        ("morphology",),
    ),
    ("HGSC, no staging", facts("C56", "8461/3"), ("stage",)),
    ("ovary, no histology, no staging", facts("C56"), ("morphology", "stage")),
    (
        "HGSC, T2 NX M0 (N decides II vs III)",
        facts("C56", "8461/3", stagings=(S("T2a", "NX", "M0", ""),)),
        ("stage",),
    ),
    ("brain tumour, no morphology", facts("C71.9", age=60), ("morphology",)),
    ("brain tumour, glioma NOS", facts("C71.9", "9380/3", age=60), ("morphology",)),
    ("brain tumour, malignant neoplasm NOS", facts("C71.9", "8000/3", age=60), ("morphology",)),
    ("glioma, age unknown", facts("C71.0", "9400/3", age=None), ("age",)),
    ("colorectal, no staging", facts("C18.7", ADENO), ("metastasis",)),
    ("lung, no morphology (a carcinoid is not poor)", facts("C34.9"), ("morphology", "metastasis")),
    (
        "pancreas, no morphology (a localised NET is not poor)",
        facts("C25.9"),
        ("morphology", "metastasis"),
    ),
    ("thyroid, no morphology (anaplastic is poor)", facts("C73"), ("morphology",)),
    ("carcinoma NOS says nothing of the histology", facts("C73", "8010/3"), ("morphology",)),
    ("pancreatic NET, not staged", facts("C25.0", "8240/3"), ("metastasis",)),
    ("lung atypical carcinoid, not staged", facts("C34.1", "8249/3"), ("metastasis",)),
    ("uterine carcinosarcoma, not staged", facts("C54.1", "8980/3"), ("stage", "metastasis")),
    (
        "stage III without M: not read as metastatic",
        facts("C50.4", DUCTAL, stagings=(S("T3", "N2", "", "IIIA"),)),
        ("metastasis",),
    ),
    (
        "metaplastic breast, not staged",
        facts("C50.4", "8575/3"),
        ("histology", "metastasis"),
    ),
    ("fallopian tube, no staging (no site-level figure)", facts("C57.0", "8461/3"), ("stage",)),
    # stage 0–I entries: an unknown stage could change the answer
    ("stomach, no staging", facts("C16.9", ADENO), ("stage", "metastasis")),
    (
        "stomach, T1 NX M0 (N decides)",
        facts("C16.9", ADENO, stagings=stage("T1", "NX", "M0")),
        ("stage",),
    ),
    (
        "stomach, stage I, no morphology",
        facts("C16.9", stagings=stage("T1", "N0", "M0", "I")),
        ("morphology",),
    ),
    ("oesophagus, no staging", facts("C15.9", SQUAMOUS), ("stage", "metastasis")),
    ("gallbladder, no staging", facts("C23", ADENO), ("stage", "metastasis")),
    # metastatic stage of the added sites
    ("melanoma, no staging", facts("C43.5", "8720/3"), ("metastasis",)),
    ("bladder, no staging", facts("C67.9", "8120/3"), ("metastasis",)),
    (
        "kidney, T1 N0 without M",
        facts("C64", "8312/3", stagings=stage("T1a", "N0", "")),
        ("metastasis",),
    ),
    ("oropharynx, no staging", facts("C10.9", SQUAMOUS), ("metastasis",)),
    (
        "nasopharynx, M0 or not staged (only the metastatic entry)",
        facts("C11.9", "8071/3"),
        ("metastasis",),
    ),
    ("ALL, age unknown", facts("C91.0", "9811/3", age=None), ("age",)),
]


@pytest.mark.parametrize(("case", "known", "missing"), MISSING, ids=[c[0] for c in MISSING])
def test_missing_facts_give_to_check_with_what_is_missing(case, known, missing):
    result = prognosis.assess(survival_table(), known)
    assert result.status == Status.TO_CHECK
    assert result.poor_prognosis is None
    assert result.missing == missing
    assert result.pending  # the entries the missing facts could make apply


UNUSUAL = [
    # A recorded histology the site figure was not measured for: "to check" (histology), no
    # figure given; the usual histologies of the same sites are in CASES.
    ("medullary thyroid", facts("C73", "8345/3"), "thyroid"),
    ("poorly differentiated thyroid", facts("C73", "8337/3"), "thyroid"),
    ("metaplastic breast, localised", facts("C50.4", "8575/3", stagings=LOCALISED), "breast"),
    (
        "metaplastic triple-negative breast, localised",
        facts("C50.4", "8575/3", stagings=LOCALISED, markers=TNBC),
        "breast-tnbc",
    ),
    (
        "signet-ring colon, M0",
        facts("C18.7", "8490/3", stagings=(S("T3", "N0", "M0", "IIA"),)),
        "colorectal",
    ),
    ("rectal NET, M0", facts("C20", "8240/3", stagings=LOCALISED), "colorectal"),
    (
        "serous endometrial carcinoma, stage I",
        facts("C54.1", "8441/3", stagings=(S("T1a", "N0", "M0", "IA"),)),
        "endometrium",
    ),
    (
        "ductal prostate adenocarcinoma, even M1",
        facts("C61", DUCTAL, stagings=METASTATIC),
        "prostate",
    ),
    (
        "granulosa cell tumour of the ovary, FIGO I",
        facts("C56", "8620/3", stagings=(S("T1a", "N0", "M0", "IA"),)),
        "ovary",
    ),
    (
        "cervix, clear cell carcinoma, M0",
        facts("C53.9", "8310/3", stagings=(S("T1b", "N0", "M0", "IB"),)),
        "cervix",
    ),
    ("Hodgkin code with a DLBCL morphology", facts("C81.9", "9680/3"), "hodgkin"),
    ("CLL code with an AML morphology", facts("C91.1", "9861/3"), "cll"),
    ("plasma cell leukaemia morphology at C90.0", facts("C90.0", "9733/3"), "myeloma"),
    (
        "bladder squamous cell carcinoma, M0",
        facts("C67.9", SQUAMOUS, stagings=stage("T2", "N0", "M0")),
        "bladder",
    ),
]


@pytest.mark.parametrize(("case", "known", "entry"), UNUSUAL, ids=[c[0] for c in UNUSUAL])
def test_an_unusual_histology_never_gets_the_site_figure(case, known, entry):
    result = prognosis.assess(survival_table(), known)
    assert (result.status, result.missing) == (Status.TO_CHECK, ("histology",))
    assert result.poor_prognosis is None
    assert result.entry_key == entry  # shown as what the known facts give so far ...
    assert result.survival_5y is None  # ... but its figure is not given
    assert result.unusual_histology


@pytest.mark.parametrize(
    ("staging", "metastatic"),
    [
        (S("T2", "N1", "M1", ""), True),
        (S("T2", "N1", "M1c", "IVB"), True),
        (S("T2", "N1", "", "IV"), True),
        (S("T4", "N0", "", "IVA"), True),
        (S("T2", "N1", "MX", "IVB"), True),
        (S("T4", "N0", "M0", "IVA"), False),  # a recorded M0 decides (e.g. cervix IVA)
        (S("T2", "N1", "M0", ""), False),
        (S("T3", "N2", "", "IIIC"), None),  # stage III does not say M0 at every site
        (S("T2", "N1", "", ""), None),
        (S("T2", "N1", "MX", ""), None),
    ],
)
def test_metastatic_reads_m1_or_a_stage_group_iv_without_m(staging, metastatic):
    condition = prognosis.Stage(label="m", metastatic=True)
    context = survival_table().context
    assert condition.evaluate(Facts("C50", stagings=(staging,)), context)[0] is metastatic


@pytest.mark.parametrize(
    ("stagings", "within"),
    [
        ((S("T1a", "N0", "M0", "IA"),), True),
        ((S("T1b", "N1", "M0", "IB"),), True),  # the stage group decides
        ((S("Tis", "N0", "M0", "0"),), True),
        ((S("T2", "N0", "M0", ""),), True),  # every category within
        ((S("T3", "N0", "M0", "IIA"),), False),
        ((S("T1", "N0", "M0", "IVA"),), False),
        ((S("T1", "N0", "M1", "IA"),), False),  # an M1 is never within
        ((S("T3", "N0", "M0", ""),), False),  # one category beyond is enough
        ((S("T1", "N1", "M0", ""),), False),
        ((S("T1", "NX", "M0", ""),), None),
        ((S("T1", "N0", "", ""),), None),
        ((S("T1a", "N0", "M0", "IA"), S("T3", "N1", "M0", "IIIA")), False),  # most advanced
        ((S("T1a", "N0", "M0", "IA"), S("T2", "NX", "MX", "")), True),
        ((), None),
    ],
)
def test_a_stage_0_to_i_condition_holds_only_when_every_staging_is_within(stagings, within):
    condition = survival_table().entry("stomach-stage-1").conditions[0]
    value, missing = condition.evaluate(Facts("C16", stagings=stagings), survival_table().context)
    assert value is within
    assert missing == (frozenset({"stage"}) if within is None else frozenset())


def test_a_within_stage_needs_groups_and_what_lies_beyond():
    with pytest.raises(prognosis.TableError, match="stage early: a 'within' stage"):
        _table(stages={"early": {"label": "early", "metastatic": True, "within": {"t": ["T1"]}}})
    with pytest.raises(prognosis.TableError, match="beyond_label"):
        _table(stages={"early": {"label": "early", "groups": ["I"], "within": {"t": ["T1"]}}})


def test_to_check_gives_no_figure_but_the_range_of_the_candidate_figures():
    # The cold try-out: a stomach cancer without staging could be stage I (75 %), beyond (27 %)
    # or metastatic (7 %): no figure is given as if decided.
    result = prognosis.assess(survival_table(), facts("C16.9", ADENO))
    assert (result.status, result.survival_5y, result.figures) == (
        Status.TO_CHECK,
        None,
        (7, 27, 75),
    )
    assert result.entry_key == "stomach"  # what the known facts give so far
    breast = prognosis.assess(survival_table(), facts("C50.8", DUCTAL, markers={"RE": "positive"}))
    assert (breast.survival_5y, breast.figures) == (None, (27, 88))
    decided = prognosis.assess(survival_table(), facts("C16.9", ADENO, stagings=METASTATIC))
    assert (decided.survival_5y, decided.figures) == (7, ())


def test_a_stage_i_answer_says_what_a_more_advanced_stage_would_give():
    result = prognosis.assess(
        survival_table(), facts("C16.9", ADENO, stagings=stage("T1a", "N0", "M0", "IA"))
    )
    changes = {c.entry.key: (c.unmet, c.poor) for c in result.alternatives}
    assert changes == {
        "stomach-metastatic": (("métastatique (M1)",), True),
        "stomach": (("au-delà du stade I",), True),
    }
    # ... and a stage beyond I says that stage I would not be flagged.
    beyond = prognosis.assess(
        survival_table(), facts("C16.9", ADENO, stagings=stage("T3", "N1", "M0", "IIIA"))
    )
    assert {c.entry.key: c.poor for c in beyond.alternatives} == {"stomach-stage-1": False}


def test_every_site_of_the_demo_is_in_the_table():
    # The demo generator's sites (data module, no Django): none may show "not in the table".
    from oncoparcours.demo.cancers import SITE_MIX

    for mix in SITE_MIX:
        for code in mix.icd10:
            for morphology, _weight in mix.morphologies:
                for stagings in ((), LOCALISED, METASTATIC):
                    result = prognosis.assess(
                        survival_table(), facts(code, morphology, stagings=stagings)
                    )
                    assert result.status != Status.NOT_IN_TABLE, (mix.key, code, morphology)


def _sites_and_histologies(table):
    """(not-poor entry with usual histologies, a histology poor at any stage at that site)."""
    poor_histologies = [
        e
        for e in table.entries
        if table.is_poor(e) and [c.kind for c in e.conditions] == ["histology"]
    ]
    for entry in table.entries:
        if entry.usual is None:
            continue
        for poor in poor_histologies:
            if any(icd10.ranges_overlap(a, b) for a in entry.ranges for b in poor.ranges):
                yield entry, poor


def test_every_not_poor_figure_says_which_histologies_it_holds_for():
    table = survival_table()
    unrestricted = [
        e.key
        for e in table.entries
        if not table.is_poor(e)
        and e.usual is None
        and not any(c.kind == "histology" for c in e.conditions)
    ]
    assert unrestricted == []


def test_a_histology_poor_at_any_stage_is_never_a_usual_histology():
    pairs = list(_sites_and_histologies(survival_table()))
    assert {(e.key, p.key) for e, p in pairs} >= {
        ("thyroid", "thyroid-anaplastic"),
        ("thyroid", "extrapulmonary-neuroendocrine-carcinoma"),
        ("prostate", "prostate-neuroendocrine-carcinoma"),
        ("breast", "extrapulmonary-neuroendocrine-carcinoma"),
    }
    for entry, poor in pairs:
        [histology] = poor.conditions
        assert not {code[:4] for code in histology.codes} & entry.usual.types, (entry, poor)


def test_every_known_poor_histology_is_poor_at_every_site_of_good_prognosis_even_localised():
    table = survival_table()
    for entry, poor in _sites_and_histologies(table):
        site = entry.ranges[0][0]
        if not poor.covers(site):
            continue
        for code in sorted(poor.conditions[0].codes):
            result = prognosis.assess(table, facts(site, code, stagings=LOCALISED))
            assert result.status == Status.POOR, (site, code, result.entry_key)


def _usual_table(wider_survival):
    return _table(
        {
            "key": "site",
            "label": "site",
            "icd10": [["C16.1", "C16.1"]],
            "usual_histology": "adeno",
            "survival_5y": 60,
        },
        {
            "key": "wider",
            "label": "wider",
            "icd10": [["C16", "C16"]],
            "survival_5y": wider_survival,
        },
        usual_histologies={"adeno": {"label": "adénocarcinome", "types": ["8140"]}},
        unspecified_morphologies=["8000/3"],
    )


@pytest.mark.parametrize(
    ("morphology", "wider_survival", "status", "entry", "survival", "missing"),
    [
        ("8140/3", 50, Status.NOT_POOR, "site", 60, ()),  # the usual histology
        ("8140/2", 50, Status.NOT_POOR, "site", 60, ()),  # same histology type, in situ
        ("", 50, Status.NOT_POOR, "site", 60, ()),  # no morphology: the all-histology figure
        ("8000/3", 50, Status.NOT_POOR, "site", 60, ()),  # neoplasm NOS: same
        ("8490/3", 50, Status.TO_CHECK, "site", None, ("histology",)),  # not measured for it
        ("8490/3", 20, Status.POOR, "wider", 20, ()),  # a valid figure says poor: poor
        ("8140/3", 20, Status.NOT_POOR, "site", 60, ()),  # the most specific still decides
    ],
)
def test_a_site_figure_holds_only_for_its_usual_histologies(
    morphology, wider_survival, status, entry, survival, missing
):
    result = prognosis.assess(_usual_table(wider_survival), Facts("C16.1", morphology))
    assert (result.status, result.entry_key, result.survival_5y, result.missing) == (
        status,
        entry,
        survival,
        missing,
    )


def test_unknown_facts_that_cannot_change_the_answer_do_not_block_it():
    # ER−, PR unknown, HER2−, M1: TNBC-metastatic (12 %) or metastatic (27 %): poor either way.
    result = prognosis.assess(
        survival_table(),
        facts("C50.4", DUCTAL, stagings=METASTATIC, markers={"ER": "negative", "HER2": "negative"}),
    )
    assert (result.status, result.entry_key) == (Status.POOR, "breast-metastatic")


def test_what_would_change_a_decided_answer():
    result = prognosis.assess(
        survival_table(), facts("C50.4", DUCTAL, stagings=LOCALISED, markers=HR_POSITIVE)
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
    result = prognosis.assess(survival_table(), facts("C49.2", "8890/3"))
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
        (
            {
                "key": "x",
                "label": "x",
                "icd10": [["C16", "C16"]],
                "survival_5y": 60,
                "usual_histology": "nope",
            },
            "entry 1 \\(x\\): unknown 'nope'",
        ),
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


def test_the_record_asks_to_check_an_unusual_histology_without_giving_the_site_figure(
    clinician_client, clinician, patient
):
    from .helpers import record_diagnosis

    diagnosis = record_diagnosis(
        clinician.user, patient, "C50.4", "8575/3", stage=("T1c", "N0", "M0", "IA")
    )
    assert (diagnosis.prognosis_status, diagnosis.survival_entry) == ("to_check", "breast")
    assert diagnosis.five_year_survival is None
    assert diagnosis.prognosis_missing == ["histology"]
    page = clinician_client.get(patient.get_absolute_url()).content.decode()
    assert "Non déterminé — à vérifier" in page
    assert "survie de cette histologie pour cette localisation" in page
    assert "histologies habituelles du sein" in page  # what the site figure holds for
    assert "survie nette à 5 ans 88" not in page


def test_the_record_gives_no_figure_while_to_check_and_explains_approx(
    clinician_client, clinician, patient
):
    from .helpers import add_staging, record_diagnosis

    glioblastoma = record_diagnosis(clinician.user, patient, "C71.9", "9440/3")
    page = clinician_client.get(patient.get_absolute_url()).content.decode()
    assert "survie nette à 5 ans 7 %" in page  # a checked figure: no approx. mark, no note
    assert "chiffre approché" not in page
    glioblastoma.delete()

    stomach = record_diagnosis(clinician.user, patient, "C16.9", "8140/3")
    assert (stomach.prognosis_status, stomach.five_year_survival) == ("to_check", None)
    page = clinician_client.get(patient.get_absolute_url()).content.decode()
    assert "Non déterminé — à vérifier" in page
    assert "survie nette à 5 ans non déterminée : de 7 à 75 % selon les éléments manquants" in page
    assert "survie nette à 5 ans 27" not in page  # the all-stage figure is not given as decided
    assert "Estomac, stade 0–I — 75 % à 5 ans (approx.), pas un cancer de mauvais pronostic" in page
    # "approx." is explained on the page and linked to the source.
    note = "approx. : chiffre approché, source secondaire ou non vérifiée sur la publication"
    assert note in page
    assert f'href="#prognosis-approx-{stomach.pk}"' in page
    assert f'href="#prognosis-source-{stomach.pk}"' in page
    assert f'id="prognosis-source-{stomach.pk}"' in page

    add_staging(clinician.user, stomach, "T1a", "N0", "M0", "IA")
    page = clinician_client.get(patient.get_absolute_url()).content.decode()
    assert "Pas un cancer de mauvais pronostic" in page
    assert "survie nette à 5 ans 75 %" in page
    assert "Survival Rates for Stomach Cancer" in page
    assert "au-delà du stade I → Estomac, 27 % à 5 ans approx. (mauvais pronostic)" in page
    assert "métastatique (M1) → Estomac métastatique, 7 % à 5 ans approx." in page


def test_a_figure_stored_before_a_to_check_answer_is_not_shown(
    clinician_client, clinician, patient
):
    from oncoparcours.testing.factories import DiagnosisFactory

    DiagnosisFactory(
        patient=patient,
        icd10="C50.8",
        poor_prognosis=None,
        five_year_survival=88,
        survival_entry="breast",
        survival_table_version="survival-2026.1",
        prognosis_missing=["metastasis"],
    )
    page = clinician_client.get(patient.get_absolute_url()).content.decode()
    assert "Non déterminé — à vérifier" in page
    assert "survie nette à 5 ans 88" not in page
