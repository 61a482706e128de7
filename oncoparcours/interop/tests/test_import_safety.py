"""Clinical review of the mCODE import (issue 17, 2026-12-05): what the import must refuse
rather than guess (clinical-rules §11). Each case starts from the corrected MITRE sample
``eom_patient_1.json`` and changes one entry; the reading is pure (no database) except where the
all-or-nothing write is checked."""

import pytest

from oncoparcours.interop.importing import ImportRefused, bundle_import
from oncoparcours.interop.rules.bundle_reading import read_bundle
from oncoparcours.interop.tests.test_import import corrected_eom
from oncoparcours.patients.models import Patient, TreatmentCourse
from oncoparcours.testing.factories import ProfessionalFactory

V3 = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
SNOMED = "http://snomed.info/sct"
PRIMARY = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-primary-cancer-condition"


def errors(reading):
    return [(i.expression, i.message) for i in reading.issues if i.severity == "error"]


def warnings(reading):
    return {i.expression for i in reading.issues if i.severity == "warning"}


def entry(reading, index):
    return next(e for e in reading.entries if e.index == index)


def resource(bundle, index):
    return bundle["entry"][index]["resource"]


# -- 1. an old treatment never shows as in course -------------------------------------------


@pytest.mark.parametrize("status", ["stopped", "on-hold", "unknown"])
def test_a_stopped_treatment_without_its_end_date_is_refused(status):
    bundle = corrected_eom()
    statement = resource(bundle, 12)
    statement["status"] = status
    statement["effectivePeriod"] = {"start": "2022-01-01"}
    reading = read_bundle(bundle)
    assert [e for e, _ in errors(reading)] == ["Bundle.entry[12].resource.effectivePeriod.end"]
    assert status in errors(reading)[0][1]


def test_a_stopped_treatment_with_only_a_date_time_is_refused_on_that_element():
    bundle = corrected_eom()
    statement = resource(bundle, 12)
    statement["status"] = "stopped"
    del statement["effectivePeriod"]
    statement["effectiveDateTime"] = "2022-01-01"
    reading = read_bundle(bundle)
    assert [e for e, _ in errors(reading)] == ["Bundle.entry[12].resource.effectiveDateTime"]


def test_stopped_with_its_end_date_is_kept_ended_and_active_stays_in_course():
    bundle = corrected_eom()
    resource(bundle, 12)["status"] = "stopped"
    resource(bundle, 12)["effectivePeriod"] = {"start": "2022-01-01", "end": "2022-03-01"}
    resource(bundle, 13)["status"] = "active"
    resource(bundle, 13)["effectivePeriod"] = {"start": "2022-01-01"}
    reading = read_bundle(bundle)
    assert errors(reading) == []
    stopped, active = entry(reading, 12).values, entry(reading, 13).values
    assert (str(stopped["ended_on"]), stopped["end_reason"]) == ("2022-03-01", "other")
    assert (active["ended_on"], active["end_reason"]) == (None, "")


@pytest.mark.django_db
def test_a_refused_stopped_treatment_writes_nothing():
    bundle = corrected_eom()
    resource(bundle, 12)["status"] = "stopped"
    resource(bundle, 12)["effectivePeriod"] = {"start": "2022-01-01"}
    with pytest.raises(ImportRefused) as refused:
        bundle_import(actor=ProfessionalFactory().user, bundle=bundle, source="ehr")
    expressions = [i["expression"][0] for i in refused.value.outcome["issue"]]
    assert "Bundle.entry[12].resource.effectivePeriod.end" in expressions
    assert not Patient.objects.exists()
    assert not TreatmentCourse.objects.exists()


# -- 2. a secondary cancer never becomes primary --------------------------------------------


@pytest.mark.parametrize("code", ["C77.3", "C78.0", "C79.5"])
def test_an_icd10_secondary_neoplasm_without_profile_is_secondary(code):
    bundle = corrected_eom()
    condition = resource(bundle, 2)
    del condition["meta"]
    condition["code"] = {"coding": [{"system": ICD10, "code": code}]}
    reading = read_bundle(bundle)
    assert errors(reading) == []
    assert entry(reading, 2).values["is_primary"] is False


def test_an_unknown_primary_c80_without_profile_stays_primary():
    """ICD-10 C80 (site unspecified, primary unknown) is not a secondary neoplasm."""
    bundle = corrected_eom()
    condition = resource(bundle, 2)
    del condition["meta"]
    condition["code"] = {"coding": [{"system": ICD10, "code": "C80.0"}]}
    reading = read_bundle(bundle)
    assert entry(reading, 2).values["is_primary"] is True


@pytest.mark.parametrize(
    "coding", [{"system": ICD10, "code": "C79.5"}, {"system": SNOMED, "code": "94391008"}]
)
def test_a_primary_profile_on_a_secondary_code_is_refused(coding):
    bundle = corrected_eom()
    condition = resource(bundle, 2)
    condition["meta"] = {"profile": [PRIMARY]}
    condition["code"] = {"coding": [coding]}
    reading = read_bundle(bundle)
    assert [e for e, _ in errors(reading)] == ["Bundle.entry[2].resource.meta.profile"]
    assert "C77–C79" in errors(reading)[0][1]


# -- 3. y / r prefixes and prefixes contradicting the observation code --------------------


@pytest.mark.parametrize("code", ["yp2A", "yc3B", "r2A", "rp4"])
def test_a_y_or_r_stage_group_is_refused(code):
    bundle = corrected_eom()
    stage = resource(bundle, 4)
    prefix = "p" if "p" in code else "c"
    stage["code"]["coding"][0]["code"] = "21902-2" if prefix == "p" else "21908-9"
    stage["valueCodeableConcept"] = {
        "coding": [{"system": "http://cancerstaging.org", "code": code}]
    }
    reading = read_bundle(bundle)
    assert [e for e, _ in errors(reading)] == ["Bundle.entry[4].resource.valueCodeableConcept"]
    assert "(y)" in errors(reading)[0][1]


def test_a_yp_category_is_refused_from_its_code_or_its_text():
    bundle = corrected_eom()
    resource(bundle, 5)["valueCodeableConcept"] = {
        "coding": [{"system": "http://cancerstaging.org", "code": "ypT0"}]
    }
    resource(bundle, 6)["valueCodeableConcept"] = {"text": "ycN1"}
    reading = read_bundle(bundle)
    assert [e for e, _ in errors(reading)] == [
        "Bundle.entry[5].resource.valueCodeableConcept",
        "Bundle.entry[6].resource.valueCodeableConcept",
    ]


def test_a_yp_category_in_a_stage_component_is_refused():
    bundle = corrected_eom()
    resource(bundle, 4)["component"] = [
        {
            "code": {"coding": [{"system": "http://loinc.org", "code": "21905-5"}]},
            "valueCodeableConcept": {"text": "ypT0"},
        }
    ]
    reading = read_bundle(bundle)
    assert errors(reading)[0][0] == ("Bundle.entry[4].resource.component[0].valueCodeableConcept")


def test_a_prefix_contradicting_the_loinc_code_is_refused():
    bundle = corrected_eom()
    stage = resource(bundle, 4)  # clinical stage group 21908-9
    stage["valueCodeableConcept"] = {
        "coding": [{"system": "http://cancerstaging.org", "code": "p4"}]
    }
    reading = read_bundle(bundle)
    assert [e for e, _ in errors(reading)] == ["Bundle.entry[4].resource.valueCodeableConcept"]
    assert "21908-9" in errors(reading)[0][1]

    stage["code"]["coding"][0]["code"] = "21902-2"  # pathological, with a clinical value
    stage["valueCodeableConcept"]["coding"][0]["code"] = "c3A"
    assert [e for e, _ in errors(read_bundle(bundle))] == [
        "Bundle.entry[4].resource.valueCodeableConcept"
    ]
    stage["valueCodeableConcept"]["coding"][0]["code"] = "p3A"
    assert errors(read_bundle(bundle)) == []


def test_a_pathological_category_in_a_clinical_observation_is_refused_but_cm0_is_not():
    bundle = corrected_eom()
    resource(bundle, 5)["valueCodeableConcept"] = {"text": "pT2"}  # in a cT observation
    reading = read_bundle(bundle)
    assert [e for e, _ in errors(reading)] == ["Bundle.entry[5].resource.valueCodeableConcept"]
    assert "399504009" in errors(reading)[0][1]  # the observation's code, named
    # AJCC 8th: there is no pM0, a pathological stage uses cM0.
    bundle = corrected_eom()
    resource(bundle, 7)["code"] = {"coding": [{"system": "http://loinc.org", "code": "21901-4"}]}
    reading = read_bundle(bundle)
    assert errors(reading) == []


# -- 4. indeterminate is not equivocal -----------------------------------------------------


def _interpreted(code, system=V3):
    bundle = corrected_eom()
    marker = resource(bundle, 8)
    del marker["valueCodeableConcept"]
    marker["interpretation"] = [{"coding": [{"system": system, "code": code}]}]
    return bundle


@pytest.mark.parametrize(
    ("code", "result"), [("IND", "not_assessable"), ("E", "equivocal"), ("POS", "positive")]
)
def test_the_v3_interpretation_is_read_as_hl7_defines_it(code, result):
    reading = read_bundle(_interpreted(code))
    assert errors(reading) == []
    assert entry(reading, 8).values["result"] == result


def test_an_interpretation_of_another_system_is_not_trusted():
    reading = read_bundle(_interpreted("IND", system="http://example.org/flags"))
    assert [e for e, _ in errors(reading)] == ["Bundle.entry[8].resource.valueCodeableConcept"]


# -- 5. the TNM edition is never silently assumed ------------------------------------------


def test_a_stage_without_edition_keeps_the_8th_with_a_warning():
    reading = read_bundle(corrected_eom())
    assert "Bundle.entry[4].resource.method" in warnings(reading)  # stage group: no edition
    assert entry(reading, 4).values["edition"] == 8
    # The cT3 cN3 cM0 observations name the 8th edition by its SNOMED CT code: no warning.
    categories = next(e for e in reading.entries if e.target == "staging" and e.values["t"])
    assert categories.values["edition"] == 8
    assert f"Bundle.entry[{categories.index}].resource.method" not in warnings(reading)


def test_an_edition_given_by_the_categories_is_kept():
    bundle = corrected_eom()
    for index in (5, 6, 7):
        resource(bundle, index)["method"] = {"text": "TNM UICC, 7th edition"}
    reading = read_bundle(bundle)
    categories = next(e for e in reading.entries if e.target == "staging" and e.values["t"])
    assert categories.values["edition"] == 7


# -- 6. categories read from codes, text only as a last resort ------------------------------


def test_categories_are_read_from_their_snomed_codes_without_display():
    bundle = corrected_eom()
    for index in (5, 6, 7):
        resource(bundle, index)["valueCodeableConcept"]["coding"][0].pop("display")
    reading = read_bundle(bundle)
    assert errors(reading) == []
    categories = next(e for e in reading.entries if e.target == "staging" and e.values["t"])
    assert (categories.values["t"], categories.values["n"], categories.values["m"]) == (
        "T3",
        "N3",
        "M0",
    )
    assert not {f"Bundle.entry[{i}].resource.valueCodeableConcept" for i in (5, 6, 7)} & warnings(
        reading
    )


def test_a_category_read_from_text_only_is_warned():
    bundle = corrected_eom()
    resource(bundle, 5)["valueCodeableConcept"] = {"text": "cT2"}
    reading = read_bundle(bundle)
    assert errors(reading) == []
    assert "Bundle.entry[5].resource.valueCodeableConcept" in warnings(reading)


@pytest.mark.parametrize(
    ("text", "value"),
    [("cT1mi", "T1mi"), ("pTis(DCIS)", None), ("cT2a", "T2a"), ("Tissue sample", None)],
)
def test_a_word_starting_like_a_category_is_not_read_as_one(text, value):
    bundle = corrected_eom()
    resource(bundle, 5)["valueCodeableConcept"] = {"text": text}
    reading = read_bundle(bundle)
    if value is None:
        assert [e for e, _ in errors(reading)] == ["Bundle.entry[5].resource.valueCodeableConcept"]
    else:
        categories = next(e for e in reading.entries if e.target == "staging" and e.values["t"])
        assert categories.values["t"] == value


@pytest.mark.django_db
def test_our_own_export_re_imports_its_categories_from_codes_without_warning():
    import copy

    from oncoparcours.interop.everything import patient_everything
    from oncoparcours.interop.readers import Reader

    doctor = ProfessionalFactory()
    bundle_import(actor=doctor.user, bundle=corrected_eom(), source="ehr")
    exported = patient_everything(
        reader=Reader(user=doctor.user), patient_id=str(Patient.objects.get().pk), base="https://x"
    )
    reading = read_bundle(copy.deepcopy(exported))
    assert errors(reading) == []
    assert not [w for w in warnings(reading) if "component[" in w or w.endswith(".method")]
    staged = [e.values for e in reading.entries if e.target == "staging"]
    assert sorted((v["t"], v["n"], v["m"], v["edition"]) for v in staged) == [
        ("", "", "", 8),
        ("T3", "N3", "M0", 8),
    ]
