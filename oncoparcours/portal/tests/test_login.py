"""Login by one-time code through the real notification channels (local SMTP server, local SMS
gateway): hashed at rest, 10 minutes, 5 tries then locked, rate-limited sends, the same answer
whether or not the address exists, audited; portal sessions stay out of the staff pages."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.utils import timezone

from oncoparcours.core.models import AuditEvent, Notification
from oncoparcours.monitoring.services import access_link_create
from oncoparcours.portal import services
from oncoparcours.portal.models import CodeRequest, LoginCode

pytestmark = pytest.mark.django_db

ADDRESS = "jeanne.moreau@patients.example"


def code_in(inbox) -> str:
    _rcpt, message = inbox.messages[-1]
    found = re.search(r"\b(\d{6})\b", message.get_content())
    assert found, message.get_content()
    return found.group(1)


def ask(client, address=ADDRESS):
    return client.post("/portail/connexion/", {"address": address})


def enter(client, code):
    return client.post("/portail/connexion/code/", {"code": code})


def test_code_by_email_logs_the_patient_in(client, smtp, account):
    answer = ask(client, "  Jeanne.Moreau@Patients.Example ")
    assert answer.status_code == 302 and answer.url == "/portail/connexion/code/"
    assert len(smtp.messages) == 1
    rcpt, _message = smtp.messages[0]
    assert rcpt == [ADDRESS]
    code = code_in(smtp)
    stored = LoginCode.objects.get()
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    # The clear code lived only in the outgoing message: blanked once sent.
    notification = Notification.objects.get(kind="portal_code")
    assert code not in str(notification.context)
    answer = enter(client, code)
    assert answer.status_code == 302 and answer.url == "/portail/"
    home = client.get("/portail/")
    assert home.status_code == 200
    assert "Bonjour Jeanne Moreau" in home.content.decode()
    login = AuditEvent.objects.get(action="login")
    assert login.actor is None and login.actor_label == "Jeanne Moreau (patient)"
    assert login.patient_id == account.patient_id
    assert enter(client, code).status_code in (302, 400)  # used: never twice
    client.post("/portail/deconnexion/")
    client.session["_portal_address"] = ADDRESS
    assert services.code_verify(address=ADDRESS, code=code) is None


def test_code_by_sms_through_the_gateway(client, gateway, account):
    ask(client, "06 12 34 56 78")
    assert len(gateway.received) == 1
    sms = gateway.received[0]
    assert sms["to"] == "0612345678"
    code = re.search(r"\b(\d{6})\b", sms["text"]).group(1)
    assert enter(client, code).url == "/portail/"


def test_unknown_address_gets_the_same_answer_and_nothing_is_sent(client, smtp, account):
    known = ask(client)
    unknown = ask(client, "personne@nulle-part.example")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    page_known = client.get("/portail/connexion/code/").content.decode()
    assert "personne@nulle-part.example" in page_known
    assert len(smtp.messages) == 1
    assert CodeRequest.objects.count() == 2
    refused = AuditEvent.objects.filter(action="login_failed").get()
    assert refused.details["reason"] == "unknown_address"
    assert enter(client, "123456").status_code == 400


def test_the_answer_takes_the_same_time_known_or_not(client, smtp, account, settings):
    settings.PORTAL_LOGIN_ANSWER_SECONDS = 0.8
    timings = {}
    for address in (ADDRESS, "personne@nulle-part.example"):
        started = time.monotonic()
        ask(client, address)
        timings[address] = time.monotonic() - started
    assert all(0.8 <= t < 2.0 for t in timings.values()), timings
    assert len(smtp.messages) == 1


def test_five_wrong_tries_lock_the_code(client, smtp, account):
    ask(client)
    code = code_in(smtp)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert enter(client, wrong).status_code == 400
    assert LoginCode.objects.get().locked_at is not None
    answer = enter(client, code)  # the right code, too late
    assert answer.status_code == 400
    page = answer.content.decode()
    # Cold try-out (2026-12-04): the page says the tries are used up and offers a new code.
    assert "pas valable" not in page
    assert "Vous avez utilisé les 5 essais de ce code" in page
    assert 'id="new-code"' in page and "Recevoir un nouveau code" in page
    assert AuditEvent.objects.filter(action="login_failed").count() == 6
    # The button asks for a new code for the same address; the new code logs in.
    assert client.post("/portail/connexion/", {"address": ADDRESS}).status_code == 302
    fresh = code_in(smtp)
    assert enter(client, fresh).status_code == 302


def test_a_code_lasts_ten_minutes(smtp, account):
    now = timezone.now()
    services.code_request(address=ADDRESS, ip="127.0.0.1", now=now)
    code = code_in(smtp)
    later = now + dt.timedelta(minutes=10, seconds=1)
    assert services.code_verify(address=ADDRESS, code=code, now=later) is None
    assert services.code_verify(address=ADDRESS, code=code, now=now + dt.timedelta(minutes=9))


def test_a_new_code_replaces_the_previous_one(smtp, account):
    services.code_request(address=ADDRESS, ip=None)
    first = code_in(smtp)
    services.code_request(address=ADDRESS, ip=None)
    second = code_in(smtp)
    if first != second:
        assert services.code_verify(address=ADDRESS, code=first) is None
    assert services.code_verify(address=ADDRESS, code=second) is not None


def test_sends_are_rate_limited(smtp, account):
    for _ in range(5):
        services.code_request(address=ADDRESS, ip="10.0.0.1")
    assert len(smtp.messages) == 3  # 3 per 15 minutes
    assert CodeRequest.objects.filter(sent=False).count() == 2
    assert (
        AuditEvent.objects.filter(action="login_failed", details__reason="rate_limited").count()
        == 2
    )


def test_sends_per_source_address_are_limited(smtp, account):
    for index in range(30):
        services.code_request(address=f"x{index}@nulle-part.example", ip="10.0.0.9")
    services.code_request(address=ADDRESS, ip="10.0.0.9")
    assert smtp.messages == []


def test_portal_session_does_not_open_staff_pages(client, smtp, account, nurse):
    ask(client)
    enter(client, code_in(smtp))
    for path in (
        "/",
        "/patients/",
        f"/patients/{account.patient_id}/",
        "/alertes/",
        "/messagerie-patients/",
        f"/patients/{account.patient_id}/portail/",
    ):
        answer = client.get(path)
        assert answer.status_code == 302, path
        assert answer.url.startswith("/connexion/"), path


def test_staff_session_does_not_open_the_portal(client, nurse):
    client.force_login(nurse.user)
    answer = client.get("/portail/")
    assert answer.status_code == 302 and answer.url == "/portail/connexion/"


def test_withdrawn_access_ends_the_session(client, smtp, account, nurse):
    ask(client)
    enter(client, code_in(smtp))
    assert client.get("/portail/").status_code == 200
    services.account_revoke(target=account, user=nurse.user)
    assert client.get("/portail/").url == "/portail/connexion/"


def test_self_report_links_keep_working(client, account, nurse):
    _link, token = access_link_create(patient=account.patient, actor=nurse.user, days=30)
    assert client.get(f"/suivi/{token}/").status_code == 200


def test_a_code_not_sent_in_time_is_cancelled_and_blanked(account, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens: the try fails
    now = timezone.now()
    services.code_request(address=ADDRESS, ip=None, now=now)
    waiting = Notification.objects.get(kind="portal_code")
    assert waiting.status == "pending" and re.fullmatch(r"\d{6}", waiting.context["code"])
    assert services.codes_scrub(now=now + dt.timedelta(minutes=5)) == 0
    assert services.codes_scrub(now=now + dt.timedelta(minutes=11)) == 1
    waiting.refresh_from_db()
    assert waiting.status == "cancelled" and waiting.context == services.SCRUBBED
