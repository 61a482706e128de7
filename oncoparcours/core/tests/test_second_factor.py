"""Second factor: enrolment (QR code + secret, first code confirms, recovery codes shown once),
verification after the password, recovery codes single-use, code attempts locked out,
administrator reset (audited)."""

import re
import time
from http.cookies import SimpleCookie

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from oncoparcours.core.models import AuditEvent

PASSWORD = "correct horse battery"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("second_factor_on")]


@pytest.fixture
def second_factor_on(settings):
    settings.SECOND_FACTOR_REQUIRED = True


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="hvasseur", password=PASSWORD)


def code_for(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, drift=offset):06d}"


def enrol(client):
    client.post("/connexion/", {"username": "hvasseur", "password": PASSWORD})
    page = client.get("/compte/double-facteur/")
    device = TOTPDevice.objects.get(confirmed=False)
    done = client.post("/compte/double-facteur/", {"code": code_for(device)})
    return page, done, device


def test_a_password_alone_opens_nothing_until_the_second_factor_is_set_up(client, user):
    response = client.post("/connexion/", {"username": "hvasseur", "password": PASSWORD})
    assert response["Location"].startswith("/compte/double-facteur/")
    patients = client.get("/patients/")
    assert patients.status_code == 302
    assert patients["Location"] == "/compte/double-facteur/?next=%2Fpatients%2F"
    assert client.get("/admin/").status_code == 302
    assert not AuditEvent.objects.filter(action="login").exists()


def test_enrolment_shows_a_local_qr_code_and_the_secret_then_recovery_codes_once(client, user):
    page, done, device = enrol(client)
    html = page.content.decode()
    assert "data:image/svg+xml" in html and "https://" not in html.split("<main")[-1]
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1)
    assert len(secret.replace(" ", "")) >= 32
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="second_factor", details__event="enrolled").exists()
    assert AuditEvent.objects.get(action="login").details["method"] == "password+totp_enrolment"
    assert "<code>" not in client.get("/compte/double-facteur/").content.decode()


def test_a_wrong_first_code_confirms_nothing(client, user):
    client.post("/connexion/", {"username": "hvasseur", "password": PASSWORD})
    client.get("/compte/double-facteur/")
    response = client.post("/compte/double-facteur/", {"code": "000000"})
    assert response.status_code == 400
    assert 'id="id_code_error"' in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get("/").status_code == 302


def test_next_login_asks_for_a_code_after_the_password(client, user):
    _, done, device = enrol(client)
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    client.post("/deconnexion/")
    response = client.post("/connexion/", {"username": "hvasseur", "password": PASSWORD})
    assert response["Location"].startswith("/connexion/verification/")
    assert client.get("/").status_code == 302
    wrong = client.post("/connexion/verification/", {"code": "123456"})
    assert wrong.status_code == 400
    failed = AuditEvent.objects.filter(action="login_failed").get()
    assert failed.details["reason"] == "bad_second_factor" and failed.actor == user
    time.sleep(1.1)  # django-otp also throttles a device for 2^(failures-1) s after a failure
    ok = client.post("/connexion/verification/", {"code": code_for(device, offset=1)})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200
    # A recovery code works once.
    client.post("/deconnexion/")
    client.post("/connexion/", {"username": "hvasseur", "password": PASSWORD})
    assert client.post("/connexion/verification/", {"code": codes[0]}).status_code == 302
    assert StaticToken.objects.count() == 9
    client.post("/deconnexion/")
    client.post("/connexion/", {"username": "hvasseur", "password": PASSWORD})
    assert client.post("/connexion/verification/", {"code": codes[0]}).status_code == 400


@override_settings(LOGIN_LOCKOUT_THRESHOLD=3)
def test_code_attempts_are_locked_out_like_passwords(client, user):
    _, _, device = enrol(client)
    client.post("/deconnexion/")
    client.post("/connexion/", {"username": "hvasseur", "password": PASSWORD})
    for _ in range(3):
        client.post("/connexion/verification/", {"code": "000000"})
    # The right code no longer helps: the account is locked, the session ends.
    response = client.post("/connexion/verification/", {"code": code_for(device, offset=2)})
    assert response.status_code in {302, 403}
    assert client.get("/").status_code == 302
    assert "_auth_user_id" not in client.session
    refused = client.post("/connexion/", {"username": "hvasseur", "password": PASSWORD})
    assert refused.status_code == 200 and "15 minutes" in refused.content.decode()


def test_an_administrator_resets_a_lost_second_factor_audited(client, user, django_user_model):
    enrol(client)
    thief = Client()  # the user's session left open on the lost phone
    thief.cookies = client.cookies
    assert thief.get("/").status_code == 200
    client.cookies = SimpleCookie()
    admin = django_user_model.objects.create_superuser(
        username="root", password=PASSWORD, email="root@example.org", role="administrator"
    )
    client.force_login(admin)
    session = client.session
    session["oncoparcours_second_factor"] = "totp"
    session.save()
    response = client.post(
        "/admin/core/user/",
        {"action": "reset_second_factor", "_selected_action": [str(user.pk)]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert thief.get("/").status_code == 302, "the lost phone's open session ends with the reset"
    assert thief.get("/patients/")["Location"].startswith("/connexion/")
    assert client.get("/admin/core/user/").status_code == 200  # not the administrator's
    reset = AuditEvent.objects.get(action="second_factor", details__event="reset")
    assert reset.actor == admin and reset.object_id == str(user.pk)
    client.post("/deconnexion/")
    again = client.post("/connexion/", {"username": "hvasseur", "password": PASSWORD})
    assert again["Location"].startswith("/compte/double-facteur/")


@override_settings(SECOND_FACTOR_REQUIRED=False)
def test_without_the_setting_the_password_is_enough(client, user):
    response = client.post("/connexion/", {"username": "hvasseur", "password": PASSWORD})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
