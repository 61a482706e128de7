"""One login path: the admin sends to the app's login; lockout per account and per address ends
sessions; every failure audited with its reason; messages never tell whether an account exists."""

import re

import pytest
from django.test import override_settings

from oncoparcours.core.models import AuditEvent, LoginAttempt

PASSWORD = "correct horse battery"


def login(client, username, password, ip="10.0.0.1"):
    return client.post("/connexion/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        username="hvasseur", password=PASSWORD, is_staff=True, is_superuser=True
    )


@pytest.mark.django_db
def test_the_admin_login_page_sends_to_the_app_login_keeping_next(client):
    response = client.get("/admin/login/?next=/admin/core/user/")
    assert response.status_code == 302
    assert response["Location"] == "/connexion/?next=%2Fadmin%2Fcore%2Fuser%2F"
    response = client.get("/admin/")
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"].startswith("/connexion/?next=")


@pytest.mark.django_db
def test_a_signed_in_user_without_admin_access_is_refused_not_sent_back_to_login(
    client, django_user_model
):
    clinician = django_user_model.objects.create_user(username="clin", password=PASSWORD)
    client.force_login(clinician)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert response.redirect_chain[-1][0].startswith("/admin/login/")


@pytest.mark.django_db
@override_settings(LOGIN_LOCKOUT_THRESHOLD=3)
def test_a_locked_account_loses_its_open_admin_session(client, user):
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    for _ in range(3):
        login(client.__class__(), "hvasseur", "wrong")  # someone else, elsewhere
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    assert "_auth_user_id" not in client.session
    ended = AuditEvent.objects.get(action="session_ended")
    assert ended.actor == user and ended.details["reason"] == "account_locked"
    assert client.get("/patients/").status_code == 302


@pytest.mark.django_db
def test_a_deactivated_account_loses_its_open_session(client, user):
    client.force_login(user)
    assert client.get("/").status_code == 200
    user.is_active = False
    user.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    assert "_auth_user_id" not in client.session
    ended = AuditEvent.objects.get(action="session_ended")
    assert ended.actor == user and ended.details["reason"] == "account_inactive"


@pytest.mark.django_db
@override_settings(LOGIN_LOCKOUT_IP_THRESHOLD=4, LOGIN_LOCKOUT_THRESHOLD=10)
def test_failures_from_one_address_across_accounts_block_that_address(client, user):
    for name in ["alice", "bob", "carol", "dave"]:
        login(client, name, "guess", ip="10.9.9.9")
    refused = login(client, "hvasseur", PASSWORD, ip="10.9.9.9")
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert "15 minutes" in refused.content.decode()
    last = AuditEvent.objects.filter(action="login_failed").order_by("-id").first()
    assert last.details == {"username": "hvasseur", "reason": "address_locked"}
    assert last.ip == "10.9.9.9"
    assert login(client, "hvasseur", PASSWORD, ip="10.1.1.1").status_code == 302


@pytest.mark.django_db
def test_every_failure_is_audited_with_who_where_and_why(client, user):
    login(client, "hvasseur", "wrong", ip="192.0.2.7")
    login(client, "nobody", "wrong", ip="192.0.2.8")
    events = AuditEvent.objects.filter(action="login_failed").order_by("id")
    assert [(e.details["username"], e.details["reason"], e.ip) for e in events] == [
        ("hvasseur", "bad_credentials", "192.0.2.7"),
        ("nobody", "bad_credentials", "192.0.2.8"),
    ]
    assert LoginAttempt.objects.filter(ip="192.0.2.8", succeeded=False).count() == 1


def _page(response, username):
    """The page without CSRF tokens (random) and the username typed back in the field."""
    return re.sub(r'"[A-Za-z0-9]{64}"', "", response.content.decode()).replace(username, "")


@pytest.mark.django_db
@override_settings(LOGIN_LOCKOUT_THRESHOLD=2)
def test_messages_never_tell_whether_an_account_exists(client, django_user_model, user):
    django_user_model.objects.create_user(username="gone", password=PASSWORD, is_active=False)
    wrong_password = _page(login(client, "hvasseur", "wrong"), "hvasseur")
    assert "Identifiant ou mot de passe incorrect" in wrong_password
    assert wrong_password == _page(login(client, "nobody", "wrong"), "nobody")
    assert wrong_password == _page(login(client, "gone", PASSWORD), "gone")
    login(client, "hvasseur", "wrong")
    login(client, "nobody", "wrong")
    locked_real = _page(login(client, "hvasseur", PASSWORD), "hvasseur")
    assert "15 minutes" in locked_real
    assert locked_real == _page(login(client, "nobody", PASSWORD), "nobody")
