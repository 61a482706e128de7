"""Keys for pseudonyms (indicator extracts, FHIR bulk export): derived from
``ONCOPARCOURS_PSEUDONYM_KEY``; only the development profile falls back to SECRET_KEY (production
refuses to start without it, see settings). Each use derives its own key from a context label,
so pseudonyms of two exports cannot be joined."""

from __future__ import annotations

import hashlib
import hmac
import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def derived_key(context: bytes) -> bytes:
    base = os.environ.get("ONCOPARCOURS_PSEUDONYM_KEY", "") or settings.PSEUDONYM_KEY
    if not base:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("ONCOPARCOURS_PSEUDONYM_KEY must be set in production.")
        base = settings.SECRET_KEY
    return hmac.new(base.encode(), context, hashlib.sha256).digest()
