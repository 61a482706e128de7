"""Attached reports: PDF or images only (checked on the bytes, not the name), size-limited,
stored outside the web root under a server-chosen name with the sniffed type's extension
(``core.uploads``), served only through an audited view."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.core.uploads import display_name, sniff
from oncoparcours.core.uploads import storage_name as new_storage_name

from ..models import Attachment, Case, CaseStatus
from .cases import _refresh

MAX_BYTES = 10 * 1024 * 1024


def storage_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "boards"
    path.mkdir(parents=True, exist_ok=True)
    return path


@transaction.atomic
def attachment_add(*, actor: User, case: Case, upload: UploadedFile, kind: str) -> Attachment:
    if case.status in (CaseStatus.DECIDED, CaseStatus.WITHDRAWN):
        raise ApplicationError(_("Documents are attached before the decision."), field="file")
    size = upload.size or 0
    if size == 0:
        raise ApplicationError(_("The file is empty."), field="file")
    if size > MAX_BYTES:
        raise ApplicationError(
            _("The file is too large (%(size)s MB; at most 10 MB).")
            % {"size": round(size / 1024 / 1024, 1)},
            field="file",
        )
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff(head)
    if content_type is None:
        raise ApplicationError(_("Only PDF, PNG or JPEG files are accepted."), field="file")
    storage_name = new_storage_name(content_type)
    target = storage_dir() / storage_name
    sha256 = _write_whole(upload, target)
    try:
        return _record(actor, case, upload, kind, content_type, size, sha256, storage_name)
    except BaseException:
        target.unlink(missing_ok=True)  # no file without its row
        raise


def _write_whole(upload: UploadedFile, target: Path) -> str:
    """Write the upload to ``target`` and flush it to the disk; on a full disk (or any write
    error) remove the partial file and refuse clearly. Returns the SHA-256 of the content."""
    digest = hashlib.sha256()
    try:
        with target.open("wb") as out:
            for chunk in upload.chunks():
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())  # the row is written only once the bytes are on disk
    except OSError as error:
        target.unlink(missing_ok=True)
        reason = (
            _("the server has no disk space left")
            if error.errno in (errno.ENOSPC, errno.EDQUOT)
            else _("the server could not write it")
        )
        raise ApplicationError(
            _("The document was not saved: %(reason)s. Nothing was attached; try again later.")
            % {"reason": reason},
            field="file",
        ) from error
    return digest.hexdigest()


def _record(
    actor: User,
    case: Case,
    upload: UploadedFile,
    kind: str,
    content_type: str,
    size: int,
    sha256: str,
    storage_name: str,
) -> Attachment:
    attachment = Attachment.objects.create(
        case=case,
        kind=kind,
        file_name=display_name(upload.name, content_type),
        content_type=content_type,
        size=size,
        sha256=sha256,
        storage_name=storage_name,
        uploaded_by=actor,
    )
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    _refresh(case)
    case.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=case.patient_id,
        obj=attachment,
        details={"kind": kind, "size": size, "type": content_type},
    )
    return attachment


def attachment_path(attachment: Attachment) -> Path:
    return storage_dir() / attachment.storage_name
