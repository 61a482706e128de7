"""Uploaded files: the type is read from the bytes (magic numbers), never from the name or the
Content-Type the client sent; the file is stored under a server-chosen name (a UUID) with the
extension of the sniffed type; the client's name is kept only as display metadata (path, control
and bidirectional characters removed) and offered back on download with the sniffed extension.
Downloads build Content-Disposition with Django's RFC 6266 encoding (``filename*=utf-8''...``)."""

from __future__ import annotations

import unicodedata
import uuid
from pathlib import PurePosixPath, PureWindowsPath

SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
NAME_MAX = 120


def sniff(head: bytes) -> str | None:
    """The content type the first bytes prove, or None."""
    return next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)


def storage_name(content_type: str) -> str:
    """A fresh server-side file name: a UUID and the sniffed type's extension."""
    return f"{uuid.uuid4().hex}.{EXTENSIONS[content_type]}"


def display_name(client_name: str | None, content_type: str, *, default: str = "document") -> str:
    """The client's file name made harmless for display and download: no directory part, no
    control, format (bidirectional override) or separator characters, at most ``NAME_MAX``
    characters, and the extension of the sniffed type whatever the client's was."""
    base = PureWindowsPath(PurePosixPath(client_name or "").name).name
    cleaned = "".join(
        " " if unicodedata.category(char)[0] in "CZ" else char
        for char in unicodedata.normalize("NFC", base)
    )
    cleaned = " ".join(cleaned.split())
    stem = cleaned.rsplit(".", 1)[0] if "." in cleaned else cleaned
    stem = stem.strip(" .") or default
    return f"{stem[:NAME_MAX]}.{EXTENSIONS[content_type]}"
