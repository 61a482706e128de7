"""The care plan rule in the services, whoever calls them (``patients/permissions.py``
``may_plan_care``, ``may_record_objection``): treatments in course, pathways and a non-objection
by the care team's physicians and coordination nurses; an objection by any current member; a
break-glass access writes nothing. A refused call writes nothing, not even an audit event. The
one system path (``system_writes``) cannot be opened during a web request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from oncoparcours.core import request_context
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.pathways import services
from oncoparcours.pathways.models import PathwayEvent, PathwayInstance, PathwayRefusal
from oncoparcours.patients import services as patient_services
from oncoparcours.patients.models import BreakGlassAccess, ConsentRecord, TreatmentCourse
from oncoparcours.patients.permissions import system_writes
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    ProfessionalFactory,
    TreatmentCourseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date.today
# key: user role, profession, specialty, care team role, lead
MEMBERS = {
    "idel": ("liberal_nurse", "nurse", "liberal_nursing", "liberal_nurse", False),
    "lead_idel": ("liberal_nurse", "nurse", "liberal_nursing", "liberal_nurse", True),
    "pharmacist": ("pharmacist", "pharmacist", "hospital_pharmacy", "pharmacist", False),
    "efs": ("efs_staff", "physician", "transfusion_medicine", "efs_physician", True),
}


def _member(patient, key):
    role, profession, specialty, team_role, lead = MEMBERS[key]
    professional = ProfessionalFactory(profession=profession, specialty=specialty, user__role=role)
    CareTeamMemberFactory(patient=patient, professional=professional, role=team_role, is_lead=lead)
    return professional.user


def _break_glass(patient):
    outsider = ProfessionalFactory(user__role="clinician")
    now = timezone.now()
    BreakGlassAccess.objects.create(
        user=outsider.user,
        patient=patient,
        reason="Patient inconscient aux urgences",
        started_at=now,
        expires_at=now + dt.timedelta(minutes=30),
    )
    return outsider.user


def _actor(patient, key):
    return _break_glass(patient) if key == "break_glass" else _member(patient, key)


def _decision(actor, patient, decision):
    return patient_services.consent_record(
        actor=actor,
        patient=patient,
        kind="data_sharing",
        scope="research",
        decision=decision,
        recorded_on=TODAY(),
    )


def _calls(instance, course, template):
    patient = instance.patient
    return {
        "treatment_start": lambda a: patient_services.treatment_start(
            actor=a, patient=patient, kind="chemotherapy", regimen="FOLFOX",
            started_on=TODAY() - dt.timedelta(days=3),
        ),
        "treatment_end": lambda a: patient_services.treatment_end(
            actor=a, course=course, ended_on=TODAY(), end_reason="completed"
        ),
        "non_objection": lambda a: _decision(a, patient, "non_opposition"),
        "pathway_apply": lambda a: services.pathway_apply(
            template=template, patient=patient, start=TODAY(),
            parameters={"interval_weeks": 3}, actor=a,
        ),
        "pathway_refusal_record": lambda a: services.pathway_refusal_record(
            patient=patient, template_code=template.code, reason="patient_declined", note="",
            actor=a,
        ),
        "phase_advance": lambda a: services.phase_advance(
            instance=instance, actor=a, override_reason="Imagerie réalisée au CHU"
        ),
        "pathway_pause": lambda a: services.pathway_pause(
            instance=instance, actor=a, reason="hospitalisation"
        ),
        "pathway_resume": lambda a: services.pathway_resume(instance=instance, actor=a),
        "pathway_end": lambda a: services.pathway_end(
            instance=instance, actor=a, reason="progression"
        ),
    }  # fmt: skip


def _state(instance, course):
    instance.refresh_from_db()
    course.refresh_from_db()
    return (
        TreatmentCourse.objects.count(),
        course.ended_on,
        ConsentRecord.objects.count(),
        PathwayInstance.objects.count(),
        PathwayRefusal.objects.count(),
        PathwayEvent.objects.count(),
        instance.status,
        instance.version,
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("key", [*MEMBERS, "break_glass"])
def test_the_services_refuse_whoever_does_not_plan_care(instance, template, key):
    """An IDEL, a pharmacist, EFS staff, even as the team's lead, and a break-glass access."""
    course = TreatmentCourseFactory(patient=instance.patient, regimen="Pembrolizumab")
    actor = _actor(instance.patient, key)
    before = _state(instance, course)
    for name, call in _calls(instance, course, template).items():
        if name == "pathway_resume":  # refused whatever the status: try it on a paused pathway
            PathwayInstance.objects.filter(pk=instance.pk).update(
                status="paused", paused_on=TODAY()
            )
            before = _state(instance, course)
        with pytest.raises(ApplicationError) as refused:
            call(actor)
        assert "coordination" in refused.value.message, name  # names the rule
        assert _state(instance, course) == before, name


@pytest.mark.parametrize("key", [*MEMBERS, "break_glass"])
def test_any_member_records_an_objection_a_break_glass_access_none(patient, key):
    actor = _actor(patient, key)
    if key == "break_glass":
        with pytest.raises(ApplicationError):
            _decision(actor, patient, "opposition")
        assert not ConsentRecord.objects.filter(patient=patient).exists()
        return
    assert _decision(actor, patient, "opposition").recorded_by == actor


def test_a_non_objection_refused_names_the_decision_field(patient):
    with pytest.raises(ApplicationError) as refused:
        _decision(_member(patient, "idel"), patient, "non_opposition")
    assert "decision" in refused.value.errors
    assert not ConsentRecord.objects.filter(patient=patient).exists()


@pytest.mark.parametrize("planner", ["clinician", "coordination_nurse"])
def test_the_physicians_and_coordination_nurses_plan_care(
    instance, template, clinician, coordination_nurse, planner
):
    actor = (clinician if planner == "clinician" else coordination_nurse).user
    course = TreatmentCourseFactory(patient=instance.patient, regimen="Pembrolizumab")
    calls = _calls(instance, course, template)
    started = calls["treatment_start"](actor)
    assert started.recorded_by == actor
    assert calls["treatment_end"](actor).ended_on == TODAY()
    assert calls["non_objection"](actor).decision == "non_opposition"
    assert calls["pathway_pause"](actor).status == "paused"
    assert calls["pathway_resume"](actor).status == "active"
    # Overriding unmet criteria stays a physician's (its own rule, unchanged).
    assert calls["phase_advance"](clinician.user).current_phase.key == "sequence-2"
    assert calls["pathway_end"](actor).status == "ended"
    assert calls["pathway_apply"](actor).created_by == actor
    assert calls["pathway_refusal_record"](actor).recorded_by == actor


def test_the_system_path_writes_for_a_loader_outside_any_care_team(patient, template):
    loader = UserFactory(username="loader", role="administrator", is_active=False)
    with pytest.raises(ApplicationError):
        services.pathway_refusal_record(
            patient=patient, template_code=template.code, reason="patient_declined", note="",
            actor=loader,
        )  # fmt: skip
    with system_writes():
        instance = services.pathway_apply(
            template=template, patient=patient, start=TODAY(), parameters={}, actor=loader
        )
    assert instance.created_by == loader
    with pytest.raises(ApplicationError):  # closed again
        services.pathway_pause(instance=instance, actor=loader, reason="hospitalisation")


def test_the_system_path_cannot_be_opened_during_a_web_request():
    token = request_context.activate(request_context.RequestContext(path="/patients/", memo={}))
    try:
        with pytest.raises(RuntimeError), system_writes():
            pass
    finally:
        request_context.deactivate(token)
