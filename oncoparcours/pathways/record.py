"""The "Care pathways" section of the patient record."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from oncoparcours.patients.permissions import may_plan_care
from oncoparcours.patients.record import RecordSection

from .selectors import patient_pathways


def pathways_section(access: Any, request: Any) -> RecordSection:
    return RecordSection(
        title=_("Care pathways"),
        template="pathways/record_section.html",
        context={
            "patient": access.patient,
            "instances": list(patient_pathways(access.patient.pk)),
            "may_plan_care": may_plan_care(request.user, access),
        },
        order=10,
    )
