"""The patient record's "Patient's rights" section: the access export links (care team only)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from oncoparcours.patients.record import RecordSection


def rights_section(access: Any, request: Any) -> RecordSection | None:
    if access.membership is None:  # break-the-glass reads, it does not export
        return None
    return RecordSection(
        title=_("Patient's rights"),
        template="privacy/_record_section.html",
        context={"patient": access.patient},
        order=90,
    )
