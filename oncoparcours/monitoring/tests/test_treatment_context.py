"""A patient's reports are graded for every treatment in course — recorded treatments and the
treatment of active pathways — and the strictest answer wins; after CAR-T, intensive care and
neurology are notified as the rule set says."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from oncoparcours.monitoring.models import Alert, AlertEvent, OnCallShift
from oncoparcours.monitoring.services import report_submit
from oncoparcours.monitoring.services.reports import treatment_context
from oncoparcours.pathways.models import PathwayTemplate
from oncoparcours.pathways.services import pathway_apply
from oncoparcours.patients.services import treatment_end
from oncoparcours.testing.factories import ProfessionalFactory, TreatmentCourseFactory

from .conftest import later

pytestmark = pytest.mark.django_db


def report(patient, observations, **kwargs):
    return report_submit(
        patient=patient,
        source=kwargs.pop("source", "patient"),
        observations=observations,
        submission_key=uuid.uuid4(),
        **kwargs,
    )


def test_no_treatment_recorded_is_graded_as_other(patient):
    assert treatment_context(patient).treatments == ("other",)
    assert report(patient, {"temperature_c": 38.6}).alert.level == "routine"


def test_a_febrile_patient_on_chemotherapy_is_an_immediate_alert_to_call_now(
    patient, clinician, nurse
):
    TreatmentCourseFactory(patient=patient, kind="chemotherapy", regimen="FOLFOX")
    assert treatment_context(patient).treatments == ("chemotherapy",)
    submitted = report(patient, {"temperature_c": 38.6})
    alert = submitted.alert
    assert (alert.level, alert.respond_within_minutes) == ("immediate", 60)
    assert alert.flags == ["suspected_febrile_neutropenia"]
    assert "15" in alert.advice
    assert set(alert.notify) == {"oncologist", "on_call_physician"}
    assert clinician in {r.professional for r in alert.recipients.all()}
    assert submitted.report.treatment == "chemotherapy"
    assert submitted.report.result["treatments"] == ["chemotherapy"]


@pytest.mark.parametrize(
    ("kind", "ended_days_ago", "graded_as"),
    [
        ("chemotherapy", 0, "chemotherapy"),
        ("chemotherapy", 28, "chemotherapy"),  # the nadir of the last cycle
        ("chemotherapy", 29, "other"),
        ("immune_checkpoint_inhibitor", 365, "immune_checkpoint_inhibitor"),  # late irAEs
        ("immune_checkpoint_inhibitor", 366, "other"),
        ("antibody_drug_conjugate", 10, "chemotherapy"),
        ("targeted_therapy", 1, "other"),
    ],
)
def test_a_treatment_keeps_counting_while_its_risks_last(
    patient, clinician, kind, ended_days_ago, graded_as
):
    today = timezone.localdate()
    course = TreatmentCourseFactory(
        patient=patient, kind=kind, started_on=today - dt.timedelta(days=400)
    )
    treatment_end(
        actor=clinician.user,
        course=course,
        ended_on=today - dt.timedelta(days=ended_days_ago),
        end_reason="completed",
    )
    assert treatment_context(patient).treatments == (graded_as,)


def test_several_treatments_at_once_take_the_strictest_answer(patient):
    TreatmentCourseFactory(patient=patient, kind="chemotherapy", regimen="Carboplatine")
    TreatmentCourseFactory(
        patient=patient, kind="immune_checkpoint_inhibitor", regimen="Pembrolizumab"
    )
    assert treatment_context(patient).treatments == ("chemotherapy", "immune_checkpoint_inhibitor")
    chest = report(patient, {"chest_pain": "mild"})
    assert (chest.alert.level, chest.alert.flags) == (
        "immediate",
        ["suspected_myocarditis_myositis"],
    )
    assert chest.report.treatment == "immune_checkpoint_inhibitor"
    fever = report(patient, {"temperature_c": 38.2})
    assert fever.alert.flags == ["suspected_febrile_neutropenia"]
    assert fever.report.treatment == "chemotherapy"


def test_a_t_cell_engager_is_graded_like_car_t(patient):
    TreatmentCourseFactory(patient=patient, kind="t_cell_engager", regimen="Teclistamab")
    submitted = report(patient, {"temperature_c": 38.4})
    assert submitted.report.result["crs"]["grade"] == 1
    assert submitted.alert.level == "immediate"


def test_the_chemotherapy_pathway_puts_the_patient_on_chemotherapy(patient, clinician):
    template = PathwayTemplate.objects.get(code="chemotherapy-cycles", is_latest=True)
    instance = pathway_apply(
        template=template,
        patient=patient,
        start=timezone.localdate(),
        parameters={"cycle_days": 21, "nadir_day": 10},
        actor=clinician.user,
    )
    context = treatment_context(patient)
    assert context.treatments == ("chemotherapy",)
    assert str(template.title) in context.sources
    keys = set(instance.activities.values_list("template_activity", flat=True))
    assert {"nadir-call", "nadir-blood-count", "fever-instructions", "administration"} <= keys
    administrations = list(
        instance.activities.filter(template_activity="administration").order_by("due_date")
    )
    assert len(administrations) == 6
    assert (administrations[1].due_date - administrations[0].due_date).days == 21
    nadir = instance.activities.filter(template_activity="nadir-call").order_by("due_date").first()
    assert (nadir.due_date - administrations[0].due_date).days == 10


def test_after_car_t_intensive_care_and_neurology_on_call_are_notified(patient, organisation):
    TreatmentCourseFactory(
        patient=patient,
        kind="car_t",
        regimen="Axicabtagene ciloleucel",
        started_on=timezone.localdate() - dt.timedelta(days=3),
    )
    icu = ProfessionalFactory(
        organisation=organisation, last_name="Réa", specialty="intensive_care"
    )
    for role, person in (("icu_on_call", icu),):
        OnCallShift.objects.create(
            organisation=organisation,
            role=role,
            professional=person,
            starts_at=later(-60),
            ends_at=later(600),
        )
    crs_2 = report(
        patient,
        {"temperature_c": 39.1, "hypotension": "fluid_responsive", "ice_score": 8},
        source="clinician",
    )
    alert = crs_2.alert
    assert alert.level == "immediate"
    assert {"icu_on_call", "neurology_on_call"} <= set(alert.notify)
    assert ("icu_on_call", icu.pk) in {(r.role, r.professional_id) for r in alert.recipients.all()}
    assert patient.care_team.filter(professional=icu, role="on_call").exists()
    note = AlertEvent.objects.get(alert=alert, kind="notified").note
    assert "neurologie" in note.lower() and "réanimation" in note.lower()


def test_a_relative_s_neurological_watch_reaches_the_car_t_on_call(patient, organisation):
    TreatmentCourseFactory(patient=patient, kind="car_t", regimen="Tisagenlecleucel")
    submitted = report(
        patient, {"neuro_changes": ["handwriting_change", "tremor"]}, source="caregiver"
    )
    assert submitted.alert.level == "immediate"
    assert submitted.alert.flags == ["icans_screen_positive"]
    assert Alert.objects.count() == 1
