"""The summary's cells in words: the symptoms and vital signs of a follow-up report read as the
report page shows them ("Température (°C) : 39,5"), not as the JSON the platform stores
(the JSON export keeps the stored values). Grading internals stay out of the summary."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oncoparcours.monitoring.labels import OBSERVATION_LABELS
from oncoparcours.monitoring.observation_values import answer_text
from oncoparcours.patients.models import Patient

ISO_DATE = re.compile(
    r"\b(\d{4})-(\d\d)-(\d\d)"
    r"(?:[T ](\d\d):(\d\d)(?::\d\d(?:\.\d+)?)?(?:[+-]\d\d:\d\d|Z)?)?\b"
)
# A code: lower-case words joined by "_", "-" or "." ("rcp_review", "sequence-1"), a UUID, or a
# single lower-case unaccented word without spaces ("apheresis").
CODE = re.compile(r"^(?:[a-z0-9]+(?:[-_.@][a-z0-9]+)+|[a-z]+|[0-9a-f]{8}-[0-9a-f-]{27})$")
# Record keys and bookkeeping the patient does not need (still in the JSON file).
SUMMARY_SKIPPED = frozenset({"id", "created_at", "updated_at", "patient", "version"})


def french_dates(text: str) -> str:
    """ISO dates inside a text as dd/mm/yyyy (hh:mm)."""

    def french(match: re.Match[str]) -> str:
        year, month, day, hour, minute = match.groups()
        return f"{day}/{month}/{year}" + (f" {hour}:{minute}" if hour else "")

    return ISO_DATE.sub(french, text)


def readable_text(text: str) -> bool:
    """Whether a cell belongs in the patient's summary: not empty, not a code, not JSON."""
    text = text.strip()
    return bool(text) and text != "—" and not text.startswith(("{", "[")) and not CODE.match(text)


def identity_field(value: Any) -> str:
    return str(Patient.field_label(str(value))) if value else "—"


def observations_text(value: Any) -> str:
    if not isinstance(value, dict) or not value:
        return "—"
    return "; ".join(
        f"{OBSERVATION_LABELS.get(key, key.replace('_', ' '))} : {answer_text(answer, key)}"
        for key, answer in value.items()
    )


COLUMN_LABELS = {
    ("monitoring.report", "observations"): _("Symptoms and observations"),
    ("monitoring.report", "vitals"): _("Vital signs"),
    ("monitoring.report", "days_since_infusion"): _("Days since the infusion"),
    ("pathways.phaseinstance", "title_fr"): _("Title"),
    ("pathways.activityinstance", "title_fr"): _("Title"),
}
FORMATTERS: dict[tuple[str, str], Callable[[Any], str]] = {
    ("monitoring.report", "observations"): observations_text,
    ("monitoring.report", "vitals"): observations_text,
    ("patients.identitycorrection", "field"): identity_field,
}
HIDDEN_COLUMNS = frozenset({("monitoring.report", "result"), ("monitoring.report", "access_link")})


# What was done, as the patient's summary says it (the audit labels double as column names).
ACTION_LABELS = {
    "view": pgettext_lazy("access summary", "viewed"),
    "list": pgettext_lazy("access summary", "seen in a list"),
    "search": pgettext_lazy("access summary", "found by a search"),
    "create": pgettext_lazy("access summary", "created"),
    "update": pgettext_lazy("access summary", "modified"),
    "export": pgettext_lazy("access summary", "exported"),
    "import": pgettext_lazy("access summary", "imported"),
    "denied": pgettext_lazy("access summary", "access refused"),
}
