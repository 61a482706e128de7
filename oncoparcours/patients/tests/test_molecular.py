"""Tumour molecular results: validation table, the form, the all-or-nothing CSV import."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.patients.models import MolecularFinding
from oncoparcours.patients.molecular_services import molecular_finding_add, molecular_import_csv
from oncoparcours.patients.rules.molecular import check_finding

BIRTH = dt.date(1960, 1, 1)
TODAY = dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("raw", "problems"),
    [
        ({"kind": "variant", "gene": "BRAF", "alteration_type": "snv",
          "protein_change": "p.V600E", "exon": "15"}, {}),
        ({"kind": "variant", "gene": "egfr", "alteration_type": "indel",
          "protein_change": "E746_A750del", "exon": "19"}, {}),
        ({"kind": "variant", "gene": "ETV6", "alteration_type": "fusion",
          "fusion_partner": "NTRK3"}, {}),
        ({"kind": "variant", "gene": "ERBB2", "alteration_type": "amplification"}, {}),
        ({"kind": "variant", "gene": "BR AF", "alteration_type": "snv"},
         {"gene": "not_hgnc_symbol"}),
        ({"kind": "variant", "gene": "BRAF", "alteration_type": "snv",
          "protein_change": "V600 to E"}, {"protein_change": "not_protein_change"}),
        ({"kind": "variant", "gene": "BRAF", "alteration_type": "snv",
          "fusion_partner": "KIAA1549"}, {"fusion_partner": "partner_without_fusion"}),
        ({"kind": "variant", "gene": "KRAS"}, {"alteration_type": "required"}),
        ({"kind": "variant", "gene": "KRAS", "alteration_type": "snv", "exon": "0"},
         {"exon": "not_exon_number"}),
        ({"kind": "tmb", "tmb": "12,5"}, {}),
        ({"kind": "tmb", "tmb": "-1"}, {"tmb": "tmb_out_of_range"}),
        ({"kind": "tmb", "tmb": "high"}, {"tmb": "not_number"}),
        ({"kind": "msi", "msi_status": "MSI-H"}, {}),
        ({"kind": "msi", "msi_status": "unstable"}, {"msi_status": "unknown_choice"}),
        ({"kind": "ihc", "ihc_marker": "HER2", "ihc_scale": "her2_score", "ihc_value": "3+"}, {}),
        ({"kind": "ihc", "ihc_marker": "HER2", "ihc_scale": "her2_score", "ihc_value": "4+"},
         {"ihc_value": "not_ihc_value"}),
        ({"kind": "ihc", "ihc_marker": "PD-L1", "ihc_scale": "percent", "ihc_value": "120"},
         {"ihc_value": "not_percentage"}),
        ({"kind": "ihc", "ihc_marker": "ER", "ihc_scale": "percent", "ihc_value": "80 %"}, {}),
        ({"kind": "blood"}, {"kind": "unknown_choice"}),
        # Issue 15 findings: the variant class, unknown symbols, negative results.
        ({"kind": "variant", "gene": "BRAF", "alteration_type": "snv", "classification": "3"},
         {}),
        ({"kind": "variant", "gene": "BRAF", "alteration_type": "snv", "classification": "6"},
         {"classification": "not_variant_class"}),
        ({"kind": "variant", "gene": "BRAFF", "alteration_type": "snv"},
         {"gene": "unknown_gene"}),
        ({"kind": "variant", "gene": "HER2", "alteration_type": "amplification"},
         {"gene": "unknown_gene"}),  # HER2 is a protein name: the HGNC symbol is ERBB2
        ({"kind": "variant", "gene": "TPM3", "alteration_type": "fusion",
          "fusion_partner": "NTRKK1"}, {"fusion_partner": "unknown_gene"}),
        ({"kind": "negative", "gene": "KRAS"}, {}),
        ({"kind": "negative", "gene": "ALK", "alteration_type": "fusion"}, {}),
        ({"kind": "negative"}, {"gene": "required"}),
        ({"kind": "negative", "gene": "KRAS", "protein_change": "p.G12C"},
         {"protein_change": "not_for_this_kind"}),
        # Cold try-out: "KRAS fusion p.G12C" was accepted, a TMB typed with a variant dropped.
        ({"kind": "variant", "gene": "KRAS", "alteration_type": "fusion",
          "protein_change": "p.G12C"},
         {"protein_change": "protein_change_not_for_this_alteration"}),
        ({"kind": "variant", "gene": "KRAS", "alteration_type": "snv", "tmb": "5"},
         {"tmb": "not_for_this_kind"}),
        # The method (optional; only an ISH decides a HER2 2+ with an ERBB2 amplification).
        ({"kind": "variant", "gene": "ERBB2", "alteration_type": "amplification",
          "method": "FISH"}, {}),
        ({"kind": "negative", "gene": "ERBB2", "alteration_type": "amplification",
          "method": "ngs"}, {}),
        ({"kind": "variant", "gene": "ERBB2", "alteration_type": "amplification",
          "method": "guess"}, {"method": "unknown_choice"}),
        ({"kind": "tmb", "tmb": "5", "method": "ngs"}, {"method": "not_for_this_kind"}),
    ],
)  # fmt: skip
def test_validation_table(raw, problems):
    checked = check_finding(
        {"sampled_on": "2025-05-02", "source": "NGS", **raw}, birth_date=BIRTH, today=TODAY
    )
    assert checked.problems == problems


def test_sample_date_checked_against_birth_and_today():
    raw = {"kind": "tmb", "tmb": "3", "source": "lab"}
    assert check_finding({**raw, "sampled_on": "1950-01-01"}, birth_date=BIRTH, today=TODAY)
    future = check_finding({**raw, "sampled_on": "02/02/2027"}, birth_date=BIRTH, today=TODAY)
    assert future.problems == {"sampled_on": "date_in_future"}


@pytest.mark.django_db
def test_form_records_a_variant_audited(clinician_client, clinician, patient):
    response = clinician_client.post(
        reverse("patients:molecular_add", args=[patient.pk]),
        {"kind": "variant", "gene": "braf", "alteration_type": "snv", "exon": "15",
         "protein_change": "V600E", "sampled_on": "2025-04-01", "source": "NGS panel"},
    )  # fmt: skip
    assert response.status_code == 302
    finding = MolecularFinding.objects.get(patient=patient)
    assert (finding.gene, finding.protein_change, finding.exon) == ("BRAF", "p.V600E", 15)
    assert AuditEvent.objects.filter(
        action="create", patient_id=patient.pk, object_id=str(finding.pk)
    ).exists()
    page = clinician_client.get(patient.get_absolute_url()).content.decode()
    assert "p.V600E" in page


@pytest.mark.django_db
def test_the_method_of_a_result_is_recorded_shown_and_refused_in_french_when_unknown(
    clinician, clinician_client, patient
):
    url = reverse("patients:molecular_add", args=[patient.pk])
    base = {"kind": "variant", "gene": "ERBB2", "alteration_type": "amplification",
            "classification": "5", "sampled_on": "2025-04-01", "source": "Anapath"}  # fmt: skip
    response = clinician_client.post(url, {**base, "method": "ish"})
    assert response.status_code == 302
    finding = MolecularFinding.objects.get(patient=patient)
    assert finding.method == "ish"
    assert "Hybridation in situ (FISH, CISH, SISH)" in finding.summary
    record = clinician_client.get(patient.get_absolute_url()).content.decode()
    assert "Amplification (CNV) · Classe 5" in record and "Hybridation in situ (FISH" in record
    # Not one of the choices: refused, in French, on the method field; nothing recorded.
    checked = check_finding({**base, "method": "guess"}, birth_date=BIRTH, today=TODAY)
    assert checked.problems == {"method": "unknown_choice"}
    response = clinician_client.post(url, {**base, "method": "guess"})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.context["form"].errors["method"][0]
    assert MolecularFinding.objects.count() == 1
    # The CSV column "méthode" reads the words of a report.
    csv = ("type;gène;altération;classe;date de prélèvement;source;méthode\n"
           "variant;ERBB2;amplification;5;2025-03-01;NGS;NGS\n"
           "négatif;ERBB2;amplification;;2025-03-01;CHU;FISH\n")  # fmt: skip
    molecular_import_csv(actor=clinician.user, patient=patient, content=csv.encode())
    methods = set(patient.molecular.values_list("kind", "method"))
    assert {("variant", "ngs"), ("negative", "ish")} <= methods


@pytest.mark.django_db
def test_form_refusal_names_the_field(clinician_client, patient):
    response = clinician_client.post(
        reverse("patients:molecular_add", args=[patient.pk]),
        {"kind": "ihc", "ihc_marker": "HER2", "ihc_scale": "her2_score", "ihc_value": "5",
         "sampled_on": "2025-04-01", "source": "path lab"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "ihc_value" in response.context["form"].errors
    assert not MolecularFinding.objects.exists()


@pytest.mark.django_db
def test_outsider_gets_404(outsider_client, patient):
    assert (
        outsider_client.get(reverse("patients:molecular_add", args=[patient.pk])).status_code == 404
    )


GOOD_CSV = (
    "kind;gene;alteration_type;exon;protein_change;fusion_partner;tmb;msi_status;sampled_on;source\n"
    "variant;BRAF;snv;15;p.V600E;;;;2025-03-01;NGS\n"
    "variant;ETV6;fusion;;;NTRK3;;;2025-03-01;RNA panel\n"
    "tmb;;;;;;14,2;;01/03/2025;NGS\n"
    "msi;;;;;;;msi_h;2025-03-01;PCR\n"
)


@pytest.mark.django_db
def test_csv_import_all_rows(clinician, patient):
    count = molecular_import_csv(actor=clinician.user, patient=patient, content=GOOD_CSV.encode())
    assert count == 4 and patient.molecular.count() == 4
    assert AuditEvent.objects.filter(action="import", patient_id=patient.pk).exists()


@pytest.mark.django_db
def test_csv_import_one_bad_row_imports_nothing_and_names_row_and_column(clinician, patient):
    bad = GOOD_CSV + "variant;BRAF;snv;;V600 to E;;;;2025-03-01;NGS\ntmb;;;;;;x;;2025-03-01;\n"
    with translation.override("fr"), pytest.raises(ApplicationError) as error:
        molecular_import_csv(actor=clinician.user, patient=patient, content=bad.encode())
    message = str(error.value)
    assert "ligne 6, colonne modification protéique : Pas une variation protéique HGVS" in message
    assert "ligne 7, colonne tmb" in message and "ligne 7, colonne source" in message
    assert not patient.molecular.exists()


@pytest.mark.django_db
def test_csv_import_unknown_column_refused(clinician, patient):
    with pytest.raises(ApplicationError, match="colour"):
        molecular_import_csv(actor=clinician.user, patient=patient, content=b"kind,colour\ntmb,1\n")


@pytest.mark.django_db
def test_csv_upload_view(clinician_client, patient):
    upload = SimpleUploadedFile("m.csv", GOOD_CSV.encode(), content_type="text/csv")
    response = clinician_client.post(
        reverse("patients:molecular_import", args=[patient.pk]), {"file": upload}
    )
    assert response.status_code == 302 and patient.molecular.count() == 4


@pytest.mark.django_db
def test_add_service_refuses_without_saving(clinician, patient):
    with pytest.raises(ApplicationError) as error:
        molecular_finding_add(
            actor=clinician.user, patient=patient,
            raw={"kind": "variant", "sampled_on": "2025-01-01", "source": "x"},
        )  # fmt: skip
    assert set(error.value.errors) == {"gene", "alteration_type"}


@pytest.mark.parametrize("role", ["pharmacist", "coordination_nurse", "liberal_nurse", "efs_staff"])
def test_only_physicians_of_the_care_team_enter_molecular_results(client, patient, role):
    """A cold try-out found the pharmacist could open the import page: other care-team roles
    read the results, get 403 on the entry pages, see no link to them, and the service refuses."""
    from oncoparcours.testing.factories import (
        CareTeamMemberFactory,
        ProfessionalFactory,
        UserFactory,
    )

    member = ProfessionalFactory(user=UserFactory(role=role), specialty="hospital_pharmacy")
    CareTeamMemberFactory(patient=patient, professional=member)
    client.force_login(member.user)
    record = client.get(patient.get_absolute_url())
    assert record.status_code == 200
    body = record.content.decode()
    for name in ("patients:molecular_add", "patients:molecular_import"):
        url = reverse(name, args=[patient.pk])
        assert url not in body
        assert client.get(url).status_code == 403
    upload = SimpleUploadedFile("m.csv", b"kind;gene\n", content_type="text/csv")
    assert (
        client.post(
            reverse("patients:molecular_import", args=[patient.pk]), {"file": upload}
        ).status_code
        == 403
    )
    with pytest.raises(ApplicationError):
        molecular_finding_add(actor=member.user, patient=patient, raw={"kind": "tmb", "tmb": "3"})
    assert not MolecularFinding.objects.exists()


def test_the_physician_of_the_care_team_sees_the_entry_links(clinician_client, patient):
    body = clinician_client.get(patient.get_absolute_url()).content.decode()
    assert reverse("patients:molecular_import", args=[patient.pk]) in body


FRENCH_CSV = (
    "type;gène;altération;modification protéique;partenaire de fusion;classe;"
    "date de prélèvement;source\n"
    "variant;TPM3;fusion;;NTRK1;5;2025-03-01;Panel ARN\n"
    "variant;BRAF;snv;p.V600E;;3;2025-03-01;NGS\n"
    "négatif;KRAS;;;;;2025-03-01;NGS\n"
)


@pytest.mark.django_db
def test_csv_import_reads_the_french_headers(clinician, patient):
    count = molecular_import_csv(actor=clinician.user, patient=patient, content=FRENCH_CSV.encode())
    assert count == 3
    fusion = patient.molecular.get(gene="TPM3")
    assert (fusion.fusion_partner, fusion.classification) == ("NTRK1", 5)
    assert str(fusion).endswith("TPM3::NTRK1")  # written 5'::3' as reported
    assert patient.molecular.get(gene="BRAF").classification == 3
    assert patient.molecular.get(kind="negative").gene == "KRAS"


@pytest.mark.django_db
def test_csv_import_errors_name_the_french_column(clinician, patient):
    bad = FRENCH_CSV + "variant;BRAFF;snv;;;9;2025-03-01;NGS\n"
    with translation.override("fr"), pytest.raises(ApplicationError) as error:
        molecular_import_csv(actor=clinician.user, patient=patient, content=bad.encode())
    message = str(error.value)
    assert "ligne 5, colonne gène : Symbole de gène inconnu" in message
    assert "ligne 5, colonne classe : La classe d'un variant va de 1" in message
    assert not patient.molecular.exists()


def _braf(clinician, patient, classification="5"):
    return molecular_finding_add(
        actor=clinician.user, patient=patient,
        raw={"kind": "variant", "gene": "BRAF", "alteration_type": "snv",
             "protein_change": "p.V600E", "classification": classification,
             "sampled_on": "2025-01-10", "source": "NGS"},
    )  # fmt: skip


@pytest.mark.django_db
def test_a_correction_supersedes_the_result_and_both_stay_in_the_history(
    clinician_client, clinician, patient
):
    from oncoparcours.trials.selectors import patient_facts

    old = _braf(clinician, patient, "5")
    url = reverse("patients:molecular_correct", args=[patient.pk, old.pk])
    response = clinician_client.post(url, {
        "kind": "variant", "gene": "BRAF", "alteration_type": "snv", "protein_change": "p.V600E",
        "classification": "3", "sampled_on": "2025-01-10", "source": "NGS",
        "reason": "Compte rendu corrigé : variant reclassé",
    })  # fmt: skip
    assert response.status_code == 302
    new = MolecularFinding.objects.get(replaces=old)
    assert MolecularFinding.objects.filter(pk=old.pk).exists()  # kept, append-only
    assert list(patient.molecular.current()) == [new]
    assert [v.classification for v in patient_facts(patient).variants] == [3]
    assert AuditEvent.objects.filter(action="update", object_id=str(new.pk)).exists()
    with translation.override("fr"):
        page = clinician_client.get(patient.get_absolute_url()).content.decode()
    assert "Compte rendu corrigé : variant reclassé" in page
    # The old version can no longer be corrected (its current version can).
    assert clinician_client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_result_cannot_be_replaced_under_another_patient(clinician, patient):
    from oncoparcours.testing.factories import PatientFactory

    old = _braf(clinician, patient)
    values = {name: getattr(old, name) for name in ("kind", "gene", "alteration_type")}
    with pytest.raises(ValueError, match="same patient"):
        MolecularFinding.objects.create(
            patient=PatientFactory(), recorded_by=clinician.user, replaces=old, withdrawn=True,
            sampled_on=old.sampled_on, source="NGS", **values,
        )  # fmt: skip
    assert list(patient.molecular.current()) == [old]


@pytest.mark.django_db
def test_a_withdrawn_result_is_no_longer_matched_and_needs_a_reason(
    clinician_client, clinician, patient
):
    from oncoparcours.trials.selectors import patient_facts

    old = _braf(clinician, patient)
    url = reverse("patients:molecular_withdraw", args=[patient.pk, old.pk])
    with translation.override("fr"):
        refused = clinician_client.post(url, {"reason": ""})
    assert refused.status_code == 400 and patient.molecular.current().count() == 1
    assert clinician_client.post(url, {"reason": "Saisi par erreur"}).status_code == 302
    assert not patient.molecular.current().exists()
    assert patient_facts(patient).variants == ()
    assert patient.molecular.count() == 2  # the result and its withdrawal
    page = clinician_client.get(patient.get_absolute_url()).content.decode()
    assert "Saisi par erreur" in page


@pytest.mark.django_db
def test_others_cannot_correct_and_outsiders_get_404(outsider_client, clinician, patient):
    old = _braf(clinician, patient)
    url = reverse("patients:molecular_withdraw", args=[patient.pk, old.pk])
    assert outsider_client.post(url, {"reason": "x"}).status_code == 404
    assert patient.molecular.current().count() == 1


@pytest.mark.django_db
def test_a_negative_limited_to_one_exon_keeps_its_scope_in_every_summary(
    clinician_client, clinician, patient
):
    """EGFR exon 19 negative never reads as the whole gene wild type: record summary, board
    dataset line (``summary``), trial reasons."""
    from oncoparcours.testing.factories import DiagnosisFactory
    from oncoparcours.trials.describe import found_sentence
    from oncoparcours.trials.rules.criteria import EVALUATORS, MET, NOT_MET, UNKNOWN
    from oncoparcours.trials.selectors import patient_facts

    DiagnosisFactory(patient=patient, icd10="C34.1")
    finding = molecular_finding_add(
        actor=clinician.user, patient=patient,
        raw={"kind": "negative", "gene": "EGFR", "alteration_type": "mutation", "exon": "19",
             "sampled_on": "2025-01-10", "source": "NGS"},
    )  # fmt: skip
    with translation.override("fr"):
        assert str(finding).startswith("EGFR exon 19 : aucune altération retrouvée")
        assert "EGFR exon 19" in finding.summary
        page = clinician_client.get(patient.get_absolute_url()).content.decode()
    summary_line = page.split("<dt>Biomarqueurs</dt>")[1].split("</dd>")[0]
    assert "EGFR exon 19 : aucune altération retrouvée" in summary_line
    facts = patient_facts(patient)
    wild = {"criterion": "variant", "gene": "EGFR", "wild_type": True}
    assert EVALUATORS["variant"](wild, facts)[0] == UNKNOWN
    exon19 = {"criterion": "variant", "gene": "EGFR", "alteration_type": "mutation", "exon": 19}
    value, found = EVALUATORS["variant"](exon19, facts)
    assert value == NOT_MET and found == "EGFR exon 19|wt"
    with translation.override("fr"):
        assert "EGFR exon 19" in found_sentence(exon19, found, value)
    assert EVALUATORS["variant"]({**exon19, "wild_type": True}, facts) == (MET, "EGFR exon 19|wt")


def test_an_erbb2_ish_result_is_about_the_amplification():
    """Otherwise an ISH negative entered without its alteration type would not be read as the
    ISH of a HER2 2+ (found by the cold pass): refused, naming the field, in French."""
    from oncoparcours.patients.molecular_services import problem_message

    base = {"kind": "negative", "gene": "ERBB2", "method": "ish", "sampled_on": "2025-04-01",
            "source": "Anapath"}  # fmt: skip
    refused = check_finding(base, birth_date=BIRTH, today=TODAY)
    assert refused.problems == {"alteration_type": "erbb2_ish_is_amplification"}
    assert "choisissez le type d'altération « Amplification »" in problem_message(
        "erbb2_ish_is_amplification"
    )
    kept = check_finding(
        {**base, "alteration_type": "amplification"}, birth_date=BIRTH, today=TODAY
    )
    assert kept.problems == {} and kept.values["method"] == "ish"
    by_ngs = check_finding({**base, "method": "ngs"}, birth_date=BIRTH, today=TODAY)
    assert by_ngs.problems == {}
