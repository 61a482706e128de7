import pytest
from django.test import override_settings

from oncoparcours.core.models import AuditEvent, LoginAttempt


def login(client, username, password):
    return client.post("/connexion/", {"username": username, "password": password})


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        username="hvasseur", password="correct horse battery"
    )


@pytest.mark.django_db
def test_successful_login_is_audited(client, user):
    response = login(client, "hvasseur", "correct horse battery")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(actor=user, action="login").count() == 1


@pytest.mark.django_db
@override_settings(LOGIN_LOCKOUT_THRESHOLD=3, LOGIN_LOCKOUT_MINUTES=15)
def test_account_is_locked_after_repeated_failures_even_with_the_right_password(client, user):
    for _ in range(3):
        response = login(client, "hvasseur", "wrong")
        assert response.status_code == 200
        assert "Incorrect" in response.content.decode() or "incorrect" in response.content.decode()
    response = login(client, "hvasseur", "correct horse battery")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "15" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed").count() == 4
    assert LoginAttempt.objects.filter(username="hvasseur", succeeded=False).count() == 4


@pytest.mark.django_db
@override_settings(LOGIN_LOCKOUT_THRESHOLD=3)
def test_a_success_resets_the_failure_count(client, user):
    login(client, "hvasseur", "wrong")
    login(client, "hvasseur", "wrong")
    assert login(client, "hvasseur", "correct horse battery").status_code == 302
    client.post("/deconnexion/")
    login(client, "hvasseur", "wrong")
    login(client, "hvasseur", "wrong")
    assert login(client, "hvasseur", "correct horse battery").status_code == 302


@pytest.mark.django_db
def test_pages_require_login(client):
    response = client.get("/patients/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


@pytest.mark.django_db
def test_logout_requires_post(client, user):
    client.force_login(user)
    assert client.get("/deconnexion/").status_code == 405
    assert client.post("/deconnexion/").status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=user).exists()


@pytest.mark.django_db
def test_audit_trail_by_user_is_own_or_administrator(client, django_user_model):
    alice = django_user_model.objects.create_user(username="alice", password="x")
    bob = django_user_model.objects.create_user(username="bob", password="x")
    admin = django_user_model.objects.create_user(
        username="root", password="x", role="administrator"
    )
    client.force_login(alice)
    assert client.get(f"/audit/utilisateurs/{alice.pk}/").status_code == 200
    assert client.get(f"/audit/utilisateurs/{bob.pk}/").status_code == 404
    client.force_login(admin)
    page = client.get(f"/audit/utilisateurs/{alice.pk}/")
    assert page.status_code == 200
    assert "Journal d’audit de alice" in page.content.decode()
