"""Urgent messages (sent anyway after the warning signs prompt) that the care team leaves
unanswered go to the centre's on-call physician and the care team's lead: after 2 hours in
working hours, at once outside them; once per urgent wait. The patient reads that it was passed
on, or, when no on-call physician could be told, that nobody was and to call."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import Client

from oncoparcours.core.models import AuditEvent, Notification
from oncoparcours.monitoring.models import OnCallShift
from oncoparcours.patients.models import CareTeamMember
from oncoparcours.portal import selectors, services
from oncoparcours.portal.models import Thread
from oncoparcours.portal.tests.test_messages import portal_client
from oncoparcours.testing.factories import ProfessionalFactory, UserFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY_9 = dt.datetime(2026, 12, 7, 9, 0, tzinfo=PARIS)
SATURDAY_22 = dt.datetime(2026, 12, 5, 22, 0, tzinfo=PARIS)


@pytest.fixture
def on_call(organisation):
    doctor = ProfessionalFactory(
        organisation=organisation,
        first_name="Marc",
        last_name="Garde",
        user=UserFactory(role="clinician", email="garde@clb.example"),
    )
    OnCallShift.objects.create(
        organisation=organisation,
        role="on_call_physician",
        professional=doctor,
        starts_at=dt.datetime(2026, 12, 1, tzinfo=PARIS),
        ends_at=dt.datetime(2027, 1, 1, tzinfo=PARIS),
    )
    return doctor


def _urgent(account, at: dt.datetime) -> Thread:
    posted = services.thread_start(
        account=account, subject="Fièvre", body="J'ai 39 de fievre", confirmed=True
    )
    Thread.objects.filter(pk=posted.thread.pk).update(urgent_since=at)
    return Thread.objects.get(pk=posted.thread.pk)


def test_an_urgent_message_unanswered_two_working_hours_goes_to_the_on_call_once(
    account, clinician, nurse, on_call
):
    thread = _urgent(account, MONDAY_9)
    assert services.urgent_messages_escalate(now=MONDAY_9 + dt.timedelta(minutes=119)) == 0
    due = MONDAY_9 + dt.timedelta(hours=2)
    assert services.urgent_messages_escalate(now=due) == 1
    assert services.urgent_messages_escalate(now=due + dt.timedelta(minutes=5)) == 0  # once

    told = Notification.objects.filter(kind=services.ONCALL_KIND)
    assert {n.recipient_user for n in told} == {clinician.user, on_call.user}  # lead + on call
    assert all(n.urgent for n in told)
    for notice in told:
        assert "Moreau" not in str(notice.context) and "fievre" not in str(notice.context)
    thread.refresh_from_db()
    assert thread.oncall_escalated_at == due and thread.oncall_reached is True
    # The on-call physician may open the record (given access for the on-call time).
    assert CareTeamMember.objects.filter(
        patient=account.patient, professional=on_call, role="on_call"
    ).exists()
    event = AuditEvent.objects.get(details__event="portal_urgent_oncall_escalated")
    assert event.details["on_call_reached"] is True

    page = portal_client(account).get(f"/portail/messages/{thread.pk}/").content.decode()
    assert "Transmis à l'astreinte le" in page
    staff = Client()
    staff.force_login(on_call.user)
    staff_page = staff.get(f"/patients/{account.patient_id}/messages/{thread.pk}/")
    assert staff_page.status_code == 200
    assert "médecin d'astreinte" in staff_page.content.decode()

    # Answered, then a new urgent message: a new wait is passed on again.
    services.message_post(thread=thread, body="Je vous appelle.", user=nurse.user)
    services.message_post(
        thread=thread, body="Toujours 39 de fievre", account=account, confirmed=True
    )
    later = due + dt.timedelta(days=1)
    Thread.objects.filter(pk=thread.pk).update(urgent_since=later - dt.timedelta(hours=3))
    assert services.urgent_messages_escalate(now=later) == 1


def test_outside_working_hours_it_goes_at_once(account, on_call):
    _urgent(account, SATURDAY_22)
    assert services.urgent_messages_escalate(now=SATURDAY_22 + dt.timedelta(minutes=5)) == 1


def test_an_answered_or_ordinary_message_is_not_passed_on(account, nurse, on_call):
    thread = _urgent(account, SATURDAY_22)
    services.message_post(thread=thread, body="Nous vous appelons.", user=nurse.user)
    services.thread_start(account=account, subject="Ordonnance", body="Bonjour, merci.")
    assert services.urgent_messages_escalate(now=SATURDAY_22 + dt.timedelta(days=2)) == 0


def test_only_a_physician_or_nurse_answering_ends_the_urgent_wait(
    account, nurse, on_call, organisation
):
    """Safer reading (2026-12-04 review): a secretary's reply is not a clinical answer."""
    thread = _urgent(account, SATURDAY_22)
    secretary = ProfessionalFactory(
        organisation=organisation, user=UserFactory(role="board_secretary")
    )
    services.message_post(thread=thread, body="Je transmets au médecin.", user=secretary.user)
    thread.refresh_from_db()
    assert thread.urgent_since is not None
    # ...and the thread stays on the team's worklist, still waiting for a clinical answer.
    assert thread.waiting_since is not None and thread.answer_due is not None
    assert thread in selectors.staff_threads(nurse.user)
    assert services.urgent_messages_escalate(now=SATURDAY_22 + dt.timedelta(minutes=5)) == 1
    services.message_post(thread=thread, body="Je vous appelle.", user=nurse.user)
    thread.refresh_from_db()
    assert thread.urgent_since is None


def test_nobody_on_call_the_lead_is_told_and_the_patient_asked_to_call(account, clinician):
    thread = _urgent(account, SATURDAY_22)
    assert services.urgent_messages_escalate(now=SATURDAY_22 + dt.timedelta(minutes=5)) == 1
    told = Notification.objects.filter(kind=services.ONCALL_KIND)
    assert {n.recipient_user for n in told} == {clinician.user}
    thread.refresh_from_db()
    assert thread.oncall_reached is False
    page = portal_client(account).get(f"/portail/messages/{thread.pk}/").content.decode()
    assert "Transmis à l'astreinte" not in page
    assert "personne n'a pu être prévenu" in page and "appelez" in page


def test_the_warning_prompt_does_not_promise_the_team_is_told_at_once(account):
    page = (
        portal_client(account)
        .post("/portail/messages/nouveau/", {"subject": "Aide", "body": "Je suis essoufflé"})
        .content.decode()
    )
    assert "essoufflé" in page and "médecin d'astreinte" in page
    assert "prévenue aussitôt" not in page and "est prévenue immédiatement" not in page


def test_a_file_chosen_before_the_warning_is_asked_for_again(account):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = (
        portal_client(account)
        .post(
            "/portail/messages/nouveau/",
            {
                "subject": "Fièvre",
                "body": "39 de fievre",
                "attachment": SimpleUploadedFile(
                    "ordonnance.pdf", b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
                ),
            },
        )
        .content.decode()
    )
    assert "ordonnance.pdf" in page and "choisissez-le à nouveau" in page
    assert 'id="id_confirm_attachment"' in page and 'enctype="multipart/form-data"' in page
    assert not Thread.objects.exists()


def test_the_on_call_an_alert_would_reach_gets_the_urgent_message_even_without_an_account(
    account, clinician
):
    """Cold try-out (2026-12-04): the centre's rota physician, reached by a questionnaire alert
    ("médecin d'astreinte"), was skipped by the portal for having no account. Both paths now
    resolve the on-call physician with ``monitoring.services.routing.on_call_reach``."""
    from oncoparcours.monitoring.services.routing import route

    rota = ProfessionalFactory(
        organisation=account.patient.expert_centre,
        first_name="Rose-Aimée",
        last_name="Benoît",
        email="r.benoit@clb.example",
        user=None,
    )
    OnCallShift.objects.create(
        organisation=account.patient.expert_centre,
        role="on_call_physician",
        professional=rota,
        starts_at=dt.datetime(2026, 12, 1, tzinfo=PARIS),
        ends_at=dt.datetime(2027, 1, 1, tzinfo=PARIS),
    )
    friday_18 = dt.datetime(2026, 12, 4, 18, 2, tzinfo=PARIS)
    routed = route(account.patient, ["on_call_physician"], actor_label="test").recipients
    assert [p for p, _role in routed] == [rota]

    thread = _urgent(account, friday_18)
    assert services.urgent_messages_escalate(now=friday_18 + dt.timedelta(minutes=3)) == 1
    thread.refresh_from_db()
    assert thread.oncall_reached is True
    told = Notification.objects.filter(kind=services.ONCALL_KIND)
    assert "r.benoit@clb.example" in {n.email for n in told}
    assert {n.recipient_user for n in told if n.recipient_user} == {clinician.user}
    page = portal_client(account).get(f"/portail/messages/{thread.pk}/").content.decode()
    assert "Transmis à l'astreinte le" in page
    assert "aucun médecin d'astreinte" not in page


def test_an_urgent_thread_shows_no_routine_answer_date(account, on_call):
    thread = _urgent(account, SATURDAY_22)
    page = portal_client(account).get(f"/portail/messages/{thread.pk}/").content.decode()
    assert "répond au plus tard" not in page
    assert "15" in page and "lira aussi votre message" in page
