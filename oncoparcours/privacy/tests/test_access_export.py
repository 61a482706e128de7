"""Right of access: the care team downloads everything held on one patient (JSON) and a readable
summary in French (HTML); audited, never cached, refused outside the care team."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from oncoparcours.core.models import AuditEvent
from oncoparcours.monitoring.services import report_submit
from oncoparcours.patients import services as patient_services
from oncoparcours.patients.models import CareTeamMember
from oncoparcours.testing.celltherapy import car_t_setting, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_record(patient, clinician):
    clinician.specialty = "haematology"
    clinician.save()
    setting = car_t_setting()
    CareTeamMember.objects.create(
        patient=patient, professional=setting.nurse, role="coordination_nurse"
    )
    patient_services.consent_record(
        actor=clinician.user,
        patient=patient,
        kind="data_sharing",
        scope="research",
        decision="opposition",
        recorded_on=timezone.localdate(),
    )
    report_submit(
        patient=patient,
        source="nurse",
        observations={"temperature_c": 39.5},
        submission_key=uuid.uuid4(),
        comment="Frissons depuis la veille",
    )
    place_order(patient, clinician.user)
    patient_services.patient_update(
        actor=clinician.user,
        patient=patient,
        data={"first_names": "Jeanne Marie"},
        reason="Erreur de saisie à l'accueil",
    )
    return patient


def test_the_json_export_holds_every_kind_of_record_and_who_accessed_it(
    clinician_client, full_record, outsider
):
    AuditEvent.objects.create(actor=outsider.user, action="denied", patient_id=full_record.pk)
    response = clinician_client.get(reverse("privacy:access_json", args=[full_record.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="droit-acces-')
    data = json.loads(response.content)
    assert data["patient"]["birth_last_name"] == "Moreau"
    assert data["patient"]["first_names"] == "JEANNE MARIE"  # stored in RNIV capitals
    records = data["records"]
    for key in (
        "patients.diagnosis",
        "patients.careteammember",
        "patients.consentrecord",
        "patients.identitycorrection",
        "monitoring.report",
        "monitoring.alert",
        "boards.case",
        "boards.decision",
        "celltherapy.cartorder",
    ):
        assert records.get(key), key
    correction = records["patients.identitycorrection"][0]
    assert (correction["previous_value"], correction["new_value"]) == ("Jeanne", "JEANNE MARIE")
    assert records["monitoring.report"][0]["comment"] == "Frissons depuis la veille"
    assert "token_hash" not in json.dumps(data) and "storage_name" not in json.dumps(data)
    actions = {row["action_code"] for row in data["record_accesses"]}
    assert {"denied", "export", "update"} <= actions
    assert AuditEvent.objects.filter(
        patient_id=full_record.pk, action="export", details__format="json"
    ).exists()


def test_the_summary_is_readable_french_html(client, clinician, full_record):
    client.force_login(clinician.user)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("privacy:access_summary", args=[full_record.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Vos données détenues par OncoParcours" in html
    assert "Qui a consulté le dossier" in html
    assert "Erreur de saisie à l&#x27;accueil" in html
    assert "Frissons depuis la veille" in html


def test_outside_the_care_team_the_export_is_404_and_audited(outsider_client, full_record):
    for name in ("privacy:access_json", "privacy:access_summary"):
        assert outsider_client.get(reverse(name, args=[full_record.pk])).status_code == 404
    assert AuditEvent.objects.filter(patient_id=full_record.pk, action="denied").count() == 2
    assert not AuditEvent.objects.filter(patient_id=full_record.pk, action="export").exists()


def test_the_record_page_links_to_the_export_and_shows_the_rectification_trail(
    clinician_client, full_record
):
    page = clinician_client.get(reverse("patients:detail", args=[full_record.pk])).content.decode()
    assert reverse("privacy:access_json", args=[full_record.pk]) in page
    assert "Erreur de saisie à l&#x27;accueil" in page
    assert "Jeanne Marie" in page


def test_an_identity_correction_needs_a_reason_and_keeps_the_previous_value(
    clinician_client, patient
):
    url = reverse("patients:edit", args=[patient.pk])
    form = clinician_client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        birth_date=patient.birth_date.isoformat(),
        birth_last_name="MOREAU-DUPIN",
        expert_centre="",
        proximity_centre="",
    )
    refused = clinician_client.post(url, data)
    assert refused.status_code == 400
    assert "correction_reason" in refused.context["form"].errors
    patient.refresh_from_db()
    assert patient.birth_last_name == "Moreau"
    data["correction_reason"] = "Nom d'usage confondu avec le nom de naissance"
    assert clinician_client.post(url, data).status_code == 302
    correction = patient.identity_corrections.get()
    assert (correction.field, correction.previous_value, correction.new_value) == (
        "birth_last_name",
        "Moreau",
        "MOREAU-DUPIN",
    )
    assert correction.corrected_by.username
    assert correction.corrected_at <= timezone.now() + dt.timedelta(seconds=1)


def test_the_summary_says_who_saw_what_in_words_including_follow_up_reads(
    client, clinician, full_record
):
    nurse = CareTeamMember.objects.get(patient=full_record, role="coordination_nurse").professional
    nurse.civility = "mme"
    nurse.save()
    report = full_record.reports.get()
    client.force_login(nurse.user)
    assert client.get(reverse("monitoring:follow_up", args=[full_record.pk])).status_code == 200
    report_url = reverse("monitoring:report", args=[full_record.pk, report.pk])
    assert client.get(report_url).status_code == 200
    assert client.get(reverse("monitoring:inbox") + "?scope=team").status_code == 200
    client.force_login(clinician.user)
    html = client.get(reverse("privacy:access_summary", args=[full_record.pk])).content.decode()
    accesses = html[html.index("Qui a consulté le dossier") :]
    nurse_name = f"{nurse.first_name} {nurse.last_name.upper()}"
    assert nurse_name in accesses
    assert "Infirmière de coordination (IDEC)" in accesses
    assert "Un relevé de suivi (symptômes et constantes)" in accesses
    assert "Le suivi à domicile (symptômes et constantes)" in accesses
    assert "La liste des alertes de suivi" in accesses  # a list that showed the patient
    assert "Hélène VASSEUR" in accesses and "Médecin" in accesses
    assert re.search(r"<dd>\d\d/\d\d/\d{4} \d\d:\d\d</dd>", accesses)
    for code in ("patients.Patient", "follow-up", "alert inbox", "coordination_nurse", "T1"):
        assert code not in accesses, code
    # the follow-up report itself reads as on the report page, not as stored JSON
    assert "Température (°C) : 39,5" in html
    assert "temperature_c" not in html
    assert not re.search(r"\d{4}-\d\d-\d\dT", html)  # no ISO timestamps


def test_the_summary_is_a_readable_document_for_the_patient(client, clinician, full_record):
    """No internal code, JSON, ISO date or English column name; one column of records that fits
    a phone or a printed page."""
    client.force_login(clinician.user)
    html = client.get(reverse("privacy:access_summary", args=[full_record.pk])).content.decode()
    body = html[html.index("<body>") :]
    text = re.sub(r"<[^>]+>", " ", body)
    assert "{" not in text and "[" not in text  # no JSON
    assert not re.search(r"\d{4}-\d\d-\d\d", text)  # no ISO date
    assert not re.search(r"\b[a-z0-9]+(?:[_@][a-z0-9]+)+\b", text), re.findall(
        r"\b[a-z0-9]+(?:[_@][a-z0-9]+)+\b", text
    )  # no snake_case code nor rule set id
    for english in ("Recorded by", "Title fr", "Key", "Survival", "Status", "Entry criteria"):
        assert english not in text, english
    assert "first_names" not in text and "prénoms" in text
    # The patient's own data stays, in words.
    assert "Frissons depuis la veille" in text and "Température (°C) : 39,5" in text
    assert "Thérapie cellulaire CAR-T" in text and "Hélène VASSEUR" in text
    assert "Action" in text and "Modifié le" not in text and "modifié" in text.lower()
    # Fits a page: the width is capped and nothing is laid out as a wide table.
    assert "<table" not in body
    assert "max-width: 46rem" in html and 'name="viewport"' in html and "@media print" in html
