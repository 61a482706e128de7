"""An uploaded document gets a server-chosen name and the extension of its real type; the
client's name is only display metadata and comes back harmless on download."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from oncoparcours.boards.services import attachments

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_upload_is_renamed_by_the_server_and_typed_by_its_bytes(
    complete_case, patient, clinician_client
):
    hostile = '..\\..\\etc/"rapport"\u202egnp.html'
    response = clinician_client.post(
        reverse("boards:case", args=[patient.pk, complete_case.pk]),
        {
            "action": "attach",
            "kind": "pathology",
            "file": SimpleUploadedFile(hostile, PNG, content_type="text/html"),
        },
    )
    assert response.status_code in (200, 302), response.content[:500]
    attachment = complete_case.attachments.get()
    assert attachment.content_type == "image/png"
    assert re.fullmatch(r"[0-9a-f]{32}\.png", attachment.storage_name)
    assert attachments.attachment_path(attachment).read_bytes() == PNG
    assert attachment.file_name == '"rapport"gnp.png'
    download = clinician_client.get(
        reverse("boards:attachment", args=[patient.pk, complete_case.pk, attachment.pk])
    )
    assert download["Content-Type"] == "image/png"
    disposition = download["Content-Disposition"]
    assert disposition == 'attachment; filename="\\"rapport\\"gnp.png"'
    assert b"".join(download.streaming_content) == PNG


def test_non_ascii_names_use_rfc_6266_encoding(complete_case, patient, clinician_client):
    attachments.attachment_add(
        actor=complete_case.submitted_by,
        case=complete_case,
        kind="pathology",
        upload=SimpleUploadedFile("compte-rendu été.exe", b"%PDF-1.4\n%%EOF\n"),
    )
    attachment = complete_case.attachments.get()
    download = clinician_client.get(
        reverse("boards:attachment", args=[patient.pk, complete_case.pk, attachment.pk])
    )
    assert download["Content-Disposition"] == (
        "attachment; filename*=utf-8''compte-rendu%20%C3%A9t%C3%A9.pdf"
    )
