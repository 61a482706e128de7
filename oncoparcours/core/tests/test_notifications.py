"""The notification service through real servers: e-mail and secure mail to a local SMTP server
(aiosmtpd), SMS to a local HTTP gateway; retries, escalation to the next channel, quiet hours,
a killed worker's claim taken again, failures shown to the requester."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.utils import timezone

from oncoparcours.core.models import AuditEvent, DeliveryAttempt, Notification
from oncoparcours.core.notifications.services import (
    Recipient,
    notification_send,
    notifications_dispatch,
    preference_update,
)
from oncoparcours.testing.factories import UserFactory
from oncoparcours.testing.servers import SmsGateway, SmtpInbox, free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp():
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=controller.port,
        SECURE_MAIL_HOST="127.0.0.1",
        SECURE_MAIL_PORT=controller.port,
        SECURE_MAIL_USE_TLS=False,
        SECURE_MAIL_FROM="oncoparcours@rcp.mssante.example",
    ):
        yield inbox
    controller.stop()


@pytest.fixture
def gateway(settings):
    with SmsGateway() as server:
        settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN = server.url, server.token
        yield server


@pytest.fixture
def nurse(db):
    return UserFactory(username="idec-test", email="idec@example.org", role="coordination_nurse")


def patient_recipient(**addresses):
    return Recipient(label="Mme DUPONT Marie", person="patient:test", **addresses)


def message(text="Votre questionnaire est à remplir aujourd'hui."):
    return {"subject": "Questionnaire à remplir", "text": text}


def attempts(notification):
    return list(
        DeliveryAttempt.objects.filter(notification=notification).values_list("channel", "outcome")
    )


def test_an_email_reaches_the_smtp_server_with_french_text_unescaped(smtp, nurse):
    sent = notification_send(
        kind="message",
        recipient=patient_recipient(email="marie.dupont@example.org"),
        context=message(),
        actor=nurse,
        chain=("email",),
    )
    assert notifications_dispatch().sent == 1
    [(recipients, mail)] = smtp.messages
    assert recipients == ["marie.dupont@example.org"]
    assert mail["Subject"] == "Questionnaire à remplir"
    body = mail.get_payload(decode=True).decode()
    assert "Bonjour Mme DUPONT Marie," in body and "aujourd'hui" in body
    sent.refresh_from_db()
    assert sent.status == "sent" and attempts(sent) == [("email", "sent")]
    audit = AuditEvent.objects.get(action="notify")
    assert audit.actor == nurse and audit.details["channels"] == ["email"]


def test_an_sms_goes_through_the_gateway_with_its_token(gateway, nurse):
    sent = notification_send(
        kind="message",
        recipient=patient_recipient(phone="+33612345678"),
        context=message(),
        actor=nurse,
        chain=("sms",),
    )
    notifications_dispatch()
    [received] = gateway.received
    assert received["to"] == "+33612345678" and received["reference"] == str(sent.pk)
    assert received["text"].startswith("OncoParcours : Votre questionnaire")
    assert DeliveryAttempt.objects.get(notification=sent).provider_reference == "sms-1"


def test_a_failing_gateway_is_retried_with_back_off_then_the_next_channel_is_used(
    gateway, smtp, nurse
):
    gateway.failures = 99
    sent = notification_send(
        kind="message",
        recipient=patient_recipient(phone="+33612345678", email="marie.dupont@example.org"),
        context=message(),
        actor=nurse,
        chain=("sms", "email"),
    )
    now = timezone.now()
    assert notifications_dispatch(now=now).retried == 1
    sent.refresh_from_db()
    assert sent.status == "pending" and sent.next_attempt_at == now + dt.timedelta(seconds=60)
    assert notifications_dispatch(now=now + dt.timedelta(seconds=30)).sent == 0  # not yet due
    notifications_dispatch(now=now + dt.timedelta(seconds=61))
    notifications_dispatch(now=now + dt.timedelta(seconds=400))
    result = notifications_dispatch(now=now + dt.timedelta(seconds=2000))
    assert result.escalated == 1 and not smtp.messages
    notifications_dispatch(now=now + dt.timedelta(seconds=2000))
    assert len(smtp.messages) == 1
    sent.refresh_from_db()
    assert sent.status == "sent" and sent.channel == "email"
    assert attempts(sent) == [("sms", "failed")] * 4 + [("sms", "escalated"), ("email", "sent")]


def test_a_channel_without_address_passes_at_once_to_the_next(smtp, nurse):
    sent = notification_send(
        kind="message",
        recipient=patient_recipient(email="marie.dupont@example.org"),
        context=message(),
        actor=nurse,
        chain=("sms", "email"),
    )
    notifications_dispatch()
    notifications_dispatch()
    assert attempts(sent) == [("sms", "no_address"), ("sms", "escalated"), ("email", "sent")]


@override_settings(SMS_GATEWAY_URL="", NOTIFICATION_OUTBOX_DIR="")
def test_when_no_channel_delivers_the_requester_is_told_in_the_application(client, nurse):
    sent = notification_send(
        kind="message",
        recipient=patient_recipient(phone="+33612345678"),
        context=message(),
        actor=nurse,
        chain=("sms",),
    )
    now = timezone.now()
    for minutes in (0, 2, 10, 40):
        notifications_dispatch(now=now + dt.timedelta(minutes=minutes))
    sent.refresh_from_db()
    assert sent.status == "failed"
    told = Notification.objects.get(kind="delivery_failed")
    assert told.recipient_user == nurse and told.status == "sent"
    client.force_login(nurse)
    page = client.get("/notifications/").content.decode()
    assert "Un message à Mme DUPONT Marie n'a pas pu être remis" in page
    assert "Non remis" in page  # the status of the request in "Sent at my request"
    assert "no SMS gateway configured" in page


def test_secure_mail_carries_the_document_attached(smtp, nurse, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "rcp.pdf").write_bytes(b"%PDF-1.7 synthetic")
    notification_send(
        kind="message",
        recipient=Recipient(label="Dr Martin", secure_address="dr.martin@medecin.mssante.fr"),
        context={"subject": "Compte rendu de RCP", "text": "Ci-joint le compte rendu."},
        actor=nurse,
        chain=("secure_mail",),
        attachments=[{"path": "documents/rcp.pdf", "name": "rcp.pdf", "mime": "application/pdf"}],
    )
    notifications_dispatch()
    [(recipients, mail)] = smtp.messages
    assert recipients == ["dr.martin@medecin.mssante.fr"]
    assert mail["From"] == "oncoparcours@rcp.mssante.example"
    [pdf] = [part for part in mail.walk() if part.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == "rcp.pdf" and pdf.get_payload(decode=True).startswith(b"%PDF")


def test_an_attachment_outside_the_data_directory_is_refused(smtp, nurse, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "data")
    sent = notification_send(
        kind="message",
        recipient=Recipient(label="Dr Martin", secure_address="dr.martin@medecin.mssante.fr"),
        context=message(),
        actor=nurse,
        chain=("secure_mail",),
        attachments=[{"path": "../../etc/passwd", "name": "x"}],
    )
    notifications_dispatch()
    assert not smtp.messages and attempts(sent) == [("secure_mail", "failed")]


def test_quiet_hours_defer_all_but_urgent_messages(nurse):
    preference_update(
        person="patient:test",
        chain=["sms"],
        quiet_start=dt.time(21, 0),
        quiet_end=dt.time(8, 0),
        time_zone="America/Martinique",
        actor=nurse,
    )
    # 23:30 in Martinique (UTC-4) is 03:30 UTC the next day.
    late = dt.datetime(2026, 12, 4, 3, 30, tzinfo=dt.UTC)
    calm = notification_send(
        kind="message",
        recipient=patient_recipient(phone="+596696123456"),
        context=message(),
        actor=nurse,
        now=late,
    )
    urgent = notification_send(
        kind="message",
        recipient=patient_recipient(phone="+596696123456"),
        context=message(),
        actor=nurse,
        now=late,
        urgent=True,
    )
    assert calm.chain == ["sms"]  # the person's preference
    assert calm.next_attempt_at == dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)  # 08:00 local
    assert urgent.next_attempt_at == late


def test_a_claim_left_by_a_killed_worker_is_taken_again_and_sent_once(smtp, nurse):
    sent = notification_send(
        kind="message",
        recipient=patient_recipient(email="marie.dupont@example.org"),
        context=message(),
        actor=nurse,
        chain=("email",),
    )
    now = timezone.now()
    Notification.objects.filter(pk=sent.pk).update(
        status="sending", claimed_until=now + dt.timedelta(minutes=2)
    )  # a worker claimed it and died
    assert notifications_dispatch(now=now).sent == 0  # its lease still runs
    assert notifications_dispatch(now=now + dt.timedelta(minutes=3)).sent == 1
    assert notifications_dispatch(now=now + dt.timedelta(minutes=4)).sent == 0
    assert len(smtp.messages) == 1


def test_in_app_notifications_are_shown_at_once_and_only_to_their_recipient(client, nurse):
    other = UserFactory(username="other-user")
    shown = notification_send(
        kind="message",
        recipient=Recipient.for_user(nurse),
        context={"subject": "Nouvelle décision de RCP", "text": "…"},
        actor=other,
        chain=("in_app",),
    )
    assert shown.status == "sent"
    client.force_login(other)
    assert client.post(f"/notifications/{shown.pk}/lu/").status_code == 404
    client.force_login(nurse)
    assert "Nouvelle décision de RCP" in client.get("/notifications/").content.decode()
    assert client.post(f"/notifications/{shown.pk}/lu/").status_code == 302
    shown.refresh_from_db()
    assert shown.read_at is not None


def test_preferences_are_validated_with_named_fields_and_saved_audited(client, nurse):
    client.force_login(nurse)
    page = client.get("/compte/notifications/")
    assert page.status_code == 200 and "Heures calmes" in page.content.decode()
    wrong = client.post(
        "/compte/notifications/",
        {"first": "sms", "second": "sms", "quiet_start": "21:00", "time_zone": "Europe/Paris"},
    )
    body = wrong.content.decode()
    assert 'id="id_second_error"' in body and 'id="id_quiet_end_error"' in body
    assert not AuditEvent.objects.filter(details__event="notification_preference").exists()
    saved = client.post(
        "/compte/notifications/",
        {
            "first": "sms",
            "second": "email",
            "quiet_start": "21:00",
            "quiet_end": "08:00",
            "time_zone": "Indian/Reunion",
        },
    )
    assert saved.status_code == 302
    assert AuditEvent.objects.filter(details__event="notification_preference").count() == 1
    sent = notification_send(
        kind="message",
        recipient=Recipient.for_user(nurse),
        context=message(),
        actor=None,
        urgent=True,
    )
    assert sent.chain == ["sms", "email"]


def test_the_outbox_writes_sms_files_when_no_gateway_is_configured(nurse, settings, tmp_path):
    settings.SMS_GATEWAY_URL, settings.NOTIFICATION_OUTBOX_DIR = "", str(tmp_path)
    notification_send(
        kind="message",
        recipient=patient_recipient(phone="+33612345678"),
        context=message(),
        actor=nurse,
        chain=("sms",),
    )
    notifications_dispatch()
    [written] = (tmp_path / "sms").iterdir()
    assert json.loads(written.read_text())["to"] == "+33612345678"


@pytest.mark.parametrize(("login", "path_shown"), [("nurse", False), ("admin", True)])
def test_the_page_says_the_demo_writes_files_and_shows_the_folder_to_admins_only(
    login, path_shown, client, settings, tmp_path, django_user_model
):
    from oncoparcours.core.models import Role

    settings.NOTIFICATION_OUTBOX_DIR = str(tmp_path / "outbox-folder")
    role = Role.ADMINISTRATOR if login == "admin" else Role.COORDINATION_NURSE
    user = django_user_model.objects.create_user(username=f"u-{login}", password="x", role=role)
    client.force_login(user)
    body = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "aucun message n’est réellement envoyé" in body
    assert ("outbox-folder" in body) is path_shown
    assert "Aucune notification." in body and "Rien pour vous" not in body
