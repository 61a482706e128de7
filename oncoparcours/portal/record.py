"""The portal section of the patient record (care team): accesses and the latest threads."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from oncoparcours.patients.record import RecordSection

from .models import Thread
from .selectors import patient_accounts


def portal_section(access: Any, request: Any) -> RecordSection:
    patient = access.patient
    return RecordSection(
        title=_("Patient portal and messages"),
        template="portal/staff/record_section.html",
        context={
            "patient": patient,
            "accounts": [a for a in patient_accounts(patient.pk) if a.is_active],
            "threads": list(
                Thread.objects.filter(patient=patient).order_by("-last_message_at")[:5]
            ),
        },
        order=6,
    )
