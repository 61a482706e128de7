"""Password change (logged in) and reset by e-mail through a real local SMTP server (aiosmtpd):
the mail arrives, its link sets a new password; the same answer whether the address exists."""

import email
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from oncoparcours.core.models import AuditEvent

OLD = "correct horse battery"
NEW = "a brand new staple 42"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd hook
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 OK"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_inbox():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=controller.port,
    ):
        yield inbox
    controller.stop()


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        username="hvasseur", password=OLD, email="helene.vasseur@example.org"
    )


def body_of(message):
    part = message.get_payload(decode=True) if not message.is_multipart() else None
    return part.decode(message.get_content_charset() or "utf-8")


@pytest.mark.django_db
def test_reset_by_email_through_a_real_smtp_server_then_login_with_the_new_password(
    client, user, smtp_inbox
):
    unknown = client.post("/mot-de-passe-oublie/", {"email": "nobody@example.org"})
    known = client.post("/mot-de-passe-oublie/", {"email": "helene.vasseur@example.org"})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"] == "/mot-de-passe-oublie/envoye/"
    assert len(smtp_inbox.messages) == 1
    recipients, message = smtp_inbox.messages[0]
    assert recipients == ["helene.vasseur@example.org"]
    assert "nouveau mot de passe" in message["Subject"]
    link = re.search(r"http://testserver(/mot-de-passe-oublie/[^/\s]+/[^/\s]+/)", body_of(message))
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == "/mot-de-passe-oublie/termine/"
    assert client.post("/connexion/", {"username": "hvasseur", "password": NEW}).status_code == 302
    events = AuditEvent.objects.filter(action="password_reset").order_by("id")
    assert [e.details["event"] for e in events] == ["requested", "requested", "completed"]
    assert [e.details.get("accounts") for e in events[:2]] == [0, 1]
    assert events[2].actor == user
    # The link works once.
    assert "plus valide" in client.get(link.group(1), follow=True).content.decode()


@pytest.mark.django_db
@override_settings(PASSWORD_RESET_MAX_PER_EMAIL=2, PASSWORD_RESET_MAX_PER_IP=5)
def test_reset_mails_are_limited_per_address_and_per_source_with_the_same_answer(
    client, user, smtp_inbox
):
    answers = [
        client.post("/mot-de-passe-oublie/", {"email": "Helene.Vasseur@example.org"})
        for _ in range(3)
    ]
    assert {a["Location"] for a in answers} == {"/mot-de-passe-oublie/envoye/"}
    assert len(smtp_inbox.messages) == 2  # the third request sent nothing
    events = AuditEvent.objects.filter(action="password_reset").order_by("id")
    assert [e.details["event"] for e in events] == ["requested", "requested", "rate_limited"]
    # Another address from the same source: allowed until the source's own limit.
    for index in range(5):
        client.post("/mot-de-passe-oublie/", {"email": f"other{index}@example.org"})
    assert AuditEvent.objects.filter(details__event="rate_limited").count() == 3
    other = client.post("/mot-de-passe-oublie/", {"email": "helene.vasseur@example.org"})
    assert other["Location"] == "/mot-de-passe-oublie/envoye/" and len(smtp_inbox.messages) == 2


@pytest.mark.django_db
def test_the_reset_pages_are_in_french_and_say_the_same_whatever_the_address(client, smtp_inbox):
    page = client.get("/mot-de-passe-oublie/envoye/").content.decode()
    assert "Si cette adresse correspond à un compte" in page


@pytest.mark.django_db
def test_a_logged_in_user_changes_the_password_audited(client, user):
    client.post("/connexion/", {"username": "hvasseur", "password": OLD})
    refused = client.post(
        "/compte/mot-de-passe/",
        {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
    )
    assert refused.status_code == 200 and 'id="id_old_password_error"' in refused.content.decode()
    response = client.post(
        "/compte/mot-de-passe/",
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response["Location"] == "/compte/mot-de-passe/modifie/"
    assert client.get("/").status_code == 200  # this session stays open
    assert AuditEvent.objects.filter(action="password_change", actor=user).count() == 1
    user.refresh_from_db()
    assert user.check_password(NEW)
