"""The CAR-T pathway follows the order. Placing an order links the patient's CAR-T pathway, or
applies the current CAR-T template for the ordered product when the patient has none (so the
post-infusion monitoring is always planned: the template takes the daily assessment window of the
product's label). Each step then completes its pathway activity, on the day the step happened;
the infusion re-dates the daily CRS/ICANS assessments, the end of the stay near the centre and the
end of the driving ban from the actual infusion day. When the pathway cannot follow (an activity
already done, cancelled, or blocked by an earlier one) it is left as it is and the reason is
audited — except the infusion, whose day is then recorded as the activity's appointment so the
monitoring plan still counts from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.pathways.models import (
    ActivityInstance,
    ActivityStatus,
    InstanceStatus,
    PathwayInstance,
    PathwayTemplate,
)
from oncoparcours.pathways.services import pathway_apply
from oncoparcours.pathways.services.activities import activity_schedule, activity_transition
from oncoparcours.patients.models import Patient

from .. import catalogue
from ..models import CarTOrder
from ..rules import safety
from ..rules.lifecycle import PATHWAY_ACTIVITY

CAR_T_TEMPLATE = "car-t"
INFUSION_ACTIVITY = "car-t-infusion"


def car_t_instance(patient: Patient) -> PathwayInstance | None:
    return (
        PathwayInstance.objects.filter(
            patient=patient, template__code=CAR_T_TEMPLATE, status=InstanceStatus.ACTIVE
        )
        .select_related("template")
        .order_by("-start_date")
        .first()
    )


def period_messages(values: Mapping[str, Any]) -> dict[str, str]:
    """The CAR-T pathway's stay near the centre and driving ban may be longer than the ordered
    product's label, never shorter (registered as the ``car-t`` template's parameter check)."""
    product = catalogue.product(str(values.get("product", "")))
    if product is None:
        return {}
    label = product.label
    short = safety.periods_below_label(values, label.periods())
    messages = {
        "near_centre_weeks": _(
            "%(product)s: its label asks the patient to stay within %(hours)s hours of the "
            "qualified centre for at least %(weeks)s weeks after the infusion (stay near the "
            "centre: %(chosen)s weeks refused). A longer stay is allowed; a shorter one needs a "
            "new version of the product data citing the label that allows it."
        ),
        "no_driving_weeks": _(
            "%(product)s: its label forbids driving for at least %(weeks)s weeks after the "
            "infusion (driving ban: %(chosen)s weeks refused). A longer ban is allowed; a shorter "
            "one needs a new version of the product data citing the label that allows it."
        ),
    }
    return {
        name: messages[name]
        % {
            "product": product,
            "hours": label.proximity_hours,
            "weeks": weeks,
            "chosen": values.get(name),
        }
        for name, weeks in short.items()
    }


def product_mismatch(patient: Patient, product: str) -> str | None:
    """A message when the patient's CAR-T pathway cannot carry this order: applied for another
    product (its monitoring plan would follow the other product's label), or with a stay near the
    centre or a driving ban shorter than the product's label (applied before the floor)."""
    instance = car_t_instance(patient)
    parameters = (instance.parameters or {}) if instance else {}
    planned = parameters.get("product")
    if planned is not None and planned != product:
        other = catalogue.product(planned)
        return _(
            "The patient's CAR-T pathway was started for %(other)s, whose monitoring differs: "
            "order that product, or end the pathway and apply it again for this one."
        ) % {"other": other or planned}
    if instance is not None and (short := period_messages({**parameters, "product": product})):
        return _(
            "The patient's CAR-T pathway is shorter than the product's label: %(reason)s End the "
            "pathway and apply it again."
        ) % {"reason": " ".join(short.values())}
    return None


def attach_instance(order: CarTOrder, actor: User) -> PathwayInstance:
    """Link the patient's CAR-T pathway to the order, applying the template if there is none."""
    instance = car_t_instance(order.patient)
    if instance is None:
        template = PathwayTemplate.objects.get(code=CAR_T_TEMPLATE, is_latest=True)
        instance = pathway_apply(
            template=template,
            patient=order.patient,
            start=timezone.localdate(),
            parameters={"product": order.product},
            actor=actor,
        )
    order.pathway_instance = instance
    order.save(update_fields=["pathway_instance", "updated_at"])
    return instance


def _open_activity(order: CarTOrder, key: str) -> ActivityInstance | None:
    return (
        ActivityInstance.objects.filter(
            instance_id=order.pathway_instance_id,
            template_activity=key,
            status__in=[ActivityStatus.PLANNED, ActivityStatus.SCHEDULED],
        )
        .order_by("occurrence")
        .first()
    )


def _not_followed(order: CarTOrder, actor: User, key: str, why: str) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=order.patient_id,
        obj=order,
        details={"pathway_not_followed": key, "why": why},
    )


def _done_on(order: CarTOrder, state: str, at: dt.datetime | None) -> dt.date:
    if state == "qualified" and order.decision is not None:
        decided = timezone.localdate(order.decision.validated_at)
        instance_start = order.pathway_instance.start_date if order.pathway_instance else decided
        return max(decided, instance_start)
    return timezone.localdate(at) if at is not None else timezone.localdate()


def follow(order: CarTOrder, state: str, actor: User, at: dt.datetime | None = None) -> str | None:
    """Complete the pathway activities of ``state`` (dated ``at``, the step's time); returns why
    one was not done, or None."""
    if order.pathway_instance_id is None:
        return None
    why = None
    for key in PATHWAY_ACTIVITY.get(state, ()):
        activity = _open_activity(order, key)
        if activity is None:
            continue
        try:
            activity_transition(
                activity=activity,
                to=ActivityStatus.DONE,
                actor=actor,
                on=min(_done_on(order, state, at), timezone.localdate()),
                note=f"{order.coi}",
            )
        except ApplicationError as error:
            _not_followed(order, actor, key, error.message)
            why = error.message
            if key == INFUSION_ACTIVITY:
                _date_infusion(order, activity, actor, at or timezone.now())
    return why


def _date_infusion(
    order: CarTOrder, activity: ActivityInstance, actor: User, at: dt.datetime
) -> None:
    """The infusion activity could not be marked done: record the infusion time as its
    appointment, so the monitoring activities anchored on it count from the actual day."""
    try:
        with transaction.atomic():
            activity_schedule(activity=activity, when=at, actor=actor)
    except ApplicationError as error:
        _not_followed(order, actor, f"{INFUSION_ACTIVITY} (date)", error.message)
