"""The bulk export builds the reports' Observations and QuestionnaireResponses, and the Conditions,
stage group and performance status Observations and MedicationStatements of the record,
pseudonymised from tuples (``export_records``): they must be, key for key and in the same order
(so byte for byte), the API's resources after the export's scrub, on every variant, and hold
neither identifier nor free text."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from oncoparcours.interop import builders, export_records, ndjson
from oncoparcours.interop.builders import condition_resource
from oncoparcours.interop.bulk_export import Chunk, Pseudonyms, Record, _rewrite
from oncoparcours.interop.observations import performance_observation, staging_observation
from oncoparcours.interop.record_resources import medication_statement
from oncoparcours.interop.report_observations import derived_observation, derived_of
from oncoparcours.interop.report_resources import report_resource
from oncoparcours.monitoring.models import Report
from oncoparcours.patients.models import Diagnosis, PerformanceStatus, Staging, TreatmentCourse
from oncoparcours.testing.factories import DiagnosisFactory, TreatmentCourseFactory

pytestmark = pytest.mark.django_db
SECRET = "TEXTE-LIBRE-SECRET"
TYPES = {"Condition", "Observation", "MedicationStatement"}


@pytest.fixture(autouse=True)
def as_the_export():
    """The API builders as the export calls them: not validated one by one (a code without a
    label, Z99.9, gives an empty display that the validation would refuse)."""
    token = builders.VALIDATE.set(False)
    yield
    builders.VALIDATE.reset(token)


def _plain(node):
    """``node`` with its keys in order and the floats the scrub hands to the encoder as written
    fragments (``ndjson.number``: below 1e-4) as their bytes, to be compared."""
    if isinstance(node, dict):
        return [(key, _plain(value)) for key, value in node.items()]
    if isinstance(node, list):
        return [_plain(item) for item in node]
    if isinstance(node, (str, int, float, type(None))):
        return node
    return ("written", ndjson.encode(node))


def _same(built, expected):
    """Key for key, in the same order, and the same bytes."""
    assert [_plain(r) for r in built] == [_plain(r) for r in expected]
    assert [ndjson.encode(r) for r in built] == [ndjson.encode(r) for r in expected]
    text = b"".join(ndjson.encode(r) for r in built).decode()
    assert SECRET not in text
    assert '"identifier"' not in text and '"note"' not in text


def _report(patient, source, *, observations=None, vitals=None, result=None, **more):
    return Report.objects.create(
        patient=patient, source=source, submission_key=uuid.uuid4(), treatment="car_t",
        observations=observations or {}, vitals=vitals or {}, result=result or {},
        level="none", rule_set_label="CAR-T v3", comment=SECRET,
        submitted_at=timezone.now() - dt.timedelta(hours=1), **more,
    )  # fmt: skip


REPORTS = {
    "patient, every vital sign, lab values": {
        "source": "patient",
        "observations": {"temperature_c": 38.4, "neutrophils_g_per_l": 0.3, "alt_x_uln": 2},
        "vitals": {
            "heart_rate": 110,
            "systolic_bp": 95,
            "diastolic_bp": 61.5,
            "spo2": 93,
            "weight_kg": 61.25,
        },
        "days_since_infusion": 4,
    },
    "caregiver, tiny float, one blood pressure side": {
        "source": "caregiver",
        "observations": {"creatinine_x_uln": 1e-05, "temperature_c": 37},
        "vitals": {"diastolic_bp": 70, "heart_rate": True},
    },
    "nurse, grades, crs and icans": {
        "source": "nurse",
        "observations": {"fever": True, "comment": SECRET},
        "result": {
            "grades": [
                {"term": "diarrhea", "grade": 2, "system": "CTCAE v5", "criterion": SECRET},
                {"term": "diarrhea", "grade": 3},
                {"term": "nausea", "grade": "2"},
                {"term": "fatigue", "grade": 1},
                {"grade": 1},
            ],
            "crs": {"grade": 1, "system": "ASTCT 2019", "criterion": SECRET},
            "icans": {"grade": 2, "system": "ASTCT 2019", "ice_score": 7},
            "rule_set": "CAR-T rules 2024",
        },
    },
    "clinician, answers of every kind, no vitals": {
        "source": "clinician",
        "observations": {
            "ice": {"orientation": 3, "writing": 1.5, "naming": {"left": "ok", "right": None}},
            "symptoms": ["cough", 2, 0.5, False, ["x", 1]],
            "empty_list": [],
            "empty_dict": {},
            "none": None,
            "tiny": 2.5e-07,
        },
        "result": {"icans": {"grade": 0, "ice_score": None}},
    },
    "nothing answered": {"source": "nurse"},
}


@pytest.mark.parametrize("variant", REPORTS)
def test_report_resources_built_directly_are_the_scrubbed_api_resources(lyon_patient, variant):
    # As the export reads it: PostgreSQL's jsonb gives the answers back in its own key order.
    report = Report.objects.get(pk=_report(lyon_patient, **REPORTS[variant]).pk)
    alias = Pseudonyms("evaluation", recipient="client:test")
    expected_observations = [
        _rewrite(derived_observation(derived), alias) for derived in derived_of(report)
    ]
    expected_answers = [_rewrite(report_resource(report), alias)]
    (row,) = Chunk([lyon_patient.pk]).reports
    observations = export_records.report_observations_of(row, alias)
    answers = [export_records.questionnaire_response(row, alias)]
    _same(observations, expected_observations)
    _same(answers, expected_answers)
    assert str(report.pk) not in b"".join(map(ndjson.encode, observations + answers)).decode()
    assert all(link["linkId"] != "comment" for link in answers[0].get("item", [])), (
        "the free comment is never exported"
    )
    if variant.startswith("nurse, grades"):
        assert len(observations) == 4  # diarrhea once, fatigue, crs, icans; "2" is not a grade
    if variant == "nothing answered":
        assert observations == [] and "item" not in answers[0]


@pytest.fixture
def record(lyon_patient):
    doctor = lyon_patient.care_team.first().professional
    primary = DiagnosisFactory(
        patient=lyon_patient, icd10="C50.4", icdo3_topography="C50.4", icdo3_morphology="8500/3",
        laterality="left", note=SECRET, diagnosed_on=dt.date(2024, 2, 1),
    )  # fmt: skip
    secondary = DiagnosisFactory(
        patient=lyon_patient, icd10="C78.0", is_primary=False, laterality="",
        diagnosed_on=dt.date(2025, 1, 10),
    )  # fmt: skip
    DiagnosisFactory(patient=lyon_patient, icd10="Z99.9", diagnosed_on=dt.date(2023, 1, 1))
    stage = Staging.objects.create
    stage(diagnosis=primary, kind="clinical", t="T2", n="N1", m="M0", stage_group="IIB",
          staged_on=dt.date(2024, 2, 10))  # fmt: skip
    stage(diagnosis=primary, kind="pathological", t="pT1c", n="", m="", stage_group="",
          edition=7, staged_on=dt.date(2024, 3, 1))  # fmt: skip
    stage(diagnosis=secondary, kind="clinical", t="", n="", m="", stage_group="IV",
          staged_on=dt.date(2025, 1, 12))  # fmt: skip
    PerformanceStatus.objects.create(patient=lyon_patient, scale="ecog", value=1,
                                     recorded_on=dt.date(2024, 2, 2))  # fmt: skip
    PerformanceStatus.objects.create(patient=lyon_patient, scale="karnofsky", value=70,
                                     recorded_on=dt.date(2024, 6, 2))  # fmt: skip
    course = TreatmentCourseFactory
    course(patient=lyon_patient, recorded_by=doctor.user, note=SECRET, line=1)
    course(patient=lyon_patient, recorded_by=doctor.user, kind="car_t", regimen="axi-cel",
           started_on=dt.date(2024, 3, 1), ended_on=dt.date(2024, 3, 2),
           end_reason="completed")  # fmt: skip
    course(patient=lyon_patient, recorded_by=doctor.user, started_on=dt.date(2023, 3, 1),
           ended_on=dt.date(2023, 5, 2), end_reason="toxicity", note=SECRET)  # fmt: skip
    return lyon_patient


def test_record_resources_built_directly_are_the_scrubbed_api_resources(record):
    alias = Pseudonyms("evaluation", recipient="client:test")
    expected = []
    for diagnosis in Diagnosis.objects.filter(patient=record):
        expected.append(_rewrite(condition_resource(diagnosis), alias))
        for staging in diagnosis.stagings.all():
            expected.append(_rewrite(staging_observation(staging), alias))
    expected += [
        _rewrite(performance_observation(status), alias)
        for status in PerformanceStatus.objects.filter(patient=record)
    ]
    for course in TreatmentCourse.objects.filter(patient=record):
        statement = _rewrite(medication_statement(course), alias)
        del statement["medicationCodeableConcept"]["text"]  # the regimen: typed by staff
        expected.append(statement)
    found = Record(Chunk([record.pk]), TYPES)
    built = []
    for diagnosis in found.diagnoses[record.pk]:
        built.append(export_records.condition(diagnosis, alias))
        for staging in found.stagings.get(diagnosis[0], []):
            built.append(export_records.staging(staging, record.pk, alias))
    built += [export_records.performance(row, alias) for row in found.performance[record.pk]]
    built += [
        export_records.medication_statement(row, alias) for row in found.treatments[record.pk]
    ]
    assert len(built) == 3 + 3 + 2 + 3
    _same(built, expected)
    kinds = {r["resourceType"] for r in built}
    assert kinds == {"Condition", "Observation", "MedicationStatement"}
    assert all("statusReason" not in r for r in built)  # a list: the scrub drops it
    text = b"".join(map(ndjson.encode, built)).decode()
    assert str(record.pk) not in text and "LYONNAISE" not in text
    for regimen in TreatmentCourse.objects.filter(patient=record).values_list("regimen", flat=True):
        assert regimen and f'"{regimen}"' not in text


def test_the_record_is_read_only_for_the_types_asked(record, django_assert_num_queries):
    chunk = Chunk([record.pk])
    with django_assert_num_queries(1):
        found = Record(chunk, {"Condition"})
    assert found.diagnoses and not found.stagings and not found.treatments
    with django_assert_num_queries(1):
        found = Record(Chunk([record.pk]), {"MedicationStatement"})
    assert len(found.treatments[record.pk]) == 3 and not found.diagnoses
