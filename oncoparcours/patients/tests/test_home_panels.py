"""Home panels loaded on their own (issue 19): the home sends placeholders, each panel comes
from its own request (htmx) with the same rules, and the safety panels stay in the first paint."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oncoparcours.core.models import AuditEvent
from oncoparcours.patients.models import CareTeamMember
from oncoparcours.testing.factories import (
    CareTeamMemberFactory,
    PatientFactory,
    ProfessionalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def panel_url(key: str) -> str:
    return reverse("core:home_panel", args=[key])


def test_the_home_sends_a_placeholder_and_the_panel_comes_on_its_own(clinician_client, patient):
    CareTeamMember.objects.filter(patient=patient).update(start=timezone.localdate())  # "recent"
    home = clinician_client.get(reverse("core:home")).content.decode()
    placeholder = f'hx-get="{panel_url("patients.mine")}"'
    assert placeholder in home and "aria-busy" not in home  # busy only when scripted (app.js)
    assert "patients dans vos équipes de soins" not in home  # not in the first response
    fragment = clinician_client.get(panel_url("patients.mine"), **HTMX)
    html = fragment.content.decode()
    assert fragment.status_code == 200 and fragment["Vary"].count("HX-Request") == 1
    assert 'id="home-patientsmine"' in html and '<p class="stat">1</p>' in html
    assert "<html" not in html  # a fragment, swapped in place of the placeholder
    event = AuditEvent.objects.get(action="list", details__what="home patients.mine")
    assert event.details["patients"] == [str(patient.pk)]  # the patients the panel named


def test_without_javascript_the_panel_has_a_page_of_its_own(clinician_client, patient):
    page = clinician_client.get(panel_url("patients.mine")).content.decode()
    assert "<h1>Mes patients</h1>" in page and "Retour à l'accueil" in page


def test_a_panel_with_nothing_to_show_answers_empty_and_the_placeholder_goes(clinician_client):
    # No tumour-board case: htmx swaps the placeholder for nothing.
    response = clinician_client.get(panel_url("boards.my_cases"), **HTMX)
    assert response.status_code == 200 and response.content == b""
    assert not AuditEvent.objects.filter(details__what="home boards.my_cases").exists()


def test_a_panel_is_only_for_the_roles_it_was_registered_for(organisation):
    secretary = ProfessionalFactory(
        organisation=organisation, user=UserFactory(role="board_secretary")
    )
    client = Client()
    client.force_login(secretary.user)
    assert client.get(panel_url("boards.my_cases"), **HTMX).status_code == 404
    assert f'hx-get="{panel_url("boards.my_cases")}"' not in client.get("/").content.decode()
    assert client.get(panel_url("no.such.panel"), **HTMX).status_code == 404


def test_the_alerts_panel_stays_in_the_first_paint(clinician_client):
    # Safety information is never deferred: the alerts panel has no URL of its own.
    assert clinician_client.get(panel_url("monitoring.alerts"), **HTMX).status_code == 404


def test_a_panel_counts_only_the_user_s_own_patients(clinician_client, organisation):
    other = ProfessionalFactory(organisation=organisation)
    stranger = PatientFactory(birth_last_name="Inconnue")
    CareTeamMemberFactory(patient=stranger, professional=other, is_lead=True)
    html = clinician_client.get(panel_url("patients.mine"), **HTMX).content.decode()
    assert '<p class="stat">0</p>' in html  # the other team's patient is not counted


def test_login_is_required():
    response = Client().get(panel_url("patients.mine"), **HTMX)
    assert response.status_code == 302 and "/connexion/" in response["Location"]
