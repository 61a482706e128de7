"""The cell-therapy section of the patient record: the patient's CAR-T orders."""

from __future__ import annotations

from typing import Any

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from oncoparcours.patients.models import Patient
from oncoparcours.patients.record import RecordSection

from .models import CarTOrder


def patient_orders(patient: Patient) -> list[CarTOrder]:
    """The patient's CAR-T orders, latest first, read once per patient object (Django's prefetch
    cache): the record's section and its timeline entries show the same orders."""
    prefetch_related_objects([patient], "car_t_orders")  # no query when already read
    return list(patient.car_t_orders.all())


def orders_section(access: Any, request: Any) -> RecordSection | None:
    orders = patient_orders(access.patient)[:5]
    can_order = request.user.role == "clinician"
    if not orders and not can_order:
        return None
    return RecordSection(
        title=_("CAR-T cell therapy"),
        template="celltherapy/record_section.html",
        context={"patient": access.patient, "orders": orders, "can_order": can_order},
        order=4,
    )
