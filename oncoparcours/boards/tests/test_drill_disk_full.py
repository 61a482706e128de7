"""Fault drill (issue 13): the disk fills up while a document is uploaded to a board case. The
user gets a clear error on the form, no attachment row is left pointing to a missing or partial
file, and no partial file is left on disk.

The documents go to a real 64 KiB tmpfs when the tests run as root (mount); otherwise to a
directory whose writes fail with ENOSPC the way a full disk makes them fail."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oncoparcours.boards.models import Attachment
from oncoparcours.boards.services import attachments

from .conftest import client_for

pytestmark = pytest.mark.drill

PDF_HEAD = b"%PDF-1.4\n"


@contextlib.contextmanager
def tiny_filesystem(path: Path) -> Iterator[str]:
    """A 64 KiB filesystem mounted on ``path`` (root), else a simulated full disk."""
    path.mkdir()
    if os.geteuid() == 0:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(path)], capture_output=True
        )
        if mounted.returncode == 0:
            try:
                yield "tmpfs"
            finally:
                subprocess.run(["umount", "-l", str(path)], check=False)
            return
    real_open = Path.open

    def full_disk_open(self: Path, mode: str = "r", *args, **kwargs):  # type: ignore[no-untyped-def]
        handle = real_open(self, mode, *args, **kwargs)
        if "w" in mode and path in self.parents:
            written = handle.write

            def write(data: bytes) -> int:
                if handle.tell() + len(data) > 64 * 1024:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                return written(data)

            handle.write = write  # type: ignore[method-assign]
        return handle

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "open", full_disk_open)
        yield "simulated"


def test_upload_on_a_full_disk_is_refused_cleanly(complete_case, clinician, settings, tmp_path):
    media = tmp_path / "media"
    with tiny_filesystem(media) as kind:
        settings.MEDIA_ROOT = media
        client = client_for(clinician)
        url = complete_case.get_absolute_url()
        small = SimpleUploadedFile("petit.pdf", PDF_HEAD + b"1" * 1000)
        assert client.post(url, {"kind": "pathology", "file": small}).status_code == 302
        big = SimpleUploadedFile("compte-rendu.pdf", PDF_HEAD + b"0" * (200 * 1024))
        response = client.post(url, {"kind": "pathology", "file": big})

        assert response.status_code == 400, kind  # the form again, with the reason
        page = response.content.decode()
        assert 'id="id_file_error"' in page
        assert "espace disque" in page  # "plus d'espace disque" : the reason, in French
        # Only the first document: its row, its complete file, nothing else on the disk.
        stored = Attachment.objects.get(case=complete_case)
        assert stored.file_name == "petit.pdf"
        on_disk = list((media / "boards").iterdir())
        assert on_disk == [attachments.attachment_path(stored)]
        assert on_disk[0].stat().st_size == stored.size
