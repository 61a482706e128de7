"""The summary's cells in words: the symptoms and vital signs of a follow-up report read as the
report page shows them ("Température (°C) : 39,5"), not as the JSON the platform stores
(the JSON export keeps the stored values). Grading internals stay out of the summary."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from oncoparcours.monitoring.labels import OBSERVATION_LABELS
from oncoparcours.monitoring.observation_values import answer_text


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
}
FORMATTERS: dict[tuple[str, str], Callable[[Any], str]] = {
    ("monitoring.report", "observations"): observations_text,
    ("monitoring.report", "vitals"): observations_text,
}
HIDDEN_COLUMNS = frozenset({("monitoring.report", "result"), ("monitoring.report", "access_link")})
