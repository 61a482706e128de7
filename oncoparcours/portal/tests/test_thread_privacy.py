"""Caregiver privacy per conversation: the patient sees every conversation about them (those a
relative started included); a relative sees the conversations shared with the relatives and the
ones they started, never one the patient keeps private — not in the list, not by its address
(404, audited as refused), not by the team's answer notice. Choosing is audited."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.test import Client

from oncoparcours.core.models import AuditEvent, Notification
from oncoparcours.portal import services
from oncoparcours.portal.models import Thread
from oncoparcours.portal.tests.test_messages import portal_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def relative(patient, nurse, account):
    return services.caregiver_invite(
        patient=patient,
        display_name="Paul Moreau",
        relationship="fils",
        email="paul.moreau@proches.example",
        phone="",
        channel="email",
        rights=["calendar", "messages"],
        consent_on=dt.date.today(),
        consent_note="Accord oral en consultation",
        user=nurse.user,
    )


def test_a_conversation_the_patient_keeps_private_is_hidden_from_the_relative(
    account, relative, nurse
):
    patient_side = portal_client(account)
    answer = patient_side.post(
        "/portail/messages/nouveau/",
        {"subject": "Question intime", "body": "Je voudrais en parler seule.", "private": "on"},
    )
    assert answer.status_code == 302
    private = Thread.objects.get(subject="Question intime")
    assert private.private
    services.thread_start(account=account, subject="Transport jeudi", body="Qui m'emmène ?")

    relative_side = portal_client(relative)
    listing = html.unescape(relative_side.get("/portail/messages/").content.decode())
    assert "Transport jeudi" in listing
    assert "Question intime" not in listing
    assert relative_side.get(f"/portail/messages/{private.pk}/").status_code == 404
    refused = AuditEvent.objects.get(action="denied", actor_label="Paul Moreau (fils)")
    assert refused.details["thread"] == str(private.pk)
    # Nor can the relative write into it.
    assert (
        relative_side.post(f"/portail/messages/{private.pk}/", {"body": "Moi aussi"}).status_code
        == 404
    )

    # The team's answer is announced to the patient only.
    before = set(Notification.objects.values_list("pk", flat=True))
    services.message_post(thread=private, body="Appelez-moi quand vous voulez.", user=nurse.user)
    replies = Notification.objects.filter(kind="portal_reply").exclude(pk__in=before)
    told = {n.recipient_label for n in replies}
    assert told == {"Jeanne Moreau"}


def test_the_patient_sees_the_relative_s_conversations_and_chooses_again(account, relative):
    started = services.thread_start(account=relative, subject="Fatigue de maman", body="Bonjour")
    patient_side = portal_client(account)
    assert "Fatigue de maman" in patient_side.get("/portail/messages/").content.decode()
    page = patient_side.get(f"/portail/messages/{started.thread.pk}/").content.decode()
    assert "Paul Moreau (fils)" in page
    assert "Vos proches ayant accès à vos messages peuvent lire cette conversation." in page

    # The patient keeps it private: the relative who started it still reads it.
    answer = patient_side.post(
        f"/portail/messages/{started.thread.pk}/confidentialite/", {"private": "on"}
    )
    assert answer.status_code == 302
    assert Thread.objects.get(pk=started.thread.pk).private
    changed = AuditEvent.objects.get(details__event="portal_thread_privacy")
    assert changed.actor_label == "Jeanne Moreau (patient)" and changed.details["private"] is True
    relative_side = portal_client(relative)
    assert relative_side.get(f"/portail/messages/{started.thread.pk}/").status_code == 200

    # A patient's own conversation shared again becomes visible to the relative.
    mine = services.thread_start(account=account, subject="Seule", body="Bonjour", private=True)
    assert relative_side.get(f"/portail/messages/{mine.thread.pk}/").status_code == 404
    patient_side.post(f"/portail/messages/{mine.thread.pk}/confidentialite/", {"private": ""})
    assert relative_side.get(f"/portail/messages/{mine.thread.pk}/").status_code == 200


def test_a_relative_can_neither_keep_a_conversation_private_nor_change_it(account, relative):
    mine = services.thread_start(
        account=relative, subject="Pour papa", body="Bonjour", private=True
    )
    assert not Thread.objects.get(pk=mine.thread.pk).private  # only the patient chooses
    relative_side = portal_client(relative)
    form = relative_side.get("/portail/messages/nouveau/").content.decode()
    assert "Ne pas montrer cette conversation à mes proches" not in form
    relative_side.post(f"/portail/messages/{mine.thread.pk}/confidentialite/", {"private": "on"})
    assert not Thread.objects.get(pk=mine.thread.pk).private


def test_words_of_distress_keep_the_conversation_from_the_relatives_until_the_patient_shares(
    account, relative, nurse
):
    """Safer reading (cold try-out 2026-12-04, clinician to confirm): a thread the relative
    started and can read; the patient then writes suicidal words in it: the relative no longer
    reads it, nor gets the answer notice, until the patient shares it."""
    started = services.thread_start(account=relative, subject="Moral de maman", body="Bonjour")
    thread = started.thread
    services.message_post(
        thread=thread, body="Je n'ai plus envie de rien", account=account, confirmed=True
    )
    thread.refresh_from_db()
    assert thread.kept_for_distress
    relative_side = portal_client(relative)
    assert relative_side.get(f"/portail/messages/{thread.pk}/").status_code == 404
    listing = html.unescape(relative_side.get("/portail/messages/").content.decode())
    assert "Moral de maman" not in listing
    # The relative who started it is told it continues between the patient and the team, not why.
    assert "se poursuit désormais entre le patient et l'équipe de soins" in listing
    assert "plus envie de rien" not in listing
    staff = Client()
    staff.force_login(nurse.user)
    page = html.unescape(
        staff.get(f"/patients/{thread.patient_id}/messages/{thread.pk}/").content.decode()
    )
    assert "Cachée aux proches (mots de détresse)" in page

    before = set(Notification.objects.values_list("pk", flat=True))
    services.message_post(thread=thread, body="Je vous appelle maintenant.", user=nurse.user)
    replies = Notification.objects.filter(kind="portal_reply").exclude(pk__in=before)
    assert {n.recipient_label for n in replies} == {"Jeanne Moreau"}

    patient_side = portal_client(account)
    page = patient_side.get(f"/portail/messages/{thread.pk}/").content.decode()
    assert "vos proches ne le lisent pas" in page
    patient_side.post(f"/portail/messages/{thread.pk}/confidentialite/", {"private": ""})
    assert relative_side.get(f"/portail/messages/{thread.pk}/").status_code == 200
    # The patient's choice is kept: new words of distress do not hide it again.
    services.message_post(thread=thread, body="envie de mourir", account=account, confirmed=True)
    assert relative_side.get(f"/portail/messages/{thread.pk}/").status_code == 200
