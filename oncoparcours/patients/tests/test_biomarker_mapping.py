"""A simple biomarker entry becomes a structured molecular result, or is refused naming the field
(``patients/rules/biomarker_mapping.py``; docs/clinical-rules.md §8)."""

import datetime as dt

import pytest
from django.utils import translation

from oncoparcours.patients.rules import molecular
from oncoparcours.patients.rules.biomarker_mapping import structure

STRUCTURED = [
    # (marker, result, alteration, value) -> fields
    (("EGFR muté", "positive", "", ""),
     {"kind": "variant", "gene": "EGFR", "alteration_type": "mutation", "exon": "",
      "fusion_partner": ""}),
    (("EGFR", "positive", "délétion exon 19", ""),
     {"kind": "variant", "gene": "EGFR", "alteration_type": "indel", "exon": "19",
      "fusion_partner": ""}),
    (("HER2 3+", "positive", "", ""),
     {"kind": "ihc", "ihc_marker": "HER2", "ihc_scale": "her2_score", "ihc_value": "3+"}),
    (("HER2", "negative", "", "IHC 1+"),
     {"kind": "ihc", "ihc_marker": "HER2", "ihc_scale": "her2_score", "ihc_value": "1+"}),
    (("HER2", "negative", "surexpression", "IHC 0"),
     {"kind": "ihc", "ihc_marker": "HER2", "ihc_scale": "her2_score", "ihc_value": "0"}),
    (("HER2", "equivocal", "", "2+"),
     {"kind": "ihc", "ihc_marker": "HER2", "ihc_scale": "her2_score", "ihc_value": "2+"}),
    (("HER2", "positive", "amplification", ""),
     {"kind": "variant", "gene": "ERBB2", "alteration_type": "amplification"}),
    # The method is kept when the text names in situ hybridisation (only then it decides a 2+).
    (("HER2", "positive", "amplification", "FISH"),
     {"kind": "variant", "gene": "ERBB2", "alteration_type": "amplification", "method": "ish"}),
    (("HER2", "negative", "non amplifié en CISH", ""),
     {"kind": "negative", "gene": "ERBB2", "alteration_type": "amplification", "method": "ish"}),
    (("HER2", "positive", "amplification en hybridation in situ", ""),
     {"kind": "variant", "gene": "ERBB2", "alteration_type": "amplification", "method": "ish"}),
    # Not ISH (review H1): another method named, or the in situ test pending or not done.
    (("HER2", "positive", "amplification par NGS, FISH non faite", ""),
     {"kind": "variant", "gene": "ERBB2", "alteration_type": "amplification"}),
    (("HER2", "positive", "amplification", "NGS (hybridization capture)"),
     {"kind": "variant", "gene": "ERBB2", "alteration_type": "amplification"}),
    (("HER2", "positive", "amplification", "CGH array (hybridation génomique comparative)"),
     {"kind": "variant", "gene": "ERBB2", "alteration_type": "amplification"}),
    (("HER2", "negative", "non amplifié, FISH à faire", ""),
     {"kind": "negative", "gene": "ERBB2", "alteration_type": "amplification"}),
    (("PD-L1 50 %", "positive", "", ""),
     {"kind": "ihc", "ihc_marker": "PD-L1", "ihc_scale": "percent", "ihc_value": "50"}),
    (("PD-L1", "negative", "", "TPS 0 %"),
     {"kind": "ihc", "ihc_marker": "PD-L1", "ihc_scale": "percent", "ihc_value": "0"}),
    (("PD-L1", "positive", "", "CPS 10"),
     {"kind": "ihc", "ihc_marker": "PD-L1", "ihc_scale": "cps", "ihc_value": "10"}),
    (("RE", "positive", "récepteurs aux œstrogènes", "60 %"),
     {"kind": "ihc", "ihc_marker": "ER", "ihc_scale": "percent", "ihc_value": "60"}),
    (("RP", "negative", "", "0,5 %"),
     {"kind": "ihc", "ihc_marker": "PR", "ihc_scale": "percent", "ihc_value": "0.5"}),
    (("MSI-H", "positive", "", ""), {"kind": "msi", "msi_status": "msi_h"}),
    (("MSI", "positive", "instabilité microsatellitaire", ""),
     {"kind": "msi", "msi_status": "msi_h"}),
    (("MSI", "negative", "", ""), {"kind": "msi", "msi_status": "mss"}),
    (("dMMR", "positive", "", ""), {"kind": "msi", "msi_status": "dmmr"}),
    (("ALK réarrangé", "positive", "", ""),
     {"kind": "variant", "gene": "ALK", "alteration_type": "fusion", "exon": "",
      "fusion_partner": ""}),
    (("ALK", "positive", "fusion EML4-ALK", ""),
     {"kind": "variant", "gene": "ALK", "alteration_type": "fusion", "exon": "",
      "fusion_partner": "EML4"}),
    (("ALK", "negative", "fusion", ""),
     {"kind": "negative", "gene": "ALK", "alteration_type": "fusion", "exon": ""}),
    (("KRAS G12C", "positive", "", ""),
     {"kind": "variant", "gene": "KRAS", "alteration_type": "snv", "exon": "",
      "protein_change": "p.G12C"}),
    (("BRAF", "positive", "V600E", ""),
     {"kind": "variant", "gene": "BRAF", "alteration_type": "snv", "exon": "",
      "protein_change": "p.V600E"}),
    (("EGFR", "positive", "p.E746_A750del exon 19", ""),
     {"kind": "variant", "gene": "EGFR", "alteration_type": "indel", "exon": "19",
      "protein_change": "p.E746_A750del"}),
    (("KRAS", "negative", "mutation", ""),
     {"kind": "negative", "gene": "KRAS", "alteration_type": "mutation", "exon": ""}),
    (("MET", "positive", "amplification", ""),
     {"kind": "variant", "gene": "MET", "alteration_type": "amplification", "exon": "",
      "fusion_partner": ""}),
    (("TMB", "positive", "", "14,5 mut/Mb"), {"kind": "tmb", "tmb": "14.5"}),
    # The status said in words (H6) and a negative for the whole gene (H5).
    (("MSI", "negative", "stable (MSS)", ""), {"kind": "msi", "msi_status": "mss"}),
    (("MSI", "positive", "MSI-H", ""), {"kind": "msi", "msi_status": "msi_h"}),
    (("MMR", "positive", "perte MLH1 / PMS2", ""), {"kind": "msi", "msi_status": "dmmr"}),
    (("MMR", "negative", "expression conservée", ""), {"kind": "msi", "msi_status": "pmmr"}),
    (("MMR", "negative", "pas de perte d'expression", ""),
     {"kind": "msi", "msi_status": "pmmr"}),
    (("KRAS", "negative", "non muté", ""),
     {"kind": "negative", "gene": "KRAS", "alteration_type": "mutation", "exon": ""}),
    (("CDKN2A", "positive", "perte", ""),
     {"kind": "variant", "gene": "CDKN2A", "alteration_type": "deletion", "exon": "",
      "fusion_partner": ""}),
]  # fmt: skip


@pytest.mark.parametrize(("entry", "expected"), STRUCTURED)
def test_a_simple_entry_becomes_a_structured_result(entry, expected):
    mapped = structure(*entry)
    assert mapped.problem is None
    assert mapped.values == expected
    # What the mapping gives is a valid molecular result.
    raw = {**mapped.values, "sampled_on": "2025-01-02", "source": "compte rendu"}
    checked = molecular.check_finding(
        raw, birth_date=dt.date(1960, 1, 1), today=dt.date(2026, 1, 1)
    )
    assert checked.problems == {}


REFUSED = [
    # Cannot be structured without guessing: the field is named.
    (("", "positive", "", ""), ("marker", "required")),
    (("EGFR", "", "", ""), ("result", "required")),
    (("EGFR", "not_assessable", "", ""), ("result", "not_assessable")),
    (("EGFR", "positive", "mutation exon 19/21", ""), ("alteration", "ambiguous_exon")),
    (("BRAF", "negative", "V600E", ""), ("alteration", "negative_for_one_change")),
    (("KRAS", "positive", "G12C G12D", ""), ("alteration", "several_changes")),
    (("EGFR", "positive", "délétion", ""), ("alteration", "ambiguous_alteration")),
    (("RET", "positive", "", ""), ("alteration", "ambiguous_alteration")),
    (("HER2", "negative", "", ""), ("value", "value_required")),  # 0 or 1+ (HER2-low)?
    (("HER2", "positive", "", "IHC 1+"), ("result", "value_contradicts_result")),
    (("HER2", "negative", "", "IHC 2+"), ("value", "her2_2plus_needs_ish")),
    # The IHC score and the ISH result are two results; read as one, the score was lost.
    (("HER2", "positive", "amplification", "IHC 2+"), ("value", "her2_score_and_ish")),
    (("HER2", "negative", "non amplifié", "2+"), ("value", "her2_score_and_ish")),
    (("HER2", "negative", "FISH négatif", "2+"), ("value", "her2_score_and_ish")),
    (("RE", "positive", "", "0 %"), ("result", "value_contradicts_result")),
    (("RE", "negative", "", ""), ("value", "value_required")),
    (("PD-L1", "positive", "", ""), ("value", "value_required")),
    (("PD-L1", "positive", "", "50"), ("value", "pdl1_scale_required")),
    (("PD-L1", "negative", "", "TPS 5 %"), ("result", "value_contradicts_result")),
    (("MSI-H", "negative", "", ""), ("result", "value_contradicts_result")),
    (("MGMT", "positive", "méthylation du promoteur", ""), ("marker", "not_structured_marker")),
    (("NTRK", "positive", "fusion", ""), ("marker", "gene_family")),
    (("HER3", "positive", "", ""), ("marker", "unknown_marker")),
    (("EGFR", "equivocal", "", ""), ("result", "result_not_structured")),
    (("TMB", "positive", "", "élevée"), ("value", "value_required")),
    # Clinical-safety review 2026-12-04 (H5): a negative limited to a codon or position.
    (("KRAS négatif", "negative", "non muté codon 12", ""),
     ("alteration", "negative_for_one_change")),
    (("BRAF", "negative", "pas de mutation V600", ""), ("alteration", "negative_for_one_change")),
    (("KRAS", "negative", "hotspots testés", ""), ("alteration", "negative_for_one_change")),
    (("KRAS", "negative", "c.35G>A non retrouvée", ""), ("alteration", "negative_for_one_change")),
    # H6: the MSI / MMR status said in words is read, never overridden by the result.
    (("MSI", "positive", "MSI-L", ""), ("alteration", "msi_low")),
    (("MSI", "positive", "instabilité faible", ""), ("alteration", "msi_low")),
    (("MSI-L", "negative", "", ""), ("marker", "msi_low")),  # typed in the marker field
    (("MSI", "positive", "MSS", ""), ("result", "value_contradicts_result")),
    (("MSI", "negative", "MSI-H", ""), ("result", "value_contradicts_result")),
    (("MSI", "positive", "MSS, instabilité élevée", ""),
     ("alteration", "value_contradicts_result")),
    (("MMR", "positive", "", ""), ("alteration", "mmr_needs_status")),
    (("MMR", "negative", "", ""), ("alteration", "mmr_needs_status")),
    (("MMR", "positive", "expression conservée", ""), ("result", "value_contradicts_result")),
    # Low: an exon range, PD-L1 on immune cells, a loss that is not a deep deletion.
    (("EGFR", "negative", "exons 18 à 21", ""), ("alteration", "ambiguous_exon")),
    (("PD-L1", "positive", "", "IC 5 %"), ("value", "pdl1_ic_not_structured")),
    (("CDKN2A", "positive", "perte d'hétérozygotie", ""), ("alteration", "ambiguous_alteration")),
    (("PTEN", "positive", "perte d'expression", ""), ("alteration", "ambiguous_alteration")),
    # Cold try-out: "-5" was saved as TMB 5; "150" read "give one number".
    (("TMB", "positive", "", "-5"), ("value", "value_negative")),
    (("TMB", "positive", "", "− 5 mut/Mb"), ("value", "value_negative")),
    (("TMB", "positive", "", "5000"), ("value", "tmb_out_of_range")),
    (("PD-L1", "positive", "", "TPS -50 %"), ("value", "value_negative")),
    (("PD-L1", "positive", "", "TPS 150 %"), ("value", "value_out_of_range")),
    (("RE", "positive", "", "150 %"), ("value", "value_out_of_range")),
    (("PD-L1", "positive", "", "CPS 150"), ("value", "value_out_of_range")),
    (("HER2", "negative", "", "-1+"), ("value", "value_negative")),
]  # fmt: skip


@pytest.mark.parametrize(("entry", "problem"), REFUSED)
def test_an_entry_that_cannot_be_structured_is_refused_naming_the_field(entry, problem):
    mapped = structure(*entry)
    assert mapped.problem == problem
    assert mapped.values == {}


@pytest.mark.django_db
def test_the_conversion_command_is_idempotent_audited_and_dry_run_changes_nothing(
    clinician, patient
):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from oncoparcours.core.models import AuditEvent
    from oncoparcours.patients.models import Biomarker, MolecularFinding
    from oncoparcours.testing.factories import DiagnosisFactory

    diagnosis = DiagnosisFactory(patient=patient, icd10="C50.4")
    day = dt.date(2025, 2, 1)
    for marker, alteration, result, value in (
        ("RE", "", "positive", "80 %"),
        ("HER2", "", "negative", ""),  # 0 or 1+? to verify
        ("EGFR", "mutation exon 19/21", "negative", ""),  # which exon? to verify
        ("KRAS", "mutation", "positive", ""),
    ):
        Biomarker.objects.create(
            diagnosis=diagnosis, marker=marker, alteration=alteration, result=result,
            value=value, tested_on=day,
        )  # fmt: skip
    username = clinician.user.username
    with pytest.raises(CommandError, match="--recorded-by"):
        call_command("biomarkers_to_structured", "--recorded-by", "nobody")
    out = StringIO()
    call_command("biomarkers_to_structured", "--recorded-by", username, "--dry-run", stdout=out)
    assert "2 biomarkers would be structured, 2 would be kept as to verify" in out.getvalue()
    assert not MolecularFinding.objects.exists()

    call_command("biomarkers_to_structured", "--recorded-by", username, stdout=StringIO())
    findings = MolecularFinding.objects.filter(patient=patient)
    assert sorted(f.kind for f in findings) == ["ihc", "to_verify", "to_verify", "variant"]
    her2 = findings.get(reported_marker="HER2")
    assert (her2.kind, her2.reported_result, her2.ihc_value) == ("to_verify", "negative", None)
    assert her2.from_biomarker.marker == "HER2"
    assert AuditEvent.objects.filter(
        action="create", object_id=str(her2.pk), actor=clinician.user
    ).exists()
    assert AuditEvent.objects.filter(details__has_key="biomarkers_to_structured").count() == 1
    out = StringIO()
    call_command("biomarkers_to_structured", "--recorded-by", username, stdout=out)
    assert "0 biomarkers were structured, 0 were kept as to verify, 4 already" in out.getvalue()
    assert MolecularFinding.objects.count() == 4
    # ER read by the prognosis rules from the structured result.
    diagnosis.refresh_from_db()
    from oncoparcours.patients import survival

    assert survival.facts_for(diagnosis).markers == {"ER": "positive", "KRAS": "equivocal"}


def _finding(kind, gene="", alteration_type="", exon=None, **fields):
    from types import SimpleNamespace

    values = {"ihc_value": None, "ihc_marker": "", "ihc_scale": "", "classification": None,
              "msi_status": "", "sampled_on": dt.date(2026, 1, 5)}  # fmt: skip
    values.update(fields)
    return SimpleNamespace(kind=kind, gene=gene, alteration_type=alteration_type, exon=exon,
                           **values)  # fmt: skip


def test_marker_status_reads_only_whole_gene_negatives():
    from oncoparcours.patients.rules.biomarker_mapping import marker_results

    # "EGFR exon 19 non muté" says nothing of the other exons: no gene status from it.
    assert "EGFR" not in marker_results([_finding("negative", "EGFR", exon=19)])
    assert marker_results([_finding("negative", "EGFR")])["EGFR"] == "negative"
    her2_2 = _finding("ihc", ihc_marker="HER2", ihc_scale="her2_score", ihc_value=2)
    # Only a negative of the amplification itself (an ISH result) makes a 2+ HER2-negative.
    for not_ish in (_finding("negative", "ERBB2"), _finding("negative", "ERBB2", exon=20),
                    _finding("negative", "ERBB2", "amplification", exon=20)):  # fmt: skip
        assert marker_results([her2_2, not_ish])["HER2"] == "equivocal"
    ish_negative = _finding("negative", "ERBB2", "amplification", method="ish")
    assert marker_results([her2_2, ish_negative])["HER2"] == "negative"
    # The same result by NGS, or its method not recorded: a 2+ needs the ISH (ASCO/CAP 2018).
    for method in ("ngs", ""):
        ngs_negative = _finding("negative", "ERBB2", "amplification", method=method)
        assert marker_results([her2_2, ngs_negative])["HER2"] == "equivocal"


def test_her2_2plus_with_an_amplification_known_only_from_ngs_is_equivocal():
    """ASCO/CAP 2018: an IHC 2+ is concluded by the reflex ISH; an ERBB2 amplification by NGS
    (or by a method not recorded) does not make it HER2-positive. 3+ and 0/1+ read as before."""
    from oncoparcours.patients.rules.biomarker_mapping import marker_results

    def her2(score):
        return _finding("ihc", ihc_marker="HER2", ihc_scale="her2_score", ihc_value=score)

    def amplified(method):
        return _finding("variant", "ERBB2", "amplification", classification=5, method=method)

    assert marker_results([her2(2), amplified("ngs")])["HER2"] == "equivocal"
    assert marker_results([her2(2), amplified("")])["HER2"] == "equivocal"
    assert marker_results([her2(2), amplified("ish")])["HER2"] == "positive"
    assert marker_results([her2(2), amplified("ish"), amplified("ngs")])["HER2"] == "positive"
    assert marker_results([her2(3), amplified("ngs")])["HER2"] == "positive"
    assert marker_results([her2(1), amplified("ngs")])["HER2"] == "equivocal"


def test_marker_status_reads_only_the_ish_of_the_her2_score_s_own_specimen():
    """As trial matching: an ERBB2 result of another specimen (another sampling date) does not
    decide the latest HER2 score; amplified and not amplified on that specimen decide nothing."""
    from oncoparcours.patients.rules.biomarker_mapping import marker_results

    her2_2 = _finding("ihc", ihc_marker="HER2", ihc_scale="her2_score", ihc_value=2)
    ish = {"method": "ish"}
    amplified = _finding("variant", "ERBB2", "amplification", classification=5, **ish)
    not_amplified = _finding("negative", "ERBB2", "amplification", **ish)
    other = {"sampled_on": dt.date(2019, 5, 2), **ish}
    old_amplified = _finding("variant", "ERBB2", "amplification", classification=5, **other)
    old_not_amplified = _finding("negative", "ERBB2", "amplification", **other)
    assert marker_results([her2_2, amplified])["HER2"] == "positive"
    assert marker_results([her2_2, old_amplified])["HER2"] == "equivocal"
    assert marker_results([her2_2, old_not_amplified])["HER2"] == "equivocal"
    assert marker_results([her2_2, amplified, not_amplified])["HER2"] == "equivocal"
    assert marker_results([her2_2, old_amplified, not_amplified])["HER2"] == "negative"
    # Without a HER2 score, the latest ERBB2 amplification specimen decides (review H2).
    assert marker_results([old_amplified])["HER2"] == "positive"


def test_a_her2_score_contradicted_on_its_specimen_is_equivocal():
    """Review H2 (2026-12-04; ASCO/CAP 2018, Wolff et al. J Clin Oncol 2018): an amplification
    beside IHC 0/1+ is not HER2-positive (ISH groups 2–4 with 0/1+ are negative, and the record
    holds only "amplified / not amplified", possibly by NGS); a 0/1+ or 3+ contradicted by an
    amplification result of its specimen, two HER2 scores of the latest specimen reading
    differently, or contradictory ISH: equivocal (missing, to check)."""
    from oncoparcours.patients.rules.biomarker_mapping import marker_results

    def her2(score, **fields):
        return _finding("ihc", ihc_marker="HER2", ihc_scale="her2_score", ihc_value=score,
                        **fields)  # fmt: skip

    amplified = _finding("variant", "ERBB2", "amplification", classification=5)
    not_amplified = _finding("negative", "ERBB2", "amplification")
    other = {"sampled_on": dt.date(2019, 5, 2)}
    for score in (0, 1):
        assert marker_results([her2(score), amplified])["HER2"] == "equivocal"
        assert marker_results([her2(score), amplified, not_amplified])["HER2"] == "equivocal"
        assert marker_results([her2(score), not_amplified])["HER2"] == "negative"
        assert marker_results([her2(score)])["HER2"] == "negative"
    assert marker_results([her2(3), not_amplified])["HER2"] == "equivocal"
    assert marker_results([her2(3), amplified, not_amplified])["HER2"] == "equivocal"
    assert marker_results([her2(3), amplified])["HER2"] == "positive"
    # Two scores of the latest specimen reading differently; an older score decides nothing.
    assert marker_results([her2(1), her2(3)])["HER2"] == "equivocal"
    assert marker_results([her2(3), her2(2)])["HER2"] == "equivocal"
    assert marker_results([her2(0), her2(1)])["HER2"] == "negative"
    assert marker_results([her2(3), her2(1, **other)])["HER2"] == "positive"
    # Without a score: only the latest ISH specimen is read.
    old_amplified = _finding("variant", "ERBB2", "amplification", classification=5, **other)
    assert "HER2" not in marker_results([old_amplified, not_amplified])
    assert marker_results([amplified, not_amplified])["HER2"] == "equivocal"


@pytest.mark.django_db
def test_a_negative_tmb_is_refused_on_the_simple_entry_not_flipped(clinician, patient):
    from oncoparcours.core.errors import ApplicationError
    from oncoparcours.patients.molecular_services import molecular_entry_add

    with translation.override("fr"), pytest.raises(ApplicationError) as refused:
        molecular_entry_add(
            actor=clinician.user, patient=patient, marker="TMB", result="positive",
            tested_on=dt.date(2025, 1, 10), value="-5",
        )  # fmt: skip
    assert refused.value.errors == {
        "value": ["Une valeur mesurée ne peut pas être négative : vérifiez le compte rendu."]
    }
    assert not patient.molecular.exists()
    with translation.override("fr"), pytest.raises(ApplicationError) as refused:
        molecular_entry_add(
            actor=clinician.user, patient=patient, marker="PD-L1", result="positive",
            tested_on=dt.date(2025, 1, 10), value="TPS 150 %",
        )  # fmt: skip
    assert "hors limites" in refused.value.errors["value"][0]
    assert not patient.molecular.exists()


@pytest.mark.parametrize(
    "method,expected", [("ish", "positive"), ("ngs", "equivocal"), ("", "equivocal")]
)
def test_without_a_score_only_an_ish_amplification_reads_her2_positive(method, expected):
    """ASCO/CAP 2018 defines HER2 status by IHC and ISH: an ERBB2 amplification found by NGS
    (or by a method not recorded) is to check for the prognosis, as it is for trials."""
    from oncoparcours.patients.rules.biomarker_mapping import marker_results

    amplified = _finding("variant", "ERBB2", "amplification", classification=5, method=method)
    assert marker_results([amplified])["HER2"] == expected
