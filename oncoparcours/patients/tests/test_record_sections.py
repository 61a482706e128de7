"""The record's lazy sections (issue 19): each loaded from its own URL, with the record's access
rule (404 outside the care team) and audit (one event per read)."""

import pytest
from django.urls import reverse
from django.utils import translation

from oncoparcours.core.models import AuditEvent
from oncoparcours.patients.record import lazy_section_keys

pytestmark = pytest.mark.django_db

LAZY = ["boards", "trials", "portal"]
TITLES = {
    "boards": "Tumour boards (RCP)",
    "trials": "Clinical trials",
    "portal": "Patient portal and messages",
}
HTMX = {"HTTP_HX_REQUEST": "true"}


def fr(msgid, **values):
    """The page's words (French, whatever the compiled catalogue holds)."""
    with translation.override("fr"):
        return translation.gettext(msgid) % values if values else translation.gettext(msgid)


def title(key):
    return fr(TITLES[key])


def section_url(patient, key):
    return reverse("patients:record_section", args=[patient.pk, key])


def test_the_lazy_sections_are_the_chosen_ones():
    assert lazy_section_keys() == LAZY  # in the record's order


def test_the_record_shows_each_lazy_section_as_a_placeholder(clinician_client, patient):
    """Not busy in the server's HTML: without JavaScript it stays a plain link (app.js marks it
    busy when htmx will load it)."""
    body = clinician_client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert "aria-busy" not in body
    for key in LAZY:
        url = section_url(patient, key)
        anchor = f"record-{key}"
        assert (
            f'id="{anchor}" aria-labelledby="h-{anchor}" hx-get="{url}" '
            'hx-trigger="intersect once" hx-swap="outerHTML"'
        ) in body
        assert f'<h2 id="h-{anchor}" tabindex="-1">{title(key)}</h2>' in body
        link = fr("Open the section “%(title)s” on its own page", title=title(key))
        assert f'<a href="{url}">{link}</a>' in body
    assert body.count('id="record-status"') == 1
    assert '<p id="record-status" class="visually-hidden" role="status"></p>' in body
    assert f"<title>{patient.display_name} · OncoParcours</title>" in body
    # Not computed with the page: the portal section's own words are absent.
    assert fr("Manage the portal accesses") not in body


@pytest.mark.parametrize("key", LAZY)
def test_a_member_gets_the_fragment_and_the_read_is_audited(
    clinician_client, clinician, patient, key
):
    before = AuditEvent.objects.filter(patient_id=patient.pk).count()
    response = clinician_client.get(section_url(patient, key), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<section class="card" id="record-{key}"')
    assert f'<h2 id="h-record-{key}" tabindex="-1">{title(key)}</h2>' in body
    assert "<html" not in body and "aria-busy" not in body
    assert response["Vary"].lower().count("hx-request") == 1
    events = AuditEvent.objects.filter(patient_id=patient.pk).order_by("-id")
    assert events.count() == before + 1
    event = events.first()
    assert (event.actor, event.action, event.details) == (
        clinician.user,
        "view",
        {"what": f"record section {key}"},
    )


@pytest.mark.parametrize("key", LAZY)
def test_without_javascript_the_section_is_a_page_of_its_own(clinician_client, patient, key):
    body = clinician_client.get(section_url(patient, key)).content.decode()
    assert "<html" in body and f"<title>{title(key)} · " in body
    assert f"<h1>{patient.display_name}</h1>" in body
    assert f'<h2 id="h-record-{key}" tabindex="-1">{title(key)}</h2>' in body
    back = reverse("patients:detail", args=[patient.pk]) + f"#record-{key}"
    assert f'<a href="{back}">{fr("Back to the whole record")}</a>' in body


@pytest.mark.parametrize("key", LAZY)
def test_a_non_member_gets_404_and_the_refusal_is_audited(outsider_client, outsider, patient, key):
    for headers in (HTMX, {}):
        response = outsider_client.get(section_url(patient, key), **headers)
        assert response.status_code == 404
        assert patient.birth_last_name.upper() not in response.content.decode().upper()
    events = AuditEvent.objects.filter(patient_id=patient.pk, actor=outsider.user)
    assert [(e.action, e.details) for e in events] == [
        ("denied", {"what": f"record section {key}"})
    ] * 2


@pytest.mark.parametrize("key", ["privacy", "pathways", "nothing", "patients.treatments"])
def test_only_the_lazy_sections_have_a_url(clinician_client, patient, key):
    assert clinician_client.get(section_url(patient, key), **HTMX).status_code == 404
