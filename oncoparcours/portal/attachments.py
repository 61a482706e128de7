"""Files sent with secure messages (patient → team and team → patient): PDF, JPEG or PNG only,
checked on the bytes (``core.uploads.sniff``), 10 MB at most, stored outside the web root
(``MEDIA_ROOT/portal/``) under a server-chosen name; the client's name is kept for display only.
Checked before anything is written, so a refused file leaves no message behind."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.translation import gettext as _

from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.uploads import display_name, sniff, storage_name

from .models import Message, MessageAttachment

MAX_BYTES = 10 * 1024 * 1024
FIELD = "attachment"


@dataclass(frozen=True)
class CheckedUpload:
    upload: UploadedFile
    content_type: str
    size: int


def storage_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "portal"
    path.mkdir(parents=True, exist_ok=True)
    return path


def check(upload: UploadedFile | None) -> CheckedUpload | None:
    """Refuse, naming the field, a file that is empty, too large or not a PDF/JPEG/PNG."""
    if upload is None:
        return None
    size = upload.size or 0
    if size == 0:
        raise ApplicationError(_("The attached file is empty."), field=FIELD)
    if size > MAX_BYTES:
        raise ApplicationError(
            _("The attached file is too large (%(size)s MB; at most 10 MB).")
            % {"size": f"{size / 1024 / 1024:.1f}".replace(".", ",")},
            field=FIELD,
        )
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff(head)
    if content_type is None:
        raise ApplicationError(
            _("Only PDF documents and JPEG or PNG photos can be attached."), field=FIELD
        )
    return CheckedUpload(upload, content_type, size)


def attach(message: Message, checked: CheckedUpload) -> MessageAttachment:
    """Write the file, then its row (inside the caller's transaction: a failure removes it)."""
    name = storage_name(checked.content_type)
    target = storage_dir() / name
    digest = hashlib.sha256()
    try:
        with target.open("wb") as out:
            for chunk in checked.upload.chunks():
                digest.update(chunk)
                out.write(chunk)
        return MessageAttachment.objects.create(
            message=message,
            file_name=display_name(
                checked.upload.name, checked.content_type, default="piece-jointe"
            ),
            content_type=checked.content_type,
            size=checked.size,
            sha256=digest.hexdigest(),
            storage_name=name,
        )
    except OSError as error:
        target.unlink(missing_ok=True)
        raise ApplicationError(
            _("The attached file could not be saved; nothing was sent. Try again later."),
            field=FIELD,
        ) from error
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def path(attachment: MessageAttachment) -> Path:
    return storage_dir() / attachment.storage_name


def file_response(attachment: MessageAttachment) -> FileResponse:
    """The file as a download (never shown inline), never kept by a browser or a proxy."""
    response = FileResponse(
        path(attachment).open("rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.file_name,
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
