"""Secure messages: the patient writes, alarming words show the questionnaire and 15 before
sending (and never raise an alert), the care team's inbox shows waiting and overdue threads,
the answer reaches the patient (in the portal, and a notice without medical content by e-mail);
append-only, audited, scoped to the care team."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from oncoparcours.core.models import AuditEvent, Notification
from oncoparcours.core.notifications.services import notifications_dispatch
from oncoparcours.monitoring.models import Alert
from oncoparcours.portal import services
from oncoparcours.portal.models import Message, Thread
from oncoparcours.portal.session import portal_login
from oncoparcours.testing.factories import CareTeamMemberFactory, PatientFactory

pytestmark = pytest.mark.django_db

JEANNE = "jeanne.moreau@patients.example"


def portal_client(account) -> Client:
    client = Client()
    request = type("R", (), {})()
    session = client.session
    request.session = session
    portal_login(request, account)  # type: ignore[arg-type]
    session.save()
    client.cookies["sessionid"] = session.session_key
    return client


def test_patient_writes_team_answers_patient_reads(smtp, account, nurse):
    patient_side = portal_client(account)
    answer = patient_side.post(
        "/portail/messages/nouveau/",
        {"subject": "Rendez-vous de jeudi", "body": "Puis-je venir à 10 h au lieu de 9 h ?"},
    )
    assert answer.status_code == 302
    thread = Thread.objects.get()
    assert thread.waiting_since is not None and thread.answer_due > thread.waiting_since
    written = AuditEvent.objects.get(action="create", object_type="portal.Message")
    assert written.actor_label == "Jeanne Moreau (patient)"
    # The care team is told in the application (no medical content leaves the building).
    told = Notification.objects.filter(kind="portal_message")
    assert {n.recipient_user for n in told} >= {nurse.user}  # the nurse and the lead
    assert all(n.chain == ["in_app"] for n in told)

    staff = Client()
    staff.force_login(nurse.user)
    inbox = staff.get("/messagerie-patients/")
    assert "Rendez-vous de jeudi" in inbox.content.decode()
    page = staff.get(f"/patients/{account.patient_id}/messages/{thread.pk}/")
    assert "Puis-je venir" in page.content.decode()
    staff.post(
        f"/patients/{account.patient_id}/messages/{thread.pk}/",
        {"body": "Oui, 10 h convient. Pensez à la prise de sang la veille."},
    )
    thread.refresh_from_db()
    assert thread.waiting_since is None and thread.answer_due is None
    assert "Rendez-vous de jeudi" not in staff.get("/messagerie-patients/").content.decode()

    notifications_dispatch(now=timezone.now() + dt.timedelta(seconds=1))
    # The portal invitation goes out in the same dispatch; send threads deliver in any order.
    to_jeanne = [m.get_content() for rcpt, m in smtp.messages if rcpt == [JEANNE]]
    answered = [text for text in to_jeanne if "vous a répondu" in text]
    assert len(answered) == 1, to_jeanne
    text = answered[0]
    assert "prise de sang" not in text and "10 h" not in text  # no medical content

    home = patient_side.get("/portail/").content.decode()
    assert "Votre équipe de soins vous a répondu" in home
    reply = patient_side.get(f"/portail/messages/{thread.pk}/").content.decode()
    assert "Oui, 10 h convient" in reply
    assert (
        "Votre équipe de soins vous a répondu" not in patient_side.get("/portail/").content.decode()
    )


def test_alarming_words_prompt_the_questionnaire_and_15_first(account):
    client = portal_client(account)
    data = {"subject": "Depuis hier", "body": "J'ai de la fièvre et des frissons."}
    answer = client.post("/portail/messages/nouveau/", data)
    page = answer.content.decode()
    assert answer.status_code == 200
    assert Message.objects.count() == 0  # not sent yet
    assert "/portail/questionnaire/" in page and 'href="tel:15"' in page
    assert "fièvre ou frissons" in page and "« fièvre »" in page and "« frissons »" in page
    assert "Ce n'est toujours pas un moyen d'urgence" in page and "médecin d'astreinte" in page
    answer = client.post("/portail/messages/nouveau/", {**data, "confirmed": "True"})
    assert answer.status_code == 302
    message = Message.objects.get()
    assert message.alarming_words == ["fièvre ou frissons (fièvre, frissons)"]
    assert Thread.objects.get().has_alarming_words
    assert Alert.objects.count() == 0  # a message is never an alert


def test_suicidal_thoughts_show_3114(account):
    client = portal_client(account)
    answer = client.post(
        "/portail/messages/nouveau/",
        {"subject": "Ça ne va pas", "body": "Je n'ai plus envie de vivre, je veux en finir."},
    )
    page = answer.content.decode()
    assert Message.objects.count() == 0
    assert 'href="tel:3114"' in page and "Appeler le 3114" in page and 'href="tel:15"' in page
    assert "idées de suicide" in page
    contacts = client.get("/portail/contacts/").content.decode()
    assert 'href="tel:3114"' in contacts and "Prévention du suicide" in contacts


def test_a_reply_with_warning_signs_is_held_too(account, nurse):
    posted = services.thread_start(account=account, subject="Question", body="Bonjour")
    client = portal_client(account)
    url = f"/portail/messages/{posted.thread.pk}/"
    page = client.post(url, {"body": "Il cherche ses mots depuis ce matin"}).content.decode()
    assert "« cherche ses mots »" in page and Message.objects.count() == 1
    client.post(url, {"body": "Il cherche ses mots depuis ce matin", "confirmed": "True"})
    assert Message.objects.count() == 2
    assert Thread.objects.get().urgent_since is not None


def test_a_message_sent_anyway_is_urgent_for_the_team(smtp, account, nurse):
    services.thread_start(account=account, subject="Routine", body="Bonjour, une question.")
    routine_notices = Notification.objects.filter(kind="portal_message").count()
    client = portal_client(account)
    data = {"subject": "Ce soir", "body": "Mon mari est somnolent et difficile à réveiller."}
    answer = client.post("/portail/messages/nouveau/", {**data, "confirmed": "True"}, follow=True)
    patient_page = answer.content.decode()
    # The patient is told it is marked urgent but is not an emergency channel.
    assert "marqué urgent" in patient_page and "appelez le 15" in patient_page
    assert "Votre message est marqué urgent" in patient_page
    urgent = Thread.objects.get(subject="Ce soir")
    assert urgent.urgent_since is not None

    # The team is told at once, quiet hours ignored: in the application and by e-mail.
    told = Notification.objects.filter(kind="portal_message_urgent")
    assert {n.recipient_user for n in told} >= {nurse.user}
    assert all(n.urgent for n in told)
    assert {tuple(n.chain) for n in told if n.recipient_user == nurse.user} == {
        ("in_app",),
        ("email",),
    }
    assert Notification.objects.filter(kind="portal_message").count() == routine_notices
    notifications_dispatch(now=timezone.now() + dt.timedelta(seconds=1))
    mails = [mail for rcpt, mail in smtp.messages if rcpt == ["idec@clb.example"]]
    assert mails and "Urgent" in mails[-1]["Subject"]
    text = mails[-1].get_content()
    assert "somnolent" not in text and "Moreau" not in text  # no medical content, no name

    # Top of the inbox, marked, though the routine thread waits longer.
    staff = Client()
    staff.force_login(nurse.user)
    inbox = staff.get("/messagerie-patients/").content.decode()
    assert inbox.index("Ce soir") < inbox.index("Routine")
    assert "urgent : envoyé malgré l'avertissement" in inbox
    assert "1 urgent" in staff.get("/").content.decode()
    thread_url = f"/patients/{account.patient_id}/messages/{urgent.pk}/"
    assert "Lisez-le aujourd'hui" in staff.get(thread_url).content.decode()

    # The team's answer removes the urgent mark.
    staff.post(thread_url, {"body": "Nous vous appelons tout de suite."})
    urgent.refresh_from_db()
    assert urgent.urgent_since is None and urgent.has_alarming_words
    inbox = staff.get("/messagerie-patients/?voir=all").content.decode()
    assert "urgent : envoyé malgré" not in inbox


def test_messages_are_append_only(account):
    posted = services.thread_start(account=account, subject="Question", body="Bonjour")
    with pytest.raises(PermissionError):
        posted.message.save()
    with pytest.raises(PermissionError):
        Message.objects.filter(pk=posted.message.pk).update(body="changé")


def test_empty_or_too_long_messages_are_refused_naming_the_field(account):
    client = portal_client(account)
    answer = client.post("/portail/messages/nouveau/", {"subject": "Objet", "body": "   "})
    assert answer.status_code == 400
    assert Thread.objects.count() == 0
    with pytest.raises(services.ApplicationError) as refused:
        services.thread_start(account=account, subject="Objet", body="x" * 4001)
    assert refused.value.field == "body"


def test_overdue_threads_are_listed_for_the_team(account, nurse):
    posted = services.thread_start(account=account, subject="Ancien", body="Bonjour")
    Thread.objects.filter(pk=posted.thread.pk).update(
        answer_due=timezone.now() - dt.timedelta(hours=1)
    )
    staff = Client()
    staff.force_login(nurse.user)
    page = staff.get("/messagerie-patients/?voir=overdue").content.decode()
    assert "Ancien" in page and "en retard" in page


def test_outside_the_care_team_a_thread_is_404(account, outsider):
    posted = services.thread_start(account=account, subject="Privé", body="Bonjour")
    staff = Client()
    staff.force_login(outsider.user)
    assert "Privé" not in staff.get("/messagerie-patients/?voir=all").content.decode()
    url = f"/patients/{account.patient_id}/messages/{posted.thread.pk}/"
    assert staff.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="denied", actor=outsider.user).exists()


def test_a_patient_sees_only_their_own_threads(account, nurse):
    other = PatientFactory(birth_last_name="Autre")
    CareTeamMemberFactory(patient=other, professional=nurse, role="coordination_nurse")
    other_account = services.patient_account_open(
        patient=other, email="autre@patients.example", phone="", channel="email", user=nurse.user
    )
    theirs = services.thread_start(account=other_account, subject="Le leur", body="Bonjour")
    client = portal_client(account)
    assert client.get(f"/portail/messages/{theirs.thread.pk}/").status_code == 404
    assert "Le leur" not in client.get("/portail/messages/").content.decode()


def test_staff_inbox_queries_do_not_grow_with_threads(
    account, nurse, django_assert_max_num_queries
):
    staff = Client()
    staff.force_login(nurse.user)
    services.thread_start(account=account, subject="Un", body="Bonjour")
    with django_assert_max_num_queries(14) as few:
        staff.get("/messagerie-patients/")
    for index in range(15):
        services.thread_start(account=account, subject=f"Sujet {index}", body="Bonjour")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = staff.get("/messagerie-patients/")
    assert "Sujet 14" in page.content.decode()


def test_portal_message_list_queries_do_not_grow(account, django_assert_max_num_queries):
    client = portal_client(account)
    services.thread_start(account=account, subject="Un", body="Bonjour")
    with django_assert_max_num_queries(20) as few:
        client.get("/portail/messages/")
    for index in range(10):
        services.thread_start(account=account, subject=f"Sujet {index}", body="Bonjour")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/portail/messages/")


def test_the_nurse_s_home_shows_the_messages_waiting(account, nurse):
    staff = Client()
    staff.force_login(nurse.user)
    assert "Messages de patients en attente" not in staff.get("/").content.decode()
    services.thread_start(account=account, subject="Question du matin", body="Bonjour")
    home = staff.get("/").content.decode()
    assert "Messages de patients en attente" in home and "Question du matin" in home
