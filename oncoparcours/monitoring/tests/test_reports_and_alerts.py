"""Submitting reports, routing alerts, acknowledging, resolving and escalating them."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.monitoring import services
from oncoparcours.monitoring.models import (
    Alert,
    AlertEvent,
    AlertRecipient,
    OnCallShift,
    Report,
)
from oncoparcours.monitoring.selectors import inbox, with_state
from oncoparcours.monitoring.services import alerts as alert_services
from oncoparcours.monitoring.services import reports as report_services
from oncoparcours.patients.models import CareTeamMember
from oncoparcours.testing.factories import ProfessionalFactory

from .conftest import later

pytestmark = pytest.mark.django_db


def state(alert: Alert) -> Alert:
    return with_state(Alert.objects.filter(pk=alert.pk)).get()


def test_the_same_submission_twice_is_one_report_and_one_alert(submit):
    key = uuid.uuid4()
    first = submit({"temperature_c": 38.4}, submission_key=key)
    again = submit({"temperature_c": 38.4}, submission_key=key)
    assert (first.created, again.created) == (True, False)
    assert again.report.pk == first.report.pk
    assert (Report.objects.count(), Alert.objects.count()) == (1, 1)


def test_a_submission_key_cannot_be_reused_for_another_patient(submit, patient):
    from oncoparcours.testing.factories import PatientFactory

    key = uuid.uuid4()
    submit({"temperature_c": 37.0}, submission_key=key)
    with pytest.raises(ApplicationError):
        submit({"temperature_c": 37.0}, submission_key=key, patient=PatientFactory())


def test_a_report_without_warning_sign_raises_no_alert(submit):
    submitted = submit({"temperature_c": 37.2, "fatigue": "none"})
    assert submitted.report.level == "none"
    assert submitted.alert is None
    assert Alert.objects.count() == 0


def test_grade_1_goes_to_the_coordination_nurse_with_72_hours(submit, nurse):
    submitted = submit({"stools_over_baseline_per_day": 2})
    alert = submitted.alert
    assert (alert.level, alert.respond_within_minutes) == ("routine", 4320)
    assert [r.professional for r in alert.recipients.all()] == [nurse]
    assert alert.rule_set_label == "default@2"
    assert submitted.report.result["grades"][0]["criterion"]


def test_grade_2_goes_to_the_oncologist_and_the_report_is_marked_worse(submit, clinician):
    submit({"stools_over_baseline_per_day": 2})
    submitted = submit({"stools_over_baseline_per_day": 5})
    assert submitted.alert.level == "urgent"
    assert [r.professional for r in submitted.alert.recipients.all()] == [clinician]
    assert submitted.report.worsened is True


def test_the_alert_is_written_in_the_same_transaction_as_the_report(submit, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("routing failed")

    monkeypatch.setattr(report_services, "route", broken)
    with pytest.raises(RuntimeError):
        submit({"temperature_c": 39.5})
    assert (Report.objects.count(), Alert.objects.count()) == (0, 0)


def test_invalid_observations_name_the_field_and_store_nothing(submit):
    for observations, field in [
        ({"temperature_c": 60}, "temperature_c"),
        ({"stools_over_baseline_per_day": -1}, "stools_over_baseline_per_day"),
        (
            {"ice": {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 2}},
            "ice_attention",
        ),
        ({"mood": "sad"}, "mood"),
    ]:
        with pytest.raises(ApplicationError) as caught:
            submit(observations)
        assert field in caught.value.errors, (observations, caught.value.errors)
    assert Report.objects.count() == 0


def test_car_t_fever_alerts_the_on_call_haematologist_who_joins_the_care_team(
    submit, patient, organisation
):
    on_call = ProfessionalFactory(organisation=organisation, specialty="haematology")
    OnCallShift.objects.create(
        organisation=organisation,
        role="car_t_on_call",
        professional=on_call,
        starts_at=later(-60),
        ends_at=later(600),
    )
    submitted = submit(
        {"temperature_c": 38.2}, source="clinician", treatment="car_t", days_since_infusion=2
    )
    assert submitted.alert.level == "immediate"
    assert [r.professional for r in submitted.alert.recipients.all()] == [on_call]
    member = CareTeamMember.objects.get(patient=patient, professional=on_call)
    assert member.role == "on_call" and member.end is not None
    assert AuditEvent.objects.filter(patient_id=patient.pk, details__care_team="on_call").exists()


def test_acknowledging_twice_is_refused_with_who_did_it(submit, nurse, clinician):
    alert = submit({"stools_over_baseline_per_day": 2}).alert
    services.alert_acknowledge(alert=alert, actor=nurse.user)
    with pytest.raises(ApplicationError) as caught:
        services.alert_acknowledge(alert=alert, actor=clinician.user)
    assert nurse.user.display_name in caught.value.message
    assert state(alert).acknowledged


def test_resolving_an_immediate_alert_needs_what_was_done(submit, clinician):
    alert = submit({"rash_bsa_percent": 40, "rash_symptoms": "moderate_or_severe"}).alert
    assert alert.level == "immediate"
    with pytest.raises(ApplicationError) as caught:
        services.alert_resolve(alert=alert, actor=clinician.user, action="consultation")
    assert "note" in caught.value.errors
    services.alert_resolve(
        alert=alert, actor=clinician.user, action="consultation", note="Vue en hôpital de jour"
    )
    current = state(alert)
    assert current.acknowledged and current.resolved
    with pytest.raises(ApplicationError):
        services.alert_resolve(alert=alert, actor=clinician.user, action="no_action")


def test_alerts_and_their_events_are_never_edited_in_place(submit, nurse):
    alert = submit({"stools_over_baseline_per_day": 2}).alert
    event = AlertEvent.objects.get(alert=alert)
    with pytest.raises((IntegrityError, Exception)), transaction.atomic():
        Alert.objects.filter(pk=alert.pk).update(level="none")
    with pytest.raises((IntegrityError, Exception)), transaction.atomic():
        AlertEvent.objects.filter(pk=event.pk).update(note="changed")
    assert Alert.objects.get(pk=alert.pk).level == "routine"


def test_alerts_and_their_events_are_never_deleted_even_in_raw_sql(submit, nurse):
    alert = submit({"stools_over_baseline_per_day": 2}).alert
    event = AlertEvent.objects.get(alert=alert)
    for table, pk in (("monitoring_alertevent", event.pk), ("monitoring_alert", alert.pk)):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [getattr(pk, "hex", pk)])
    assert AlertEvent.objects.filter(pk=event.pk).exists()
    assert Alert.objects.filter(pk=alert.pk).exists()


# --- escalation ----------------------------------------------------------------------------------


def test_an_unacknowledged_alert_escalates_when_its_deadline_passes(submit, patient, organisation):
    on_call = ProfessionalFactory(organisation=organisation)
    OnCallShift.objects.create(
        organisation=organisation,
        role="on_call_physician",
        professional=on_call,
        starts_at=later(-60),
        ends_at=later(3000),
    )
    alert = submit({"stools_over_baseline_per_day": 5}).alert  # urgent, 24 h
    assert services.escalate_overdue_alerts(now=later(60)) == 0
    assert services.escalate_overdue_alerts(now=later(24 * 60 + 1)) == 1
    escalated = state(alert)
    assert escalated.step == 1
    assert AlertRecipient.objects.filter(alert=alert, step=1, professional=on_call).exists()
    assert escalated.current_deadline > alert.deadline
    # The new deadline is not passed yet: nothing more to do.
    assert services.escalate_overdue_alerts(now=later(24 * 60 + 2)) == 0
    assert inbox(user=on_call.user).filter(pk=alert.pk).exists()


def test_an_acknowledged_alert_does_not_escalate(submit, nurse):
    alert = submit({"stools_over_baseline_per_day": 2}).alert
    services.alert_acknowledge(alert=alert, actor=nurse.user)
    assert services.escalate_overdue_alerts(now=later(5 * 24 * 60)) == 0


def test_escalation_stops_after_the_rule_sets_maximum(submit):
    alert = submit({"dyspnea": "life_threatening"}).alert  # emergency, 0 min, then 10 min steps
    minutes = 1
    for _ in range(6):
        services.escalate_overdue_alerts(now=later(minutes))
        minutes += 11
    assert state(alert).step == 3


def test_a_worker_killed_mid_escalation_leaves_nothing_and_the_next_run_escalates_once(
    submit, monkeypatch
):
    alert = submit({"dyspnea": "life_threatening"}).alert

    def crash(**kwargs):
        raise KeyboardInterrupt("worker killed")

    monkeypatch.setattr(alert_services, "audit_record", crash)
    with pytest.raises(KeyboardInterrupt):
        services.escalate_overdue_alerts(now=later(1))
    assert AlertEvent.objects.filter(alert=alert, kind="escalated").count() == 0
    monkeypatch.undo()
    assert services.escalate_overdue_alerts(now=later(1)) == 1
    assert services.escalate_overdue_alerts(now=later(1)) == 0
    assert AlertEvent.objects.filter(alert=alert, kind="escalated").count() == 1


def test_two_workers_seeing_the_same_overdue_alert_escalate_it_once(submit):
    alert = submit({"dyspnea": "life_threatening"}).alert
    # Both workers read the overdue list before either writes.
    seen_by_first = list(alert_services.open_alerts_past_deadline(later(1)))
    seen_by_second = list(alert_services.open_alerts_past_deadline(later(1)))
    ladder = services.rule_set_for_patient(alert.patient)[1].escalation["emergency"]
    results = [
        alert_services._escalate(candidate, candidate.step + 1, ladder, later(1))
        for candidate in (seen_by_first[0], seen_by_second[0])
    ]
    assert sorted(results) == [False, True]
    assert AlertEvent.objects.filter(alert=alert, kind="escalated").count() == 1


# --- missing reports ----------------------------------------------------------------------


def test_a_patient_on_home_treatment_without_report_for_a_week_gets_one_reminder(
    patient, clinician, nurse
):
    from oncoparcours.pathways.models import PathwayTemplate
    from oncoparcours.pathways.services import pathway_apply, phase_advance

    instance = pathway_apply(
        template=PathwayTemplate.objects.get(code="home-immunotherapy"),
        patient=patient,
        start=timezone.localdate() - dt.timedelta(days=120),
        parameters={"interval_weeks": 3},
        actor=clinician.user,
    )
    while not instance.activities.filter(phase=instance.current_phase, place="home").exists():
        phase_advance(instance=instance, actor=clinician.user, override_reason="test")
        instance.refresh_from_db()
    assert services.remind_missing_reports() == 1
    assert services.remind_missing_reports() == 0
    alert = Alert.objects.get(patient=patient)
    assert (alert.kind, alert.level) == ("missing_report", "routine")
    assert [r.professional for r in alert.recipients.all()] == [nurse]
    # Its page names the reminder in words, not by an internal id nor an empty rule set.
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(nurse.user)
    page = client.get(reverse("monitoring:alert", args=[patient.pk, alert.pk])).content.decode()
    header = page.split("Émise le")[1].split("</p>")[0]
    assert "Signalement manquant" in header
    assert "missing-report</span>" not in header and "jeu de règles" not in header
