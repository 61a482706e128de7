"""The CAR-T pathway follows the order: each step completes its pathway activity when the
pathway allows it (an activity already done, cancelled, or blocked by an earlier one is left
as it is, and the reason is kept in the audit trail)."""

from __future__ import annotations

from django.utils import timezone

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.pathways.models import (
    ActivityInstance,
    ActivityStatus,
    InstanceStatus,
    PathwayInstance,
)
from oncoparcours.pathways.services.activities import activity_transition
from oncoparcours.patients.models import Patient

from ..models import CarTOrder
from ..rules.lifecycle import PATHWAY_ACTIVITY

CAR_T_TEMPLATE = "car-t"


def car_t_instance(patient: Patient) -> PathwayInstance | None:
    return (
        PathwayInstance.objects.filter(
            patient=patient, template__code=CAR_T_TEMPLATE, status=InstanceStatus.ACTIVE
        )
        .order_by("-start_date")
        .first()
    )


def follow(order: CarTOrder, state: str, actor: User) -> str | None:
    """Complete the pathway activity of ``state``; returns why it was not done, or None."""
    key = PATHWAY_ACTIVITY.get(state)
    if key is None or order.pathway_instance_id is None:
        return None
    activity = (
        ActivityInstance.objects.filter(
            instance_id=order.pathway_instance_id,
            template_activity=key,
            status__in=[ActivityStatus.PLANNED, ActivityStatus.SCHEDULED],
        )
        .order_by("occurrence")
        .first()
    )
    if activity is None:
        return None
    try:
        activity_transition(
            activity=activity,
            to=ActivityStatus.DONE,
            actor=actor,
            on=timezone.localdate(),
            note=f"{order.coi}",
        )
    except ApplicationError as error:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            patient_id=order.patient_id,
            obj=order,
            details={"pathway_not_followed": key, "why": error.message},
        )
        return error.message
    return None
