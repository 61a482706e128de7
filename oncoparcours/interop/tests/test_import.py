"""Import of the shared mCODE sample bundles (written by MITRE, not by us): refused entries are
named one by one and nothing is written; once the refused entries are corrected the bundle
imports, re-imports without duplicates, and survives an export → re-import round trip."""

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from oncoparcours.core.models import AuditAction, AuditEvent
from oncoparcours.interop.everything import patient_everything
from oncoparcours.interop.importing import ImportRefused, bundle_import
from oncoparcours.interop.readers import Reader
from oncoparcours.patients.models import (
    Diagnosis,
    MolecularFinding,
    Patient,
    PerformanceStatus,
    Staging,
    TreatmentCourse,
)
from oncoparcours.testing.factories import ProfessionalFactory

SAMPLES = Path(__file__).resolve().parent / "samples"
pytestmark = pytest.mark.django_db


def sample(name):
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def errors(outcome):
    return [
        (issue["expression"][0], issue["diagnostics"])
        for issue in outcome["issue"]
        if issue["severity"] == "error"
    ]


def corrected_eom():
    """The corrections eom_patient_1 needs: its secondary condition has no date at all
    (OncoParcours records a date of diagnosis; none is invented), and its primary condition is
    asserted in 2024 while it was staged in 2019 and 2022 (a stage more than 90 days before the
    diagnosis is refused): the diagnosis date becomes 2019-03-01."""
    bundle = sample("eom_patient_1.json")
    bundle["entry"][1]["resource"]["extension"][1]["valueDateTime"] = "2019-03-01"
    bundle["entry"][2]["resource"]["onsetDateTime"] = "2024-01-01"
    return bundle


def _contradictory_stage(resource):
    """patient_data.json's pathological stage group (LOINC 21902-2, pathological profile) is
    valued "c3A" and displayed "Stage group.clinical": clinical or pathological cannot be told,
    so the correction leaves it out (its clinical twin, same date and group, stays)."""
    codes = [c.get("code") for c in resource.get("code", {}).get("coding", [])]
    return "21902-2" in codes


def corrected_patient_data():
    """patient_data.json minus what it refuses: observations about two patients the bundle does
    not carry, a stage group whose prefix contradicts its code, and Synthea's digits in the names
    (RNIV names have no digits)."""
    bundle = sample("patient_data.json")
    bundle["entry"] = [
        e
        for e in bundle["entry"]
        if not e["resource"].get("subject", {}).get("reference", "").startswith("Patient/mCODE")
        and not _contradictory_stage(e["resource"])
    ]
    for name in bundle["entry"][0]["resource"]["name"]:
        name["family"] = name["family"].rstrip("0123456789")
        name["given"] = [g.rstrip("0123456789") for g in name["given"]]
    return bundle


def snapshot(patient):
    """Everything the record holds that the import writes, by value."""
    fields = ("birth_last_name", "used_last_name", "first_names", "sex", "birth_date")
    diagnoses = Diagnosis.objects.filter(patient=patient)
    return {
        "patient": {key: getattr(patient, key) for key in fields},
        "diagnoses": sorted(
            (d.icd10, d.is_primary, d.diagnosed_on, d.icdo3_morphology, d.laterality, d.note)
            for d in diagnoses
        ),
        "stagings": sorted(
            (s.kind, s.t, s.n, s.m, s.stage_group, s.staged_on, s.edition)
            for s in Staging.objects.filter(diagnosis__patient=patient)
        ),
        "performance": sorted(
            (p.scale, p.value, p.recorded_on)
            for p in PerformanceStatus.objects.filter(patient=patient)
        ),
        "markers": sorted(  # tumour markers become molecular results (issue 15)
            (
                m.reported_marker,
                m.reported_result,
                m.reported_value,
                m.reported_alteration,
                m.sampled_on,
            )
            for m in MolecularFinding.objects.current().filter(patient=patient)
        ),
        "treatments": sorted(
            (t.kind, t.regimen, t.started_on, t.ended_on, t.end_reason, t.line, t.note)
            for t in TreatmentCourse.objects.filter(patient=patient)
        ),
    }


STAGED_TOO_EARLY = "Stadification plus de 90 jours avant la date du diagnostic."


@pytest.fixture
def doctor():
    return ProfessionalFactory()


def test_patient_data_sample_is_refused_entry_by_entry_and_nothing_is_written(doctor):
    with pytest.raises(ImportRefused) as refused:
        bundle_import(actor=doctor.user, bundle=sample("patient_data.json"), source="mitre")
    # Every refused entry in one answer: those refused on reading (observations about patients
    # the bundle does not carry; a pathological stage group (LOINC 21902-2) valued "c3A", the
    # clinical prefix contradicting the code) and those refused by the record's rules
    # (Synthea's digits in the patient's names), not one round at a time.
    refusals = errors(refused.value.outcome)
    assert [e for e, _ in refusals] == [
        "Bundle.entry[0].resource (birth_last_name)",
        "Bundle.entry[0].resource (used_last_name)",
        "Bundle.entry[0].resource (first_names)",
        "Bundle.entry[7].resource.subject",
        "Bundle.entry[22].resource.valueCodeableConcept",
        "Bundle.entry[23].resource.subject",
        "Bundle.entry[24].resource.subject",
    ]
    assert {m for e, m in refusals if e.startswith("Bundle.entry[0]")} == {
        "Un nom ne peut pas contenir de chiffres (RNIV : lettres, espace, trait d’union et "
        "apostrophe uniquement)."
    }
    assert [m for e, m in refusals if e.endswith("subject")] == [
        f"Patient/{other} n'est pas une ressource Patient de ce bundle (chaque entrée doit "
        "concerner un patient présent dans le bundle)"
        for other in (
            "mCODEPatientExample01",
            "mCODEMassiveBioPatientExample1004",
            "mCODEMassiveBioPatientExample1004",
        )
    ]
    assert "c3A" in refusals[4][1] and "21902-2" in refusals[4][1]
    assert not Patient.objects.exists()
    assert not Diagnosis.objects.exists()


def test_eom_sample_without_a_diagnosis_date_is_refused_on_that_element(doctor):
    with pytest.raises(ImportRefused) as refused:
        bundle_import(actor=doctor.user, bundle=sample("eom_patient_1.json"), source="ehr")
    # With the stagings its primary condition's date (2024) leaves more than 90 days before:
    # every refused entry in one answer.
    assert errors(refused.value.outcome) == [
        ("Bundle.entry[2].resource.onsetDateTime", "la date du diagnostic est obligatoire")
    ] + [(f"Bundle.entry[{index}].resource (staged_on)", STAGED_TOO_EARLY) for index in (4, 5)]
    assert not Patient.objects.exists()


def test_a_refused_identity_rolls_back_every_entry(doctor):
    bundle = corrected_patient_data()
    bundle["entry"][0]["resource"]["name"][0]["family"] = "Corwin846"
    with pytest.raises(ImportRefused) as refused:
        bundle_import(actor=doctor.user, bundle=bundle, source="mitre")
    assert [e for e, _ in errors(refused.value.outcome)] == [
        "Bundle.entry[0].resource (used_last_name)"
    ]
    assert not Patient.objects.exists()
    assert not Diagnosis.objects.exists()


def test_eom_sample_imports_what_the_record_holds(doctor):
    result = bundle_import(actor=doctor.user, bundle=corrected_eom(), source="ehr")
    patient = Patient.objects.get()
    held = snapshot(patient)
    assert held["patient"]["birth_last_name"] == "ANCORA"
    assert [d[:5] for d in held["diagnoses"]] == [
        ("C50.9", True, dt.date(2019, 3, 1), "", "not_applicable"),
        ("C78.0", False, dt.date(2024, 1, 1), "", "not_applicable"),
    ]
    # Stage group IV (2022) alone, and cT3 cN3 cM0 (2019) joined from three observations.
    assert sorted((s[1], s[2], s[3], s[4]) for s in held["stagings"]) == [
        ("", "", "", "IV"),
        ("T3", "N3", "M0", ""),
    ]
    assert held["performance"] == [("ecog", 3, dt.date(2022, 1, 2))]
    assert sorted((m[0], m[1]) for m in held["markers"]) == [
        ("ER", "negative"),
        ("ER", "positive"),
        ("HER2", "negative"),
        ("HER2", "negative"),
        ("PR", "negative"),
        ("PR", "negative"),
    ]
    assert sorted((t[0], t[1]) for t in held["treatments"]) == [
        ("targeted_therapy", "Abémaciclib"),
        ("targeted_therapy", "Alpélisib"),
    ]
    assert result.counts["created"] == 1 + 2 + 2 + 1 + 6 + 2
    warnings = [i for i in result.outcome["issue"] if i["severity"] == "warning"]
    assert {w["expression"][0] for w in warnings} == {
        "Bundle.entry[1].resource.extension",  # SNOMED morphology with no ICD-O-3 mapping
        "Bundle.entry[3].resource.code",  # disease status: not held
        "Bundle.entry[4].resource.method",  # stage group without TNM edition: 8th assumed
    }
    assert patient.care_team.filter(professional=doctor, is_lead=True).exists()
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, patient_id=patient.pk).count() == 1


def test_reimport_of_the_same_bundle_updates_instead_of_duplicating(doctor):
    bundle_import(actor=doctor.user, bundle=corrected_eom(), source="ehr")
    patient = Patient.objects.get()
    before = snapshot(patient)
    again = bundle_import(actor=doctor.user, bundle=corrected_eom(), source="ehr")
    assert again.counts == {"unchanged": 1 + 2 + 2 + 1 + 6 + 2}
    assert snapshot(Patient.objects.get()) == before

    changed = corrected_eom()
    changed["entry"][11]["resource"]["valueInteger"] = 2  # the ECOG score corrected at source
    third = bundle_import(actor=doctor.user, bundle=changed, source="ehr")
    assert third.counts["updated"] == 1
    assert PerformanceStatus.objects.get().value == 2
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, patient_id=patient.pk, details__previous__value="3"
    ).exists()


def test_same_ids_from_another_source_are_another_patient_never_an_update(doctor):
    bundle_import(actor=doctor.user, bundle=corrected_eom(), source="hospital-a")
    other = corrected_eom()
    other["entry"][0]["resource"]["identifier"] = []  # same resource ids, no shared identifier
    other["entry"][0]["resource"]["name"][0]["given"] = ["Claire"]
    bundle_import(actor=doctor.user, bundle=other, source="hospital-b")
    assert Patient.objects.count() == 2


@pytest.mark.parametrize("make", [corrected_eom, corrected_patient_data])
def test_round_trip_import_export_reimport_loses_nothing(doctor, make):
    bundle_import(actor=doctor.user, bundle=make(), source="ehr")
    patient = Patient.objects.get()
    before = snapshot(patient)
    exported = patient_everything(
        reader=Reader(user=doctor.user), patient_id=str(patient.pk), base="https://x/fhir"
    )
    again = bundle_import(actor=doctor.user, bundle=copy.deepcopy(exported), source="oncoparcours")
    assert Patient.objects.count() == 1
    assert snapshot(Patient.objects.get()) == before
    assert set(again.counts) == {"unchanged"}


def test_patient_data_sample_corrected_imports_marker_values_and_treatments(doctor):
    bundle_import(actor=doctor.user, bundle=corrected_patient_data(), source="mitre")
    patient = Patient.objects.get()
    # The maiden name is the French birth name; the married name is the used one.
    assert (patient.birth_last_name, patient.used_last_name) == ("HETTINGER", "CORWIN")
    held = snapshot(patient)
    day = dt.date(2017, 7, 21)
    assert [d[:4] for d in held["diagnoses"]] == [
        ("C50.9", True, day, "8000/3"),
        ("C79.9", False, day, ""),
    ]
    assert [(s[0], s[4], s[6]) for s in held["stagings"]] == [("clinical", "IIIA", 8)]
    assert ("ER", "positive", "≥ 10 %", "", day) in held["markers"]
    assert [t[:5] for t in held["treatments"]] == [
        ("chemotherapy", "Paclitaxel", start, start, "completed")
        for start in (dt.date(2017, 7, 28), dt.date(2017, 8, 19), dt.date(2017, 9, 8))
    ]


def test_import_page_shows_refused_entries_and_writes_nothing(doctor, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(doctor.user)
    upload = SimpleUploadedFile(
        "eom.json", json.dumps(sample("eom_patient_1.json")).encode(), "application/json"
    )
    response = client.post("/import-fhir/", {"file": upload, "source": "dpi"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Bundle.entry[2].resource.onsetDateTime" in page
    assert "Rien n'a été importé" in page
    assert not Patient.objects.exists()


def test_import_page_imports_and_links_the_patient(doctor, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(doctor.user)
    upload = SimpleUploadedFile("eom.json", json.dumps(corrected_eom()).encode())
    response = client.post("/import-fhir/", {"file": upload, "source": "dpi"})
    assert response.status_code == 200
    patient = Patient.objects.get()
    assert patient.get_absolute_url() in response.content.decode()
    assert client.get(patient.get_absolute_url()).status_code == 200


def test_import_page_names_the_field_of_a_bad_file(doctor, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(doctor.user)
    upload = SimpleUploadedFile("x.json", b"{not json")
    response = client.post("/import-fhir/", {"file": upload, "source": ""})
    form = response.context["form"]
    assert set(form.errors) == {"file", "source"}
    assert not Patient.objects.exists()


def test_command_refuses_with_exit_status_and_prints_the_outcome(doctor, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "eom.json"
    path.write_text(json.dumps(sample("eom_patient_1.json")))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("fhir_import", str(path), "--as", doctor.user.username, "--source", "x")
    assert not Patient.objects.exists()


def test_the_method_of_a_gene_result_travels_through_export_and_import(doctor):
    """The method decides a HER2 2+ (only ISH concludes): an export re-imported elsewhere keeps
    whether an amplification was found by ISH or by sequencing."""
    from oncoparcours.patients.models import MolecularFinding

    bundle_import(actor=doctor.user, bundle=corrected_eom(), source="ehr")
    patient = Patient.objects.get()
    for gene, method in (("ERBB2", "ish"), ("MET", "ngs")):
        MolecularFinding.objects.create(
            patient=patient, kind="variant", gene=gene, alteration_type="amplification",
            classification=5, sampled_on=dt.date(2024, 2, 1), source="Compte rendu",
            method=method, recorded_by=doctor.user,
        )  # fmt: skip
    exported = patient_everything(
        reader=Reader(user=doctor.user), patient_id=str(patient.pk), base="https://x/fhir"
    )
    for entry in exported["entry"]:  # another system's copy: its own ids for the results
        resource = entry["resource"]
        if any(c["code"].get("text") == "method" for c in resource.get("component", [])):
            resource["id"], resource["identifier"] = "copy-" + resource["id"], []
    bundle_import(actor=doctor.user, bundle=exported, source="other-system")
    imported = MolecularFinding.objects.filter(source__contains="other-system")
    assert set(imported.values_list("gene", "alteration_type", "method")) == {
        ("ERBB2", "amplification", "ish"),
        ("MET", "amplification", "ngs"),
    }


@pytest.mark.parametrize("role", ["liberal_nurse", "pharmacist", "efs_staff"])
def test_an_import_writes_only_what_its_user_may_write_by_hand(doctor, role):
    """A member of the care team who may not enter diagnoses, treatments or molecular results
    on the record cannot write them through the import page either (all or nothing)."""
    from oncoparcours.patients.models import CareTeamMember, TreatmentCourse

    bundle_import(actor=doctor.user, bundle=corrected_eom(), source="ehr")
    patient = Patient.objects.get()
    member = ProfessionalFactory(user__role=role)
    CareTeamMember.objects.create(
        patient=patient, professional=member, role="pharmacist", start=dt.date(2024, 1, 1)
    )
    changed = corrected_eom()
    changed["entry"][11]["resource"]["valueInteger"] = 2  # the ECOG score: any member may
    courses = TreatmentCourse.objects.count()
    with pytest.raises(ImportRefused) as refused:
        bundle_import(actor=member.user, bundle=changed, source="ehr")
    messages = {issue["diagnostics"] for issue in refused.value.outcome["issue"]}
    assert any("ne permet pas d'importer" in message for message in messages), messages
    assert PerformanceStatus.objects.get().value == 3  # nothing written
    assert TreatmentCourse.objects.count() == courses
