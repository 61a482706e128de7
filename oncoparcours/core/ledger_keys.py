"""Keys of the tamper-evident ledgers (custody chains, audit seals, anchors), kept outside the
database.

Configured by ``settings.LEDGER_KEYS`` ("kid1:base64key,kid2:base64key", from the environment
variable ``ONCOPARCOURS_LEDGER_KEYS``) or ``settings.LEDGER_KEY_FILE`` (one "kid:base64key" per
line). The last key listed signs; every listed key still verifies what it signed. In the dev
profile, without either, a key file is created under the data directory on first use; the prod
profile refuses to start without one (see settings).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MIN_KEY_BYTES = 32


@dataclass(frozen=True)
class LedgerKeys:
    keys: dict[str, bytes]  # in order; the last one signs
    source: str

    @property
    def current_id(self) -> str:
        return next(reversed(self.keys))

    def sign(self, message: bytes, kid: str | None = None) -> tuple[str, str]:
        """(key id, hex HMAC-SHA256 of ``message``) under ``kid`` or the signing key."""
        kid = kid or self.current_id
        return kid, hmac.new(self.keys[kid], message, hashlib.sha256).hexdigest()

    def check(self, kid: str, message: bytes, mac: str) -> bool:
        key = self.keys.get(kid)
        if key is None:
            return False
        expected = hmac.new(key, message, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, mac)


def parse(text: str, source: str) -> LedgerKeys:
    keys: dict[str, bytes] = {}
    for raw in text.replace("\n", ",").split(","):
        item = raw.strip()
        if not item or item.startswith("#"):
            continue
        kid, sep, encoded = item.partition(":")
        if not sep or not kid.strip():
            raise ImproperlyConfigured(f"{source}: ledger keys are 'kid:base64key', got {item!r}")
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except ValueError as error:
            raise ImproperlyConfigured(f"{source}: key {kid!r} is not base64") from error
        if len(key) < MIN_KEY_BYTES:
            raise ImproperlyConfigured(f"{source}: key {kid!r} is shorter than 32 bytes")
        keys[kid.strip()] = key
    if not keys:
        raise ImproperlyConfigured(f"{source}: no ledger key")
    return LedgerKeys(keys, source)


def new_key_line(kid: str) -> str:
    return f"{kid}:{base64.b64encode(secrets.token_bytes(MIN_KEY_BYTES)).decode('ascii')}\n"


def default_key_file() -> Path:
    return Path(settings.DATA_DIR) / "ledger-keys"


def _create_dev_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(new_key_line("k1"))


_cache: dict[tuple[str, str], LedgerKeys] = {}


def ledger_keys() -> LedgerKeys:
    inline = getattr(settings, "LEDGER_KEYS", "")
    if inline:
        cached = _cache.get((inline, ""))
        if cached is None:
            cached = _cache[(inline, "")] = parse(inline, "ONCOPARCOURS_LEDGER_KEYS")
        return cached
    configured = getattr(settings, "LEDGER_KEY_FILE", "")
    if not configured and getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("No ledger key configured (ONCOPARCOURS_LEDGER_KEYS).")
    path = Path(configured) if configured else default_key_file()
    if not path.exists():
        if configured:
            raise ImproperlyConfigured(f"Ledger key file {path} does not exist.")
        _create_dev_key_file(path)
    status = path.stat()
    stamp = f"{status.st_mtime_ns}:{status.st_size}"
    cached = _cache.get((str(path), stamp))
    if cached is None:
        cached = _cache[(str(path), stamp)] = parse(path.read_text(encoding="ascii"), str(path))
    return cached


def rotate_key_file(path: Path) -> str:
    """Append a new key to ``path``; it signs from now on. Returns its id."""
    existing = parse(path.read_text(encoding="ascii"), str(path)) if path.exists() else None
    number = len(existing.keys) + 1 if existing else 1
    kid = f"k{number}"
    while existing and kid in existing.keys:
        number += 1
        kid = f"k{number}"
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="ascii") as handle:
        handle.write(new_key_line(kid))
    return kid
