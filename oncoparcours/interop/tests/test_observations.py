"""Observations: TNM stage groups with their categories and performance status, mCODE-coded
(LOINC), searchable by patient, code and date across both kinds, paged across them."""

from __future__ import annotations

import datetime as dt

import pytest
from fhir.resources.R4B.observation import Observation

from oncoparcours.core.models import AuditEvent
from oncoparcours.patients.models import PerformanceStatus, Staging
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    DiagnosisFactory,
    PatientFactory,
    ProfessionalFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def diagnosis(doctor):
    patient = PatientFactory()
    CareTeamMemberFactory(patient=patient, professional=doctor)
    return DiagnosisFactory(patient=patient)


def stage(diagnosis, day, kind="clinical", group="IIIA"):
    return Staging.objects.create(
        diagnosis=diagnosis, kind=kind, t="T2a", n="N2", m="M0", stage_group=group, staged_on=day
    )


def ecog(patient, day, value):
    return PerformanceStatus.objects.create(
        patient=patient, scale="ecog", value=value, recorded_on=day
    )


def test_stage_group_observation(staff, diagnosis):
    staging = stage(diagnosis, dt.date(2025, 3, 10))
    resource = staff.get(f"/fhir/Observation/{staging.pk}").json()
    Observation.model_validate(resource)
    assert resource["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "21908-9",
        "display": "clinical stage group",
    }
    assert resource["valueCodeableConcept"] == {
        "coding": [
            {"system": "https://oncoparcours.fr/fhir/CodeSystem/stage-group", "code": "IIIA"}
        ],
        "text": "IIIA",
    }
    assert resource["focus"] == [{"reference": f"Condition/{diagnosis.pk}"}]
    assert resource["subject"] == {"reference": f"Patient/{diagnosis.patient_id}"}
    assert [c["valueCodeableConcept"]["text"] for c in resource["component"]] == [
        "cT2a",
        "cN2",
        "cM0",
    ]
    assert [c["code"]["coding"][0]["code"] for c in resource["component"]] == [
        "21905-5",
        "21906-3",
        "21907-1",
    ]
    assert resource["effectiveDateTime"] == "2025-03-10"


def test_a_missing_stage_group_is_said_absent_never_invented(staff, diagnosis):
    staging = stage(diagnosis, dt.date(2025, 3, 10), kind="pathological", group="")
    resource = staff.get(f"/fhir/Observation/{staging.pk}").json()
    assert "valueCodeableConcept" not in resource
    assert resource["dataAbsentReason"]["coding"][0]["code"] == "unknown"
    assert resource["code"]["coding"][0]["code"] == "21902-2"


def test_search_spans_both_kinds_filters_by_code_and_date_and_pages(staff, diagnosis):
    patient = diagnosis.patient
    stage(diagnosis, dt.date(2025, 3, 10))
    for day, value in ((dt.date(2025, 4, 1), 1), (dt.date(2025, 6, 1), 2)):
        ecog(patient, day, value)
    other = DiagnosisFactory()  # outside the care team
    stage(other, dt.date(2025, 3, 10))
    everything = staff.get(f"/fhir/Observation?patient={patient.pk}&_count=2").json()
    assert everything["total"] == 3
    assert [e["resource"]["code"]["coding"][0]["code"] for e in everything["entry"]] == [
        "21908-9",
        "89247-1",
    ]
    following = next(link for link in everything["link"] if link["relation"] == "next")
    last = staff.get(following["url"].split("testserver")[1]).json()
    assert [e["resource"]["valueInteger"] for e in last["entry"]] == [1]
    only_ecog = staff.get("/fhir/Observation?code=http://loinc.org|89247-1&date=ge2025-05").json()
    assert [e["resource"]["valueInteger"] for e in only_ecog["entry"]] == [2]
    assert staff.get("/fhir/Observation").json()["total"] == 3
    audited = AuditEvent.objects.filter(details__what="FHIR Observation search")
    assert set(audited.values_list("patient_id", flat=True)) == {patient.pk}


def test_an_unknown_code_is_refused_by_name(staff):
    answer = staff.get("/fhir/Observation?code=http://loinc.org|1234-5").json()
    assert answer["issue"][0]["expression"] == ["code"]


def test_outside_the_care_team_is_not_found(staff):
    staging = stage(DiagnosisFactory(), dt.date(2025, 3, 10))
    assert staff.get(f"/fhir/Observation/{staging.pk}").status_code == 404


def test_everything_bundles_the_record_audited_as_an_export(staff, diagnosis, doctor):
    from fhir.resources.R4B.bundle import Bundle

    patient = diagnosis.patient
    patient.gp = ProfessionalFactory()
    patient.save()
    stage(diagnosis, dt.date(2025, 3, 10))
    ecog(patient, dt.date(2025, 4, 1), 1)
    bundle = staff.get(f"/fhir/Patient/{patient.pk}/$everything").json()
    Bundle.model_validate(bundle)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["Patient", "Condition", "Observation", "Observation", "Practitioner"]
    export = AuditEvent.objects.get(patient_id=patient.pk)  # one event: the export
    assert export.details["what"] == "FHIR Patient $everything" and export.actor == doctor.user
    stranger = PatientFactory()
    assert staff.get(f"/fhir/Patient/{stranger.pk}/$everything").status_code == 404


def test_everything_has_one_observation_per_molecular_result_in_force(staff, diagnosis, doctor):
    """Issue 15: the molecular results are the single source; a withdrawn one is not sent, a
    former free-text row "to verify" goes out with its wording, flagged; the export re-imports."""
    from fhir.resources.R4B.bundle import Bundle

    from oncoparcours.patients.models import Biomarker
    from oncoparcours.patients.molecular_services import (
        biomarkers_to_structured,
        molecular_entry_add,
        molecular_finding_withdraw,
    )

    patient = diagnosis.patient
    day = diagnosis.diagnosed_on
    molecular_entry_add(
        actor=doctor.user, patient=patient, marker="HER2", result="positive", value="IHC 3+",
        tested_on=day,
    )  # fmt: skip
    wrong = molecular_entry_add(
        actor=doctor.user, patient=patient, marker="MSI-H", result="positive", tested_on=day
    )
    molecular_finding_withdraw(actor=doctor.user, finding=wrong, reason="autre patient")
    Biomarker.objects.create(
        diagnosis=diagnosis, marker="EGFR", alteration="mutation exon 19/21", result="negative",
        tested_on=day,
    )  # fmt: skip
    biomarkers_to_structured(actor=doctor.user)
    bundle = staff.get(f"/fhir/Patient/{patient.pk}/$everything").json()
    Bundle.model_validate(bundle)
    markers = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
    ]
    assert sorted(m["code"]["text"] for m in markers) == ["EGFR", "HER2"]
    her2 = next(m for m in markers if m["code"]["text"] == "HER2")
    details = {c["code"]["text"]: c["valueString"] for c in her2["component"]}
    assert (details["kind"], details["ihc_scale"], details["ihc_value"]) == (
        "ihc", "her2_score", "3.0",
    )  # fmt: skip
    egfr = next(m for m in markers if m["code"]["text"] == "EGFR")
    assert {c["code"]["text"]: c["valueString"] for c in egfr["component"]}["kind"] == "to_verify"
    assert egfr["focus"] == [{"reference": f"Condition/{diagnosis.pk}"}]


def test_a_result_to_verify_or_an_unproven_variant_is_never_exported_as_a_final_positive(
    diagnosis, doctor
):
    """Clinical-safety review (M3): a result "to verify" goes out preliminary with its reported
    wording and no coded value; a variant without class 4–5 is coded equivocal (LA4259-3); the
    record's own result travels in a component, so the export re-imports without loss."""
    from oncoparcours.interop.record_resources import molecular_observation
    from oncoparcours.interop.rules.clinical_reading import observation_values
    from oncoparcours.patients.molecular_services import entry_import, molecular_entry_add

    patient, day = diagnosis.patient, diagnosis.diagnosed_on
    unsure = entry_import(
        actor=doctor.user, patient=patient, marker="EGFR", result="negative", tested_on=day,
        alteration="mutation exon 19/21",
    )  # fmt: skip
    assert unsure.kind == "to_verify"
    sent = molecular_observation(unsure)
    Observation.model_validate(sent)
    assert sent["status"] == "preliminary"
    assert "valueCodeableConcept" not in sent
    assert "exon 19/21" in sent["valueString"]
    target, values, problems, _notes = observation_values(sent)
    assert (target, values["result"], problems) == ("biomarker", "negative", [])

    variant = molecular_entry_add(
        actor=doctor.user, patient=patient, marker="KRAS G12C", result="positive", tested_on=day
    )
    assert (variant.kind, variant.classification) == ("variant", None)
    sent = molecular_observation(variant)
    assert sent["status"] == "final"
    codes = {c["system"]: c["code"] for c in sent["valueCodeableConcept"]["coding"]}
    assert codes["http://loinc.org"] == "LA4259-3"  # equivocal, never "Positive"
    assert observation_values(sent)[1]["result"] == "positive"  # the record's, on re-import
    for classification, loinc in ((3, "LA4259-3"), (4, "LA6576-8"), (5, "LA6576-8")):
        variant.classification = classification
        coding = molecular_observation(variant)["valueCodeableConcept"]["coding"]
        assert coding[0] == {"system": "http://loinc.org", "code": loinc}


def test_search_and_read_hold_the_molecular_results_in_force(staff, diagnosis, doctor):
    from oncoparcours.patients.molecular_services import (
        molecular_entry_add,
        molecular_finding_withdraw,
    )

    patient, day = diagnosis.patient, diagnosis.diagnosed_on
    her2 = molecular_entry_add(
        actor=doctor.user, patient=patient, marker="HER2", result="positive", value="IHC 3+",
        tested_on=day,
    )  # fmt: skip
    wrong = molecular_entry_add(
        actor=doctor.user, patient=patient, marker="MSI-H", result="positive", tested_on=day
    )
    molecular_finding_withdraw(actor=doctor.user, finding=wrong, reason="autre patient")
    ecog(patient, day, 1)
    found = staff.get(f"/fhir/Observation?patient={patient.pk}").json()
    assert [r["resource"]["id"] for r in found["entry"]][-1] == str(her2.pk)
    assert found["total"] == 2
    lab = staff.get(f"/fhir/Observation?patient={patient.pk}&category=laboratory").json()
    assert [r["resource"]["code"]["text"] for r in lab["entry"]] == ["HER2"]
    assert staff.get(f"/fhir/Observation/{her2.pk}").json()["code"]["text"] == "HER2"
    assert staff.get(f"/fhir/Observation/{wrong.pk}").status_code == 404
    assert staff.get("/fhir/Observation?code=89247-1").json()["total"] == 1
