"""Files in secure messages, both ways: PDF, JPEG or PNG proved by their bytes, 10 MB at most,
stored outside the web root under a server-chosen name, downloaded only by the care team and by
the patient's side who may read the conversation, audited, never cached (no-store). A refused
file: a French error naming the field, nothing sent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from oncoparcours.core.models import AuditEvent
from oncoparcours.portal import attachments, services
from oncoparcours.portal.models import Message, MessageAttachment, Thread
from oncoparcours.portal.tests.test_messages import portal_client

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_patient_sends_a_pdf_the_team_downloads_it(account, nurse, outsider):
    patient_side = portal_client(account)
    answer = patient_side.post(
        "/portail/messages/nouveau/",
        {
            "subject": "Mon ordonnance",
            "body": "Voici l'ordonnance du pharmacien.",
            "attachment": SimpleUploadedFile("../../ordo<script>.pdf", PDF, "text/plain"),
        },
    )
    assert answer.status_code == 302
    stored = MessageAttachment.objects.get()
    assert stored.content_type == "application/pdf" and stored.file_name == "ordo<script>.pdf"
    assert stored.storage_name.endswith(".pdf") and "ordo" not in stored.storage_name
    on_disk = attachments.path(stored)
    assert on_disk.read_bytes() == PDF
    assert not str(on_disk).startswith(str(settings.STATIC_ROOT))
    thread = Thread.objects.get()

    staff = Client()
    staff.force_login(nurse.user)
    page = staff.get(f"/patients/{account.patient_id}/messages/{thread.pk}/").content.decode()
    url = f"/patients/{account.patient_id}/messages/{thread.pk}/pieces/{stored.pk}/"
    assert url in page
    download = staff.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Cache-Control"] == "no-store"
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(
        actor=nurse.user, action="view", object_type="portal.MessageAttachment"
    ).exists()

    outsider_client = Client()
    outsider_client.force_login(outsider.user)
    assert outsider_client.get(url).status_code == 404
    # The patient downloads their own file from their space.
    mine = patient_side.get(f"/portail/messages/{thread.pk}/pieces/{stored.pk}/")
    assert mine.status_code == 200 and mine["Cache-Control"] == "no-store"


def test_the_team_sends_a_photo_a_relative_kept_out_cannot_download_it(account, nurse, patient):
    thread = services.thread_start(
        account=account, subject="Question", body="Bonjour", private=True
    ).thread
    staff = Client()
    staff.force_login(nurse.user)
    answer = staff.post(
        f"/patients/{account.patient_id}/messages/{thread.pk}/",
        {"body": "Voici le schéma.", "attachment": SimpleUploadedFile("schema.png", PNG)},
    )
    assert answer.status_code == 302
    stored = MessageAttachment.objects.get()
    assert stored.content_type == "image/png"
    url = f"/portail/messages/{thread.pk}/pieces/{stored.pk}/"
    assert url in portal_client(account).get(f"/portail/messages/{thread.pk}/").content.decode()
    assert portal_client(account).get(url).status_code == 200
    relative = services.caregiver_invite(
        patient=patient,
        display_name="Paul Moreau",
        relationship="fils",
        email="paul.moreau@proches.example",
        phone="",
        channel="email",
        rights=["messages"],
        consent_on=dt.date.today(),
        consent_note="Accord oral",
        user=nurse.user,
    )
    assert portal_client(relative).get(url).status_code == 404


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (
            SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf"),
            "Seuls les documents PDF et les photos JPEG ou PNG peuvent être joints.",
        ),
        (SimpleUploadedFile("vide.pdf", b""), "est vide"),  # Django's own check, in French
    ],
)
def test_a_refused_file_names_the_field_and_sends_nothing(account, upload, error):
    answer = portal_client(account).post(
        "/portail/messages/nouveau/",
        {"subject": "Résultats", "body": "Bonjour", "attachment": upload},
    )
    page = answer.content.decode()
    assert answer.status_code == 400 or answer.status_code == 200
    assert "Pièce jointe" in page and error.replace("'", "&#x27;") in page
    assert not Thread.objects.exists() and not Message.objects.exists()
    assert not MessageAttachment.objects.exists()


def test_a_file_over_10_mb_is_refused(account, settings):
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * (attachments.MAX_BYTES + 1 - len(PDF)))
    with pytest.raises(Exception) as refused:
        services.thread_start(account=account, subject="Scan", body="Bonjour", upload=big)
    assert "trop volumineux" in str(refused.value) and "10 Mo" in str(refused.value)
    assert not Thread.objects.exists()
