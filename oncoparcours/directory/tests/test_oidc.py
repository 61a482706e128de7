"""OpenID Connect login (Pro Santé Connect) end to end against a real local OIDC provider
(oidc-provider-mock on a local port): discovery, authorize, code, token, JWKS, userinfo."""

from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from oidc_provider_mock import User as ProviderUser
from oidc_provider_mock import run_server_in_thread

from oncoparcours.core.models import AuditEvent
from oncoparcours.directory import oidc

UNKNOWN_RPPS = "10000000008"


@pytest.fixture
def provider(settings, clinician):
    users = [
        ProviderUser(sub="psc-known", claims={"SubjectNameID": "8" + clinician.rpps}),
        ProviderUser(sub="psc-strong", claims={"SubjectNameID": clinician.rpps, "acr": "eidas2"}),
        ProviderUser(sub="psc-unknown", claims={"SubjectNameID": "8" + UNKNOWN_RPPS}),
    ]
    with run_server_in_thread(user_claims=users) as server:
        base = f"http://localhost:{server.server_port}"
        settings.OIDC_DISCOVERY_URL = f"{base}/.well-known/openid-configuration"
        settings.OIDC_RP_CLIENT_ID = "oncoparcours"
        settings.OIDC_RP_CLIENT_SECRET = "test-secret"
        settings.OIDC_RP_SCOPES = "openid"
        settings.OIDC_RPPS_CLAIM = "SubjectNameID"
        settings.OIDC_ENABLED = True
        settings.OIDC_VERIFY_KID = False  # this provider publishes one key without a "kid"
        settings.AUTHENTICATION_BACKENDS = [
            "django.contrib.auth.backends.ModelBackend",
            "oncoparcours.directory.oidc.ProSanteConnectBackend",
        ]
        oidc.discovery.cache_clear()
        yield base
    oidc.discovery.cache_clear()


def login_through_provider(client, sub, next_url="/patients/"):
    """Browser-like: our redirect to the provider, the provider's form, back with a code."""
    start = client.get(f"/oidc/authenticate/?next={next_url}")
    assert start.status_code == 302
    authorize_url = start["Location"]
    assert requests.get(authorize_url, timeout=5).status_code == 200
    consent = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert consent.status_code == 302
    back = urlsplit(consent.headers["Location"])
    assert back.netloc == "testserver" and back.path == "/oidc/callback/"
    return client.get(f"{back.path}?{back.query}")


@pytest.mark.django_db
def test_the_login_page_offers_pro_sante_connect_when_configured(client, provider):
    page = client.get("/connexion/").content.decode()
    assert "Pro Santé Connect" in page and 'action="/oidc/authenticate/"' in page


@pytest.mark.django_db
def test_a_known_rpps_logs_in_the_professional_end_to_end(client, provider, clinician):
    response = login_through_provider(client, "psc-known")
    assert response.status_code == 302 and response["Location"] == "/patients/"
    assert int(client.session["_auth_user_id"]) == clinician.user.pk
    assert client.get("/patients/").status_code == 200
    login = AuditEvent.objects.get(action="login")
    assert login.actor == clinician.user and login.details["method"].startswith("oidc")


@pytest.mark.django_db
def test_an_unknown_identity_is_refused_clearly_and_audited_no_account_created(client, provider):
    users_before = get_user_model().objects.count()
    response = login_through_provider(client, "psc-unknown")
    assert response.status_code == 302 and response["Location"] == "/connexion/"
    assert "_auth_user_id" not in client.session
    page = client.get("/connexion/").content.decode()
    assert "ne correspond à aucun compte" in page
    failed = AuditEvent.objects.get(action="login_failed")
    assert failed.details == {
        "username": f"oidc:{UNKNOWN_RPPS}",
        "reason": "unknown_oidc_identity",
    }
    assert get_user_model().objects.count() == users_before


@pytest.mark.django_db
def test_with_the_second_factor_required_an_oidc_login_still_asks_for_it(
    client, provider, settings
):
    settings.SECOND_FACTOR_REQUIRED = True
    login_through_provider(client, "psc-known")
    assert client.get("/patients/")["Location"].startswith("/compte/double-facteur/")


@pytest.mark.django_db
def test_a_strong_acr_listed_in_the_settings_counts_as_the_second_factor(
    client, provider, settings
):
    settings.SECOND_FACTOR_REQUIRED = True
    settings.OIDC_SECOND_FACTOR_ACR_VALUES = ["eidas2"]
    login_through_provider(client, "psc-strong")
    assert client.get("/patients/").status_code == 200
