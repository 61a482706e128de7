"""The cell-therapy section of the patient record: the patient's CAR-T orders."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from oncoparcours.patients.record import RecordSection

from .models import CarTOrder


def orders_section(access: Any, request: Any) -> RecordSection | None:
    orders = list(CarTOrder.objects.filter(patient=access.patient).order_by("-created_at")[:5])
    can_order = request.user.role == "clinician"
    if not orders and not can_order:
        return None
    return RecordSection(
        title=_("CAR-T cell therapy"),
        template="celltherapy/record_section.html",
        context={"patient": access.patient, "orders": orders, "can_order": can_order},
        order=4,
    )
