"""Matching rules: a table of cases per criterion, Kleene logic, basket trials, the index never
hides an arm, ranking."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oncoparcours.trials.rules.criteria import EVALUATORS, MET, NOT_MET, UNKNOWN
from oncoparcours.trials.rules.facts import (
    DiagnosisFacts,
    NegativeFacts,
    PatientFacts,
    VariantFacts,
)
from oncoparcours.trials.rules.matching import ArmSpec, Matcher
from oncoparcours.trials.rules.tree import compile_tree, document_problems


def PV(*args: object) -> VariantFacts:
    """A variant classified pathogenic (class 5)."""
    return VariantFacts(*args, classification=5)  # type: ignore[arg-type]


BRAF_V600E = PV("BRAF", "snv", 15, "p.V600E")
ETV6_NTRK3 = PV("ETV6", "fusion", None, "", "NTRK3")
NTRK3_FUSION = PV("NTRK3", "fusion", None, "", "ETV6")


def PV(*args: object) -> VariantFacts:
    """A variant classified pathogenic (class 5)."""
    return VariantFacts(*args, classification=5)  # type: ignore[arg-type]


def facts(**kwargs):
    base = {"age": 60, "sex": "F", "diagnoses": (DiagnosisFacts("C18.7", "C18.7", "8140/3"),)}
    return PatientFacts(**{**base, **kwargs})


CASES = [
    # (criterion, patient facts, expected value)
    ({"criterion": "disease", "icd10": ["C18", "C19", "C20"]}, facts(), MET),
    ({"criterion": "disease", "icd10": ["C34"]}, facts(), NOT_MET),
    ({"criterion": "disease", "icd10": ["C18"]}, facts(diagnoses=()), UNKNOWN),
    ({"criterion": "disease", "group": "solid"}, facts(), MET),
    ({"criterion": "disease", "group": "haematological"}, facts(), NOT_MET),
    ({"criterion": "disease", "group": "haematological"},
     facts(diagnoses=(DiagnosisFacts("C83.3"),)), MET),
    ({"criterion": "disease", "group": "solid", "exclude_icd10": ["C18"]}, facts(), NOT_MET),
    ({"criterion": "disease", "morphology": ["814"]}, facts(), MET),
    ({"criterion": "disease", "morphology": ["8070"]}, facts(), NOT_MET),
    ({"criterion": "disease", "topography": ["C18"]},
     facts(diagnoses=(DiagnosisFacts("C18.7"),)), UNKNOWN),
    # A matching recorded variant meets; the absence of a variant proves nothing (the genes a
    # test covered are not recorded): to verify, never "not met" turned "met" under a NOT.
    ({"criterion": "variant", "gene": "BRAF", "protein_position": "p.V600"},
     facts(sequenced=True, variants=(BRAF_V600E,)), MET),
    ({"criterion": "variant", "gene": "BRAF", "protein_change": "p.V600E"},
     facts(sequenced=True, variants=(PV("BRAF", "snv", 15, "p.V600K"),)), UNKNOWN),
    ({"criterion": "variant", "gene": "BRAF", "protein_position": "p.V600"},
     facts(sequenced=True, variants=(PV("BRAF", "snv", 11, "p.G469A"),)), UNKNOWN),
    ({"criterion": "variant", "gene": "BRAF", "protein_position": "p.V600"}, facts(), UNKNOWN),
    ({"criterion": "variant", "gene": "BRAF", "protein_position": "p.V600"},
     facts(variants=(PV("BRAF", "snv", 15, "p.V600="),)), UNKNOWN),  # silent
    ({"criterion": "variant", "gene": "EGFR", "protein_position": "p.L85"},
     facts(variants=(PV("EGFR", "snv", 21, "p.L858R"),)), UNKNOWN),  # position ends
    ({"criterion": "variant", "gene": "TP53", "protein_change": "p.R213*"},
     facts(variants=(PV("TP53", "snv", 6, "p.R213Q"),)), UNKNOWN),  # * = stop codon
    ({"criterion": "variant", "gene": "TP53", "protein_change": "p.R213*"},
     facts(variants=(PV("TP53", "snv", 6, "p.R213*"),)), MET),
    ({"criterion": "variant", "gene": "BRAF", "exon": 15},
     facts(sequenced=True, variants=(BRAF_V600E,)), MET),
    ({"criterion": "variant", "gene": "NTRK3", "alteration_type": "fusion"},
     facts(sequenced=True, variants=(NTRK3_FUSION,)), MET),
    ({"criterion": "variant", "gene": "ETV6", "alteration_type": "fusion",
      "fusion_partner": "NTRK3"}, facts(sequenced=True, variants=(ETV6_NTRK3,)), MET),
    # Wild type: a variant in the gene says no; none recorded is to verify (an EGFR PCR says
    # nothing of KRAS).
    ({"criterion": "variant", "gene": "KRAS", "wild_type": True},
     facts(sequenced=True, variants=(BRAF_V600E,)), UNKNOWN),
    ({"criterion": "variant", "gene": "KRAS", "wild_type": True},
     facts(sequenced=True, variants=(PV("KRAS", "snv", 2, "p.G12D"),)), NOT_MET),
    ({"criterion": "variant", "gene": "KRAS", "wild_type": True}, facts(), UNKNOWN),
    ({"criterion": "variant", "gene": "NTRK3", "alteration_type": "fusion"},
     facts(sequenced=True, variants=(ETV6_NTRK3,)), MET),
    ({"criterion": "variant", "gene": "NTRK3", "fusion_partner": "ETV6"},
     facts(sequenced=True, variants=(ETV6_NTRK3,)), MET),
    ({"criterion": "variant", "gene": "NTRK3", "wild_type": True},
     facts(sequenced=True, variants=(ETV6_NTRK3,)), NOT_MET),
    # HER2 2+ is equivocal without in situ hybridisation (ASCO/CAP 2018): to verify both ways.
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3},
     facts(ihc={"HER2": ("her2_score", 2.0)}), UNKNOWN),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "max": 2},
     facts(ihc={"HER2": ("her2_score", 2.0)}), UNKNOWN),
    # ER negative is < 1 % (ASCO/CAP 2020).
    ({"criterion": "ihc", "marker": "ER", "scale": "percent", "below": 1},
     facts(ihc={"ER": ("percent", 0.5)}), MET),
    ({"criterion": "ihc", "marker": "ER", "scale": "percent", "below": 1},
     facts(ihc={"ER": ("percent", 1.0)}), NOT_MET),
    # An excluded histology with the histology unknown stays to verify.
    ({"criterion": "disease", "icd10": ["C34"], "exclude_morphology": ["807"]},
     facts(diagnoses=(DiagnosisFacts("C34.1"),)), UNKNOWN),
    # Two cancers answering differently: to verify (biomarkers are not tied to one tumour).
    ({"criterion": "disease", "group": "solid", "exclude_icd10": ["C43"]},
     facts(diagnoses=(DiagnosisFacts("C43.5"), DiagnosisFacts("C61"))), UNKNOWN),
    # A drug not found in free-text regimens is no proof of never having had it.
    ({"criterion": "prior_drug", "drugs": ["pembrolizumab"]},
     facts(prior_lines=2, prior_drugs=frozenset({"carboplatine"})), UNKNOWN),
    ({"criterion": "tmb", "min": 10}, facts(tmb=12.5), MET),
    ({"criterion": "tmb", "min": 10}, facts(tmb=9.9), NOT_MET),
    ({"criterion": "tmb", "min": 10}, facts(), UNKNOWN),
    ({"criterion": "msi", "status": "msi_h"}, facts(msi="dmmr"), MET),
    ({"criterion": "msi", "status": "msi_h"}, facts(msi="pmmr"), NOT_MET),
    ({"criterion": "msi", "status": "mss"}, facts(msi="msi_l"), MET),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3},
     facts(ihc={"HER2": ("her2_score", 3.0)}), MET),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 1, "max": 2},
     facts(ihc={"HER2": ("her2_score", 3.0)}), NOT_MET),
    ({"criterion": "ihc", "marker": "PD-L1", "scale": "percent", "min": 50},
     facts(ihc={"PD-L1": ("cps", 60.0)}), UNKNOWN),
    ({"criterion": "age", "min": 18}, facts(age=17), NOT_MET),
    ({"criterion": "age", "min": 18, "max": 75}, facts(age=75), MET),
    ({"criterion": "sex", "sex": "F"}, facts(sex="M"), NOT_MET),
    ({"criterion": "sex", "sex": "F"}, facts(sex="X"), UNKNOWN),
    ({"criterion": "stage", "metastatic": True}, facts(metastatic=True), MET),
    ({"criterion": "stage", "metastatic": True}, facts(), UNKNOWN),
    ({"criterion": "stage", "stage_groups": ["III", "IV"]}, facts(stage_group="IIIB"), MET),
    ({"criterion": "stage", "stage_groups": ["IV"]}, facts(stage_group="II"), NOT_MET),
    ({"criterion": "line", "min": 1, "max": 2}, facts(prior_lines=3), NOT_MET),
    ({"criterion": "line", "min": 1}, facts(), UNKNOWN),
    ({"criterion": "prior_drug", "classes": ["immune_checkpoint_inhibitor"]},
     facts(prior_lines=1, prior_classes=frozenset({"immune_checkpoint_inhibitor"})), MET),
    ({"criterion": "prior_drug", "drugs": ["vemurafenib"]},
     facts(prior_lines=1, prior_drugs=frozenset({"folfox"})), UNKNOWN),
    ({"criterion": "ecog", "max": 1}, facts(ecog=2), NOT_MET),
    ({"criterion": "ecog", "max": 1}, facts(), UNKNOWN),
    ({"criterion": "lab", "test": "neutrophils", "min": 1.5}, facts(labs={"neutrophils": 2.0}),
     MET),
    ({"criterion": "lab", "test": "neutrophils", "min": 1.5}, facts(), UNKNOWN),
]  # fmt: skip


@pytest.mark.parametrize(("criterion", "patient", "expected"), CASES)
def test_criterion_table(criterion, patient, expected):
    assert document_problems({"schema": 1, "tree": criterion}) == []
    assert EVALUATORS[criterion["criterion"]](criterion, patient)[0] == expected


LEAF = {MET: {"criterion": "age", "min": 0}, NOT_MET: {"criterion": "age", "min": 200},
        UNKNOWN: {"criterion": "ecog", "max": 1}}  # fmt: skip


@pytest.mark.parametrize("a", [MET, NOT_MET, UNKNOWN])
@pytest.mark.parametrize("b", [MET, NOT_MET, UNKNOWN])
def test_kleene_logic(a, b):
    patient = facts()
    both = [LEAF[a], LEAF[b]]
    assert compile_tree({"and": both})(patient, None) == min(a, b)
    assert compile_tree({"or": both})(patient, None) == max(a, b)
    assert compile_tree({"not": LEAF[a]})(patient, None) == {MET: 0, NOT_MET: 2, UNKNOWN: 1}[a]


def test_every_criterion_has_a_reason_even_when_the_result_is_decided():
    out = []
    tree = {"and": [LEAF[NOT_MET], LEAF[UNKNOWN], LEAF[MET]]}
    assert compile_tree(tree)(facts(), out) == NOT_MET
    assert [leaf.value for leaf in out] == [NOT_MET, UNKNOWN, MET]
    assert [leaf.path for leaf in out] == ["tree.0", "tree.1", "tree.2"]


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"schema": 2, "tree": LEAF[MET]}, ("schema", "unsupported_schema")),
        ({"schema": 1, "tree": {"and": []}}, ("tree", "operator_needs_list")),
        ({"schema": 1, "tree": {"criterion": "horoscope"}}, ("tree", "unknown_criterion")),
        ({"schema": 1, "tree": {"criterion": "age", "min": "18"}}, ("tree.min", "not_number")),
        ({"schema": 1, "tree": {"criterion": "variant"}}, ("tree.gene", "required")),
        ({"schema": 1, "tree": {"criterion": "variant", "gene": "braf"}},
         ("tree.gene", "not_gene")),
        ({"schema": 1, "tree": {"criterion": "disease", "group": "liquid"}},
         ("tree.group", "unknown_choice")),
        ({"schema": 1, "tree": {"criterion": "age", "colour": 1}},
         ("tree.colour", "unknown_field")),
    ],
)  # fmt: skip
def test_invalid_trees_are_refused_with_the_path(document, problem):
    assert problem in document_problems(document)


BASKET = {"and": [
    {"criterion": "disease", "group": "solid"},
    {"criterion": "variant", "gene": "BRAF", "protein_position": "p.V600"},
]}  # fmt: skip
NTRK = {"and": [{"or": [
    {"criterion": "variant", "gene": g, "alteration_type": "fusion"}
    for g in ("NTRK1", "NTRK2", "NTRK3")
]}]}  # fmt: skip
MELANOMA = {"and": [
    {"criterion": "disease", "icd10": ["C43"]}, {"criterion": "ecog", "max": 1},
]}  # fmt: skip
LUNG_KRAS_WT = {"and": [
    {"criterion": "disease", "icd10": ["C34"]},
    {"criterion": "variant", "gene": "KRAS", "wild_type": True},
]}  # fmt: skip


def arms():
    return [
        ArmSpec("basket", "BRAF basket", BASKET, sites=((48.79, 2.35),)),
        ArmSpec("ntrk", "NTRK", NTRK, sites=((45.74, 4.87),)),
        ArmSpec("melanoma", "Melanoma", MELANOMA),
        ArmSpec("lung", "Lung", LUNG_KRAS_WT),
    ]


def test_basket_trial_matches_whatever_the_organ_and_ranking_prefers_met_then_near():
    matcher = Matcher(arms())
    colon = facts(sequenced=True, variants=(BRAF_V600E,), latitude=45.76, longitude=4.84)
    ranked = matcher.match(colon)  # the NTRK basket stays to verify: no fusion test recorded
    assert [(m.arm.key, m.value) for m in ranked] == [("basket", MET), ("ntrk", UNKNOWN)]
    thyroid = facts(diagnoses=(DiagnosisFacts("C73"),), latitude=45.76, longitude=4.84)
    ranked = matcher.match(thyroid)  # not sequenced: both baskets to verify, fewer unknowns first
    assert [(m.arm.key, m.unknowns) for m in ranked] == [("basket", 1), ("ntrk", 3)]
    assert all(m.value == UNKNOWN for m in ranked)


def test_same_result_ranked_by_distance_to_the_nearest_open_site():
    paris, lyon = (48.84, 2.31), (45.74, 4.87)
    matcher = Matcher(
        [
            ArmSpec("far", "Far", BASKET, sites=(paris,)),
            ArmSpec("near", "Near", BASKET, sites=(paris, lyon)),
            ArmSpec("nowhere", "No open site", BASKET),
        ]
    )
    lyon_patient = facts(sequenced=True, variants=(BRAF_V600E,), latitude=45.76, longitude=4.84)
    ranked = matcher.match(lyon_patient)
    assert [m.arm.key for m in ranked] == ["near", "far", "nowhere"]
    assert ranked[0].distance_km < 5 and 380 < ranked[1].distance_km < 420
    assert ranked[2].distance_km is None


def test_met_before_to_verify_then_fewer_unknowns():
    matcher = Matcher(arms())
    melanoma = facts(diagnoses=(DiagnosisFacts("C43.5"),), sequenced=True, variants=(BRAF_V600E,))
    assert [(m.arm.key, m.value) for m in matcher.match(melanoma)] == [
        ("basket", MET),
        ("melanoma", UNKNOWN),
        ("ntrk", UNKNOWN),
    ]


GENES = ["BRAF", "KRAS", "NTRK1", "NTRK3", "EGFR"]
variants = st.builds(
    VariantFacts,
    gene=st.sampled_from(GENES),
    alteration_type=st.sampled_from(["snv", "fusion"]),
    exon=st.none(),
    protein_change=st.sampled_from(["", "p.V600E", "p.G12C"]),
    fusion_partner=st.sampled_from(["", "ETV6", "NTRK3"]),
)
patients = st.builds(
    PatientFacts,
    age=st.integers(0, 100),
    sex=st.sampled_from(["F", "M", "X"]),
    diagnoses=st.lists(
        st.builds(DiagnosisFacts, icd10=st.sampled_from(["C18.7", "C34.1", "C43.5", "C83.3"])),
        max_size=2,
    ).map(tuple),
    ecog=st.none() | st.integers(0, 4),
    sequenced=st.booleans(),
    variants=st.lists(variants, max_size=3).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(patients)
def test_index_never_hides_an_arm_that_is_not_excluded(patient):
    matcher = Matcher(arms())
    plain = {a.key for a in matcher.arms if a.evaluate(patient, None) != NOT_MET}
    assert {a.key for a, _value in matcher.values(patient)} == plain


KRAS_G12D = PV("KRAS", "snv", 2, "p.G12D")
REVIEW_CASES = [
    # A position wildcard is a missense change there (MatchMiner's wildcard): not a frameshift,
    # stop or in-frame deletion at the hotspot, not a silent change in any writing.
    ({"criterion": "variant", "gene": "KRAS", "protein_position": "p.G12"},
     facts(variants=(PV("KRAS", "indel", 2, "p.G12fs"),)), UNKNOWN),
    ({"criterion": "variant", "gene": "KRAS", "protein_position": "p.G12"},
     facts(variants=(PV("KRAS", "snv", 2, "p.G12*"),)), UNKNOWN),
    ({"criterion": "variant", "gene": "KRAS", "protein_position": "p.G12"},
     facts(variants=(KRAS_G12D,)), MET),
    ({"criterion": "variant", "gene": "BRCA2"},
     facts(variants=(VariantFacts("BRCA2", "snv", 11, "p.(S455=)"),)), UNKNOWN),
    ({"criterion": "variant", "gene": "KRAS"},
     facts(variants=(PV("KRAS", "snv", 2, "p.G12G"),)), UNKNOWN),
    # Wild type is broken only by a non-silent change of the criterion's kind and position.
    ({"criterion": "variant", "gene": "KRAS", "wild_type": True},
     facts(variants=(PV("KRAS", "snv", 2, "p.G12="),)), UNKNOWN),
    ({"criterion": "variant", "gene": "KRAS", "alteration_type": "mutation", "wild_type": True},
     facts(variants=(PV("KRAS", "amplification"),)), UNKNOWN),
    ({"criterion": "variant", "gene": "BRAF", "protein_position": "p.V600", "wild_type": True},
     facts(variants=(PV("BRAF", "snv", 11, "p.G469A"),)), UNKNOWN),
    ({"criterion": "variant", "gene": "BRAF", "protein_position": "p.V600", "wild_type": True},
     facts(variants=(BRAF_V600E,)), NOT_MET),
    # HER2 2+ is decided by IHC alone for "≥ 2+" and "≤ 1+"; only 3+ / ≤ 2+ need ISH.
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 2},
     facts(ihc={"HER2": ("her2_score", 2.0)}), MET),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "max": 1},
     facts(ihc={"HER2": ("her2_score", 2.0)}), NOT_MET),
    # HER2 2+ keeps its IHC score; an ERBB2 amplification result by ISH recorded beside it decides
    # where ISH decides (ASCO/CAP 2018): ISH- is HER2-negative (HER2-low), ISH+ HER2-positive.
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 1, "max": 2},
     facts(ihc={"HER2": ("her2_score", 2.0)}, her2_ish=(False,)), MET),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3},
     facts(ihc={"HER2": ("her2_score", 2.0)}, her2_ish=(False,)), NOT_MET),
    # The same results by NGS or without their method (the variants and negatives carry none):
    # an equivocal 2+ needs the ISH, to verify (ASCO/CAP 2018).
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 1, "max": 2},
     facts(ihc={"HER2": ("her2_score", 2.0)}, negatives=(NegativeFacts("ERBB2", "amplification"),)),
     UNKNOWN),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3},
     facts(ihc={"HER2": ("her2_score", 2.0)}, her2_ish=(), her2_other=(False,)), UNKNOWN),
    # Only a whole-gene negative of the amplification is an ISH result: a gene-level NGS negative
    # or the NSCLC exon-20 test decides nothing for a 2+.
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3},
     facts(ihc={"HER2": ("her2_score", 2.0)}, negatives=(NegativeFacts("ERBB2"),)), UNKNOWN),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 1, "max": 2},
     facts(ihc={"HER2": ("her2_score", 2.0)}, negatives=(NegativeFacts("ERBB2", "", 20),)),
     UNKNOWN),
    # A HER2-negative criterion written "below 3" needs the ISH for a 2+ too.
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "below": 3},
     facts(ihc={"HER2": ("her2_score", 2.0)}), UNKNOWN),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "below": 3},
     facts(ihc={"HER2": ("her2_score", 2.0)}, her2_ish=(True,)), NOT_MET),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "below": 3},
     facts(ihc={"HER2": ("her2_score", 2.0)}, variants=(VariantFacts("ERBB2", "amplification"),)),
     UNKNOWN),
    # IHC 0/1+ with an ERBB2 amplification: discordant (an amplified ISH is HER2-positive
    # whatever the score, ASCO/CAP 2018): neither HER2-low nor 3+ until checked.
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 1, "max": 2},
     facts(ihc={"HER2": ("her2_score", 1.0)}, variants=(VariantFacts("ERBB2", "amplification"),)),
     UNKNOWN),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3},
     facts(ihc={"HER2": ("her2_score", 0.0)}, variants=(VariantFacts("ERBB2", "amplification"),)),
     UNKNOWN),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3},
     facts(ihc={"HER2": ("her2_score", 2.0)}, her2_ish=(True,)), MET),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 1, "max": 2},
     facts(ihc={"HER2": ("her2_score", 2.0)}, her2_ish=(True,)), NOT_MET),
    # An ERBB2 amplification known only from NGS (or without its method) beside a 2+: neither
    # HER2-positive nor HER2-low until an ISH is done (ASCO/CAP 2018).
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3},
     facts(ihc={"HER2": ("her2_score", 2.0)}, variants=(VariantFacts("ERBB2", "amplification"),)),
     UNKNOWN),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3},
     facts(ihc={"HER2": ("her2_score", 2.0)}, her2_ish=(), her2_other=(True,)), UNKNOWN),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 1, "max": 2},
     facts(ihc={"HER2": ("her2_score", 2.0)}, her2_ish=(), her2_other=(True,)), UNKNOWN),
    # The ISH decides the 2+ (an NGS result agreeing with it changes nothing); an NGS result
    # contradicting it leaves it to verify (discordant), as two contradictory ISH results do.
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3},
     facts(ihc={"HER2": ("her2_score", 2.0)}, her2_ish=(True,), her2_other=(True,)), MET),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3},
     facts(ihc={"HER2": ("her2_score", 2.0)}, her2_ish=(True,), her2_other=(False,)), UNKNOWN),
    # 3+ and 0/1+ are unchanged by the method: an NGS amplification with 1+, or an NGS
    # not-amplified result with 3+, is discordant; 3+ with an NGS amplification is met.
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3},
     facts(ihc={"HER2": ("her2_score", 3.0)}, her2_ish=(), her2_other=(True,)), MET),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3},
     facts(ihc={"HER2": ("her2_score", 3.0)}, her2_ish=(), her2_other=(False,)), UNKNOWN),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 1, "max": 2},
     facts(ihc={"HER2": ("her2_score", 1.0)}, her2_ish=(), her2_other=(True,)), UNKNOWN),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "max": 1},
     facts(ihc={"HER2": ("her2_score", 1.0)}, her2_ish=(), her2_other=(False,)), MET),
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 2},
     facts(ihc={"HER2": ("her2_score", 2.0)}, negatives=(NegativeFacts("ERBB2"),)), MET),
    # Contradictory ISH results (amplified and not amplified) stay to verify.
    ({"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "max": 2},
     facts(ihc={"HER2": ("her2_score", 2.0)}, negatives=(NegativeFacts("ERBB2", "amplification"),),
           variants=(VariantFacts("ERBB2", "amplification"),)), UNKNOWN),
    # Groups: MGUS is no malignancy; C97 and unspecified D47 are to verify.
    ({"criterion": "disease", "group": "haematological"},
     facts(diagnoses=(DiagnosisFacts("D47.2"),)), NOT_MET),
    ({"criterion": "disease", "group": "haematological"},
     facts(diagnoses=(DiagnosisFacts("D47.1"),)), MET),
    ({"criterion": "disease", "group": "haematological"},
     facts(diagnoses=(DiagnosisFacts("D47.9"),)), UNKNOWN),
    ({"criterion": "disease", "group": "solid"}, facts(diagnoses=(DiagnosisFacts("C97"),)),
     UNKNOWN),
    # A limit in months decides nothing in its own year of age.
    ({"criterion": "age", "min": 0.5}, facts(age=0), UNKNOWN),
    ({"criterion": "age", "max": 1.5}, facts(age=1), UNKNOWN),
    ({"criterion": "age", "max": 1.5}, facts(age=2), NOT_MET),
]  # fmt: skip


@pytest.mark.parametrize(("criterion", "patient", "expected"), REVIEW_CASES)
def test_clinical_review_cases(criterion, patient, expected):
    """Readings from the clinical review of 2026-12-03 (docs/clinical-rules.md)."""
    assert EVALUATORS[criterion["criterion"]](criterion, patient)[0] == expected
    assert document_problems({"schema": 1, "tree": criterion}) == []
    from oncoparcours.trials.rules.bulk import Cohort

    cohort = Cohort([patient])  # the vectorised engine gives the same value
    assert cohort.value_of(cohort.arm_sets(criterion), 0) == expected


def _braf(classification):
    return facts(variants=(VariantFacts("BRAF", "snv", 15, "p.V600E", "", classification),))


V600 = {"criterion": "variant", "gene": "BRAF", "protein_position": "p.V600"}
KRAS_WT = {"criterion": "variant", "gene": "KRAS", "alteration_type": "mutation", "wild_type": True}
ALK_FUSION = {"criterion": "variant", "gene": "ALK", "alteration_type": "fusion"}
SIGNIFICANCE_CASES = [
    # Only class 4–5 meets a gene criterion (ACMG/AMP 2015; AMP/ASCO/CAP 2017).
    (V600, _braf(5), MET), (V600, _braf(4), MET), (V600, _braf(3), UNKNOWN),
    (V600, _braf(None), UNKNOWN), (V600, _braf(2), NOT_MET), (V600, _braf(1), NOT_MET),
    # Wild type: broken by class 4–5, to verify with a VUS, a benign variant does not break it.
    ({**V600, "wild_type": True}, _braf(5), NOT_MET),
    ({**V600, "wild_type": True}, _braf(3), UNKNOWN),
    ({**V600, "wild_type": True}, _braf(1), UNKNOWN),
    # A negative result ("KRAS non muté", "ALK négatif") answers the criteria it covers.
    (KRAS_WT, facts(negatives=(NegativeFacts("KRAS"),)), MET),
    (KRAS_WT, facts(negatives=(NegativeFacts("KRAS", "snv"),)), UNKNOWN),  # indels not tested
    (KRAS_WT, facts(negatives=(NegativeFacts("KRAS", "", 2),)), UNKNOWN),  # one exon only
    # A pathogenic variant and a negative result of the same gene disagree; for wild type the
    # variant is positive evidence: not met, the discordance named (review M4).
    (KRAS_WT, facts(negatives=(NegativeFacts("KRAS"),), variants=(KRAS_G12D,)), NOT_MET),
    (ALK_FUSION, facts(negatives=(NegativeFacts("ALK", "fusion"),)), NOT_MET),
    (ALK_FUSION, facts(negatives=(NegativeFacts("ALK", "snv"),)), UNKNOWN),
    (ALK_FUSION, facts(negatives=(NegativeFacts("ROS1"),)), UNKNOWN),
]  # fmt: skip


@pytest.mark.parametrize(("criterion", "patient", "expected"), SIGNIFICANCE_CASES)
def test_variant_significance_and_negative_results(criterion, patient, expected):
    """A VUS or a benign variant never meets a gene criterion; negative results are read
    (docs/clinical-rules.md §8). Both engines."""
    assert EVALUATORS["variant"](criterion, patient)[0] == expected
    from oncoparcours.trials.rules.bulk import Cohort

    cohort = Cohort([patient])
    assert cohort.value_of(cohort.arm_sets(criterion), 0) == expected


def test_the_reason_of_a_variant_of_uncertain_significance_is_in_words():
    from django.utils import translation

    from oncoparcours.trials.describe import found_sentence

    value, found = EVALUATORS["variant"](V600, _braf(3))
    with translation.override("fr"):
        sentence = found_sentence(V600, found, value)
    assert "BRAF p.V600E" in sentence and "signification incertaine (classe 3)" in sentence
    assert "|" not in sentence


@pytest.mark.parametrize(
    ("recorded", "groups", "expected"),
    [("IIIC1", ["III"], MET), ("IIIA", ["III", "IV"], MET), ("IIE", ["II"], MET),
     ("IVB", ["IV"], MET), ("IIIB", ["IIIA"], NOT_MET), ("IIIA", ["IIIA"], MET),
     ("II", ["III"], NOT_MET), ("IV", ["I"], NOT_MET)],
)  # fmt: skip
def test_stage_sub_groups_are_within_their_group(recorded, groups, expected):
    """ "IIIC1" was not in stage III (only A/B/C were stripped): sub-groups now belong."""
    criterion = {"criterion": "stage", "stage_groups": groups}
    patient = facts(stage_group=recorded)
    assert EVALUATORS["stage"](criterion, patient)[0] == expected
    from oncoparcours.trials.rules.bulk import Cohort

    cohort = Cohort([patient])
    assert cohort.value_of(cohort.arm_sets(criterion), 0) == expected


def _morphology(code):
    return facts(diagnoses=(DiagnosisFacts("C50.9", "C50.9", code),))


DUCTAL = {"criterion": "disease", "morphology": ["8500"]}
BEHAVIOUR_CASES = [
    # A histology criterion without its ICD-O-3 behaviour digit means malignant (/3, /6, /9).
    (DUCTAL, _morphology("8500/3"), MET),
    (DUCTAL, _morphology("8500/6"), MET),
    (DUCTAL, _morphology("8500/9"), MET),
    (DUCTAL, _morphology("8500/2"), NOT_MET),  # ductal carcinoma in situ
    (DUCTAL, _morphology("8500/1"), NOT_MET),
    (DUCTAL, _morphology("8500"), UNKNOWN),  # behaviour not recorded: to verify, never met
    (DUCTAL, _morphology("8520/3"), NOT_MET),
    (DUCTAL, _morphology("8520"), NOT_MET),  # another histology, whatever its behaviour
    ({"criterion": "disease", "morphology": ["850"]}, _morphology("8500/2"), NOT_MET),
    ({"criterion": "disease", "morphology": ["850"]}, _morphology("8501/3"), MET),
    # With its digit, the criterion asks for that behaviour exactly.
    ({"criterion": "disease", "morphology": ["8500/2"]}, _morphology("8500/2"), MET),
    ({"criterion": "disease", "morphology": ["8500/2"]}, _morphology("8500/3"), NOT_MET),
    ({"criterion": "disease", "morphology": ["8500/2"]}, _morphology("8500"), UNKNOWN),
    ({"criterion": "disease", "morphology": ["8500/2", "8500"]}, _morphology("8500/3"), MET),
    # Another malignant digit than the wanted one is to verify, never "no" (M4): /6 and /9 are
    # malignant tumours (metastatic site, primary or metastatic uncertain).
    ({"criterion": "disease", "morphology": ["8500/3"]}, _morphology("8500/3"), MET),
    ({"criterion": "disease", "morphology": ["8500/3"]}, _morphology("8500/6"), UNKNOWN),
    ({"criterion": "disease", "morphology": ["8500/3"]}, _morphology("8500/9"), UNKNOWN),
    ({"criterion": "disease", "morphology": ["8500/3"]}, _morphology("8520/6"), NOT_MET),
    ({"criterion": "disease", "morphology": ["8500/3"]}, _morphology("8500/1"), NOT_MET),
    # An exclusion without its digit excludes the histology whatever its behaviour.
    ({"criterion": "disease", "icd10": ["C50"], "exclude_morphology": ["8500"]},
     _morphology("8500/2"), NOT_MET),
    ({"criterion": "disease", "icd10": ["C50"], "exclude_morphology": ["8500/3"]},
     _morphology("8500/2"), MET),
    ({"criterion": "disease", "icd10": ["C50"], "exclude_morphology": ["8500/3"]},
     _morphology("8500"), UNKNOWN),
    ({"criterion": "disease", "icd10": ["C50"], "exclude_morphology": ["8041"]},
     _morphology("8500"), MET),
    # An excluded malignant digit against another malignant one is to verify, never silently
    # not excluded (M4).
    ({"criterion": "disease", "icd10": ["C50"], "exclude_morphology": ["8500/3"]},
     _morphology("8500/6"), UNKNOWN),
    ({"criterion": "disease", "icd10": ["C50"], "exclude_morphology": ["8500/3"]},
     _morphology("8500/9"), UNKNOWN),
    ({"criterion": "disease", "icd10": ["C50"], "exclude_morphology": ["8500/3"]},
     _morphology("8500/3"), NOT_MET),
]  # fmt: skip


@pytest.mark.parametrize(("criterion", "patient", "expected"), BEHAVIOUR_CASES)
def test_a_histology_criterion_without_behaviour_digit_means_malignant(
    criterion, patient, expected
):
    """WHO ICD-O-3 behaviour digit (docs/clinical-rules.md §8); both engines."""
    assert EVALUATORS["disease"](criterion, patient)[0] == expected
    assert document_problems({"schema": 1, "tree": criterion}) == []
    from oncoparcours.trials.rules.bulk import Cohort

    cohort = Cohort([patient])
    assert cohort.value_of(cohort.arm_sets(criterion), 0) == expected


@pytest.mark.parametrize(
    ("field", "codes", "problem"),
    [
        ("morphology", ["8500/4"], "not_icdo_morphology"),  # no behaviour 4 in ICD-O-3
        ("morphology", ["85"], "not_icdo_morphology"),
        ("morphology", ["850/3"], "not_icdo_morphology"),  # a behaviour needs the full type
        ("morphology", ["C50"], "not_icdo_morphology"),
        ("exclude_morphology", ["8041-3"], "not_icdo_morphology"),
        ("topography", ["8500/3"], "not_icdo_topography"),
        ("topography", ["C5"], "not_icdo_topography"),
    ],
)
def test_icdo3_codes_of_a_disease_criterion_are_checked_naming_the_field(field, codes, problem):
    document = {"schema": 1, "tree": {"and": [{"criterion": "disease", field: codes}]}}
    assert document_problems(document) == [(f"tree.0.{field}", problem)]


def test_valid_icdo3_codes_are_accepted():
    node = {
        "criterion": "disease",
        "morphology": ["814", "8140", "8140/3", "9440/3", "8500/2"],
        "exclude_morphology": ["8041", "8013/3"],
        "topography": ["C34", "C34.1", "C341"],
    }
    assert document_problems({"schema": 1, "tree": node}) == []


EGFR_L858R = {"criterion": "variant", "gene": "EGFR", "protein_change": "p.L858R"}
EGFR_ANY = {"criterion": "variant", "gene": "EGFR"}
REPORTED_MUTATION_CASES = [
    # "EGFR muté" entered without its change: a mutation (SNV or indel, not said which).
    (EGFR_L858R, facts(variants=(PV("EGFR", "mutation"),)), UNKNOWN),
    (EGFR_ANY, facts(variants=(PV("EGFR", "mutation"),)), MET),
    (EGFR_ANY, facts(variants=(VariantFacts("EGFR", "mutation"),)), UNKNOWN),  # no class given
    ({**EGFR_ANY, "alteration_type": "snv"}, facts(variants=(PV("EGFR", "mutation"),)), UNKNOWN),
    ({**EGFR_ANY, "alteration_type": "mutation"}, facts(variants=(PV("EGFR", "mutation"),)), MET),
    # "KRAS non muté": covers SNV and indel criteria, not "any alteration" (amplification?).
    (KRAS_WT, facts(negatives=(NegativeFacts("KRAS", "mutation"),)), MET),
    ({**KRAS_WT, "alteration_type": "snv"}, facts(negatives=(NegativeFacts("KRAS", "mutation"),)),
     MET),
    ({"criterion": "variant", "gene": "KRAS", "wild_type": True},
     facts(negatives=(NegativeFacts("KRAS", "mutation"),)), UNKNOWN),
    ({"criterion": "variant", "gene": "KRAS", "alteration_type": "amplification"},
     facts(negatives=(NegativeFacts("KRAS", "mutation"),)), UNKNOWN),
]  # fmt: skip


@pytest.mark.parametrize(("criterion", "patient", "expected"), REPORTED_MUTATION_CASES)
def test_a_mutation_reported_without_its_type(criterion, patient, expected):
    """Both engines (docs/clinical-rules.md §8)."""
    assert EVALUATORS["variant"](criterion, patient)[0] == expected
    from oncoparcours.trials.rules.bulk import Cohort

    cohort = Cohort([patient])
    assert cohort.value_of(cohort.arm_sets(criterion), 0) == expected


EGFR_L858R = {"criterion": "variant", "gene": "EGFR", "protein_change": "p.L858R"}
HER2_3 = {"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3}
HER2_LOW = {"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 1, "max": 2}
PDL1_50 = {"criterion": "ihc", "marker": "PD-L1", "scale": "percent", "min": 50}
MSI_H = {"criterion": "msi", "status": "msi_h"}
ERBB2_AMP = PV("ERBB2", "amplification")
DISCORDANT_CASES = [
    # A pathogenic variant and a negative result covering it.
    (EGFR_L858R, facts(variants=(PV("EGFR", "snv", 21, "p.L858R"),),
                       negatives=(NegativeFacts("EGFR"),)), UNKNOWN),
    # Review M4: for a wild-type criterion the pathogenic variant is positive evidence: not met,
    # the discordance named in the reason.
    (KRAS_WT, facts(variants=(KRAS_G12D,), negatives=(NegativeFacts("KRAS"),)), NOT_MET),
    # The same variant classified pathogenic by one report and benign by another.
    (EGFR_L858R, facts(variants=(PV("EGFR", "snv", 21, "p.L858R"),
                                 VariantFacts("EGFR", "snv", 21, "p.(L858R)", "", 1))), UNKNOWN),
    # Review L3: the same variant reported with and without its exon (or as a "mutation").
    (EGFR_L858R, facts(variants=(PV("EGFR", "snv", 21, "p.L858R"),
                                 VariantFacts("EGFR", "snv", None, "p.L858R", "", 1))), UNKNOWN),
    (EGFR_L858R, facts(variants=(PV("EGFR", "snv", None, "p.L858R"),
                                 VariantFacts("EGFR", "mutation", 21, "p.L858R", "", 2))), UNKNOWN),
    # Two HER2 scores of one specimen giving different answers; ISH amplified and not amplified.
    (HER2_3, facts(ihc={"HER2": ("her2_score", 3.0)},
                   ihc_values={"HER2": (("her2_score", 2.0), ("her2_score", 3.0))}), UNKNOWN),
    (HER2_LOW, facts(ihc={"HER2": ("her2_score", 2.0)},
                     ihc_values={"HER2": (("her2_score", 1.0), ("her2_score", 3.0))}), UNKNOWN),
    (HER2_LOW, facts(ihc={"HER2": ("her2_score", 2.0)}, her2_ish=(True, False)), UNKNOWN),
    (HER2_LOW, facts(ihc={"HER2": ("her2_score", 2.0)}, variants=(ERBB2_AMP,),
                     negatives=(NegativeFacts("ERBB2", "amplification"),)), UNKNOWN),
    (MSI_H, facts(msi="msi_h", msi_values=("mss", "msi_h")), UNKNOWN),
    ({"criterion": "tmb", "min": 10}, facts(tmb=12.0, tmb_values=(8.0, 12.0)), UNKNOWN),
]  # fmt: skip
AGREEING_CASES = [
    # Results that differ without changing the answer are not discordant for the criterion.
    (PDL1_50, facts(ihc={"PD-L1": ("percent", 70.0)},
                    ihc_values={"PD-L1": (("percent", 60.0), ("percent", 70.0))}), MET),
    (HER2_3, facts(ihc={"HER2": ("her2_score", 1.0)},
                   ihc_values={"HER2": (("her2_score", 0.0), ("her2_score", 1.0))}), NOT_MET),
    (MSI_H, facts(msi="dmmr", msi_values=("msi_h", "dmmr")), MET),
    ({"criterion": "tmb", "min": 10}, facts(tmb=12.0, tmb_values=(14.0, 12.0)), MET),
    # A benign class of another variant of the gene is no discordance.
    (EGFR_L858R, facts(variants=(PV("EGFR", "snv", 21, "p.L858R"),
                                 VariantFacts("EGFR", "snv", 20, "p.Q787Q", "", 1))), MET),
]  # fmt: skip


@pytest.mark.parametrize(("criterion", "patient", "expected"), DISCORDANT_CASES + AGREEING_CASES)
def test_discordant_results_of_one_marker_are_to_verify_naming_both(criterion, patient, expected):
    """Two results of the same marker that disagree are never resolved silently (by the order
    of the records or by the first one found): "to verify", the reason naming both. Both
    engines."""
    from django.utils import translation

    from oncoparcours.trials.describe import found_sentence
    from oncoparcours.trials.rules.bulk import Cohort

    value, found = EVALUATORS[criterion["criterion"]](criterion, patient)
    assert value == expected
    cohort = Cohort([patient])
    assert cohort.value_of(cohort.arm_sets(criterion), 0) == expected
    with translation.override("fr"):
        sentence = found_sentence(criterion, found, value)
    assert ("Résultats discordants pour le même marqueur" in sentence) == (
        (criterion, patient, expected) in DISCORDANT_CASES
    ), sentence


HER2_AT_MOST_1 = {"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "max": 1}
HER2_CONTRADICTED_CASES = [
    # HER2 0/1+ with an amplified ERBB2 (ASCO/CAP 2018, Wolff et al. J Clin Oncol 2018) or with
    # contradictory ISH results of its specimen: neither HER2-low nor "≤ 1+" until checked.
    (HER2_LOW, facts(ihc={"HER2": ("her2_score", 1.0)}, her2_ish=(True, False))),
    (HER2_AT_MOST_1, facts(ihc={"HER2": ("her2_score", 0.0)}, her2_ish=(True, False))),
    (HER2_AT_MOST_1, facts(ihc={"HER2": ("her2_score", 1.0)}, her2_ish=(True,))),
    (HER2_LOW, facts(ihc={"HER2": ("her2_score", 1.0)}, variants=(ERBB2_AMP,),
                     negatives=(NegativeFacts("ERBB2", "amplification"),))),
    # HER2 3+ with a not-amplified (or contradictory) ISH of its specimen: not read as 3+ either.
    (HER2_3, facts(ihc={"HER2": ("her2_score", 3.0)}, her2_ish=(False,))),
    (HER2_3, facts(ihc={"HER2": ("her2_score", 3.0)}, her2_ish=(True, False))),
]  # fmt: skip


@pytest.mark.parametrize(("criterion", "patient"), HER2_CONTRADICTED_CASES)
def test_her2_score_contradicted_by_the_ish_is_to_verify_naming_both(criterion, patient):
    """Review H1 (2026-12-04): an amplified or contradictory ISH never lets a HER2 0/1+ meet a
    HER2-low or "≤ 1+" criterion (nor a not-amplified ISH a 3+ meet "≥ 3+"). Both engines, and
    the vectorised one never groups "no ISH" with "contradictory ISH"."""
    from django.utils import translation

    from oncoparcours.trials.describe import found_sentence
    from oncoparcours.trials.rules.bulk import Cohort

    value, found = EVALUATORS["ihc"](criterion, patient)
    assert value == UNKNOWN
    without_ish = facts(ihc=patient.ihc)  # read first: the representative of a shared group
    cohort = Cohort([without_ish, patient])
    sets = cohort.arm_sets(criterion)
    assert cohort.value_of(sets, 0) == EVALUATORS["ihc"](criterion, without_ish)[0] == MET
    assert cohort.value_of(sets, 1) == UNKNOWN
    with translation.override("fr"):
        sentence = found_sentence(criterion, found, value)
    assert "Résultats discordants pour le même marqueur" in sentence, sentence
    assert f"{patient.ihc['HER2'][1]:g}+" in sentence and "ERBB2" in sentence, sentence


def test_her2_2plus_with_an_amplification_known_only_from_ngs_is_to_verify_saying_ish_is_needed():
    """ASCO/CAP 2018 (Wolff et al., J Clin Oncol 2018): an IHC 2+ is equivocal and concluded by
    the reflex in situ hybridisation; an ERBB2 amplification reported by NGS does not replace it.
    The criterion is to verify, and its reason says why."""
    from django.utils import translation

    from oncoparcours.trials.describe import found_sentence

    positive = {"criterion": "ihc", "marker": "HER2", "scale": "her2_score", "min": 3}
    ngs = facts(ihc={"HER2": ("her2_score", 2.0)}, her2_ish=(), her2_other=(True,))
    value, found = EVALUATORS["ihc"](positive, ngs)
    assert (value, found) == (UNKNOWN, "2+ other+")
    with translation.override("fr"):
        sentence = found_sentence(positive, found, value)
    assert "2+, ERBB2 amplifié en séquençage (NGS) ou par une méthode non notée" in sentence
    assert "une hybridation in situ (ISH) est nécessaire pour conclure" in sentence
    ish = facts(ihc={"HER2": ("her2_score", 2.0)}, her2_ish=(True,))
    assert EVALUATORS["ihc"](positive, ish) == (MET, "2+ ISH+")  # explicitly ISH: as before
