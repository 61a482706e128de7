"""Late answers: a thread past the answer-by date shown to the patient is "en retard" for the
team, the care team's lead is told once (in the application and by e-mail, no patient name nor
message), and the patient reads an honest message: not answered yet, call 15 in an emergency.
The team's answer ends it (a later wait can be escalated again)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from oncoparcours.core.models import AuditEvent, Notification
from oncoparcours.portal import services
from oncoparcours.portal.models import Thread
from oncoparcours.portal.tests.test_messages import portal_client

pytestmark = pytest.mark.django_db

HONEST = "Votre équipe n'a pas encore répondu ; en cas d'urgence, appelez le 15."


def _late(account, subject="Ordonnance"):
    posted = services.thread_start(account=account, subject=subject, body="Bonjour, merci.")
    Thread.objects.filter(pk=posted.thread.pk).update(
        answer_due=timezone.now() - dt.timedelta(hours=1)
    )
    return Thread.objects.get(pk=posted.thread.pk)


def test_a_late_thread_escalates_to_the_lead_once_and_the_patient_is_told(
    account, nurse, clinician
):
    thread = _late(account)
    patient_side = portal_client(account)
    assert HONEST in patient_side.get("/portail/messages/").content.decode()
    assert HONEST in patient_side.get(f"/portail/messages/{thread.pk}/").content.decode()

    assert services.late_answers_escalate() == 1
    assert services.late_answers_escalate() == 0  # once
    told = Notification.objects.filter(kind=services.LATE_KIND)
    assert {n.recipient_user for n in told} == {clinician.user}  # the lead, not the whole team
    assert {tuple(n.chain) for n in told} <= {("in_app",), ("email",)}
    for notice in told:
        text = str(notice.context)
        assert "Moreau" not in text and "Bonjour" not in text  # no name, no content
    assert AuditEvent.objects.filter(details__event="portal_answer_late_escalated").count() == 1

    staff = Client()
    staff.force_login(nurse.user)
    page = staff.get(f"/patients/{account.patient_id}/messages/{thread.pk}/").content.decode()
    assert "en retard" in page and "La personne responsable de l'équipe de soins" in page
    assert "en retard" in staff.get("/messagerie-patients/").content.decode()

    # Answered: the honest message goes; a new wait past its date is escalated again.
    services.message_post(thread=thread, body="C'est fait.", user=nurse.user)
    assert HONEST not in patient_side.get(f"/portail/messages/{thread.pk}/").content.decode()
    services.message_post(thread=thread, body="Et la suite ?", account=account)
    Thread.objects.filter(pk=thread.pk).update(answer_due=timezone.now() - dt.timedelta(hours=1))
    assert services.late_answers_escalate() == 1


def test_a_thread_within_its_answer_date_is_not_escalated(account):
    services.thread_start(account=account, subject="Question", body="Bonjour")
    assert services.late_answers_escalate() == 0
    assert HONEST not in portal_client(account).get("/portail/messages/").content.decode()


def test_the_answer_date_follows_the_message_it_answers_never_before_it(account):
    """Cold try-out (2026-12-04): a demo thread showed "réponse attendue 03/12" beside its
    only message of 04/12 (a date forced afterwards). The date is computed from the message."""
    import datetime as dt

    from django.utils import timezone

    from oncoparcours.portal import services as portal_services

    written = timezone.now() - dt.timedelta(days=6)
    posted = portal_services.thread_start(
        account=account, subject="Transport", body="Un bon de transport ?", now=written
    )
    thread = posted.thread
    assert posted.message.created_at == written == thread.waiting_since
    assert thread.answer_due > posted.message.created_at
    assert thread.answer_due < timezone.now()  # overdue, as the demo wants it
