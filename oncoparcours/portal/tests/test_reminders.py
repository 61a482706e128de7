"""Reminders really sent: a questionnaire due (e-mail through a local SMTP server), an
appointment tomorrow (SMS through a local HTTP gateway), a missed questionnaire (the
coordination nurse told in the application after the second miss in a row); quiet hours
respected; each reminder created once however often the job runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from oncoparcours.core.notifications.models import Notification, NotificationPreference
from oncoparcours.core.notifications.services import notifications_dispatch
from oncoparcours.monitoring.models import QuestionnaireDue
from oncoparcours.monitoring.services.proms import proms_schedule
from oncoparcours.pathways import services as pathways
from oncoparcours.pathways.models import ActivityInstance, PathwayTemplate
from oncoparcours.portal import reminders, services
from oncoparcours.portal.models import Reminder

pytestmark = pytest.mark.django_db


@pytest.fixture
def pathway(patient, clinician):
    return pathways.pathway_apply(
        template=PathwayTemplate.objects.get(code="home-immunotherapy", is_latest=True),
        patient=patient,
        start=timezone.localdate(),
        parameters={},
        actor=clinician.user,
    )


def test_a_questionnaire_due_is_reminded_once_by_email(account, pathway, smtp):
    notifications_dispatch()
    smtp.messages.clear()  # the account's opening notice
    proms_schedule()
    first = reminders.reminders_send()
    assert first.by_kind == {reminders.PROM_DUE: 2}  # both questionnaires at inclusion
    again = reminders.reminders_send()
    assert (again.created, again.already) == (0, 2)
    assert notifications_dispatch().sent == 2
    assert len(smtp.messages) == 2
    to, mail = smtp.messages[0]
    assert to == ["jeanne.moreau@patients.example"]
    assert mail["Subject"] == "Un questionnaire à remplir"
    body = mail.get_content()
    assert "Mon état de santé aujourd'hui" in body or "Ma qualité de vie" in body
    assert "/portail/" in body and "15" in body


def test_the_same_reminder_twice_in_one_run_is_created_once(account, pathway):
    proms_schedule()
    wanted = reminders._prom_due(timezone.localdate())[:1]
    result = reminders.reminders_create(wanted * 2)  # as two workers would at the same moment
    assert (result.created, result.already) == (1, 1)
    assert Notification.objects.filter(kind=reminders.PROM_DUE).count() == 1
    assert Reminder.objects.count() == 1


def test_quiet_hours_defer_a_reminder(account, pathway, smtp):
    now = timezone.localtime()
    NotificationPreference.objects.create(
        person=f"portal:{account.pk}",
        chain=["email"],
        quiet_start=(now - dt.timedelta(hours=1)).time(),
        quiet_end=(now + dt.timedelta(hours=2)).time(),
    )
    notifications_dispatch()
    smtp.messages.clear()
    proms_schedule()
    reminders.reminders_send()
    assert notifications_dispatch().sent == 0 and smtp.messages == []
    later = timezone.now() + dt.timedelta(hours=3)
    assert notifications_dispatch(now=later).sent == 2


def test_an_appointment_tomorrow_is_reminded_by_sms(patient, nurse, pathway, gateway):
    account = services.patient_account_open(
        patient=patient, email="", phone="06 12 34 56 78", channel="sms", user=nurse.user
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    activity = ActivityInstance.objects.filter(instance=pathway).order_by("key").first()
    ActivityInstance.objects.filter(pk=activity.pk).update(
        kind="lab_test", status="planned", day=tomorrow, scheduled_for=None
    )
    notifications_dispatch()
    gateway.received.clear()
    result = reminders.reminders_send()
    assert result.by_kind[reminders.APPOINTMENT] == 1
    notifications_dispatch()
    assert len(gateway.received) == 1
    sms = gateway.received[0]
    assert sms["to"] == account.phone or sms["to"].endswith("612345678")
    assert f"demain {tomorrow:%d/%m/%Y}" in sms["text"] and "Prise de sang" in sms["text"]
    assert reminders.reminders_send().by_kind.get(reminders.APPOINTMENT, 0) == 0


def _due(pathway, occurrence, due_on, status):
    return QuestionnaireDue.objects.create(
        patient=pathway.patient,
        pathway_instance=pathway,
        instrument="health-status",
        instrument_version=1,
        occurrence=occurrence,
        due_on=due_on,
        closes_on=due_on + dt.timedelta(days=7),
        status=status,
        missed_on=due_on + dt.timedelta(days=8) if status == "missed" else None,
    )


def test_the_nurse_is_told_in_the_application_after_the_second_miss(account, pathway, nurse):
    today = timezone.localdate()
    _due(pathway, "every-28d-1", today - dt.timedelta(days=36), "missed")
    once = reminders.reminders_send(today=today)
    assert reminders.NURSE_MISSED not in once.by_kind
    _due(pathway, "every-28d-2", today - dt.timedelta(days=8), "missed")
    twice = reminders.reminders_send(today=today)
    assert twice.by_kind == {reminders.PROM_MISSED: 1, reminders.NURSE_MISSED: 1}
    notice = Notification.objects.get(kind=reminders.NURSE_MISSED)
    assert notice.recipient_user == nurse.user and notice.chain == ["in_app"]
    assert notice.status == "sent"  # shown at once in the application
    assert reminders.reminders_send(today=today).created == 0


def test_reminders_go_only_to_accounts_in_force(patient, nurse, pathway):
    """No account, a withdrawn access, a recorded death: no reminder; a relative in force gets
    theirs while the patient's withdrawn account gets none."""
    import datetime as dt_

    from oncoparcours.patients.models import Patient

    proms_schedule()
    assert reminders.reminders_send().created == 0  # the patient has no portal account
    account = services.patient_account_open(
        patient=patient, email="jeanne@patients.example", phone="", channel="email", user=nurse.user
    )
    relative = services.caregiver_invite(
        patient=patient,
        display_name="Paul Moreau",
        relationship="fils",
        email="paul@proches.example",
        phone="",
        channel="email",
        rights=["questionnaires"],
        consent_on=dt_.date.today(),
        consent_note="Accord oral en consultation",
        user=nurse.user,
    )
    services.account_revoke(target=account, user=nurse.user)
    sent = reminders.reminders_send()
    told = Notification.objects.filter(kind=reminders.PROM_DUE)
    assert sent.created == 2 and {n.email for n in told} == {relative.email}

    Patient.objects.filter(pk=patient.pk).update(deceased_on=timezone.localdate())
    _due(pathway, "every-28d-9", timezone.localdate(), "due")  # a new one, never reminded
    assert reminders.reminders_send().created == 0


def test_reminder_texts_say_who_sends_them_in_plain_french_without_medical_detail(
    account, pathway, nurse, organisation
):
    """Rendered as sent (SMS and e-mail): the patient's care team and centre named, plain
    French, French dates, no answer, symptom or treatment name, no product jargon."""
    import re

    from oncoparcours.core.notifications.services import render

    today = timezone.localdate()
    proms_schedule()
    tomorrow = today + dt.timedelta(days=1)
    activity = ActivityInstance.objects.filter(instance=pathway).order_by("key").first()
    ActivityInstance.objects.filter(pk=activity.pk).update(
        kind="treatment_administration", status="planned", day=tomorrow, scheduled_for=None
    )
    _due(pathway, "every-28d-1", today - dt.timedelta(days=8), "missed")
    reminders.reminders_send(today=today)
    sender = f"Votre équipe de soins — {organisation.name}"
    kinds = (reminders.PROM_DUE, reminders.APPOINTMENT, reminders.PROM_MISSED)
    sent = Notification.objects.filter(kind__in=kinds, email="jeanne.moreau@patients.example")
    assert {n.kind for n in sent} == set(kinds)
    for notification in sent:
        texts = render(notification)
        assert texts.short.startswith(f"{sender} :"), texts.short
        assert sender in texts.body
        for text in (texts.subject, texts.body, texts.short):
            assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # no ISO date
            for word in ("reminder", "questionnaire due", "pembrolizumab", "fièvre", "IDEC"):
                assert word.lower() not in text.lower(), (notification.kind, word, text)
    missed = next(n for n in sent if n.kind == reminders.PROM_MISSED)
    assert "Ce n'est pas grave" in render(missed).body
    appointment = next(n for n in sent if n.kind == reminders.APPOINTMENT)
    assert "Traitement" in render(appointment).short  # a kind in plain words, no drug name


@pytest.mark.parametrize("status", ["paused", "ended"])
def test_no_reminder_while_the_pathway_is_paused_or_ended(account, pathway, status):
    from oncoparcours.pathways.models import PathwayInstance

    from .test_messages import portal_client

    proms_schedule()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    activity = ActivityInstance.objects.filter(instance=pathway).order_by("key").first()
    ActivityInstance.objects.filter(pk=activity.pk).update(
        kind="lab_test", status="planned", day=tomorrow, scheduled_for=None
    )
    PathwayInstance.objects.filter(pk=pathway.pk).update(status=status)
    assert reminders.reminders_send().created == 0
    page = portal_client(account).get("/portail/calendrier/").content.decode()
    assert ("En pause" if status == "paused" else "Suspendu") in page
    PathwayInstance.objects.filter(pk=pathway.pk).update(status="active")
    assert reminders.reminders_send().created > 0
