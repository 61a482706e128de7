"""No page carrying patient data stays in a browser or proxy cache; static files still cache."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_pages_of_a_logged_in_user_are_never_stored(clinician_client, patient):
    for url in ["/", "/patients/", reverse("patients:detail", args=[patient.pk])]:
        response = clinician_client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url
        assert response["Pragma"] == "no-cache", url


@pytest.mark.django_db
def test_anonymous_pages_and_redirects_are_not_stored_either(client):
    assert client.get("/connexion/")["Cache-Control"] == "no-store"
    assert client.get("/patients/")["Cache-Control"] == "no-store"


def test_static_files_keep_their_own_caching(client):
    response = client.get("/static/core/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
