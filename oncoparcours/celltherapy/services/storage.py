"""Pharmacy cryostorage: placing a product in a free tank position, releasing it at dispensing,
the temperature log with excursion alerts to the pharmacists on duty."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.directory.models import Professional
from oncoparcours.monitoring.models import OnCallShift

from ..models import (
    CarTOrder,
    ExcursionAcknowledgement,
    Storage,
    Tank,
    TankExcursion,
    TankReading,
)
from .care_team import staff
from .custody import check_temperature

PHARMACIST_ON_DUTY = "pharmacist_on_duty"


def place(*, order: CarTOrder, tank: Tank | None, position: str, actor: User) -> Storage:
    if tank is None:
        raise ApplicationError(_("Choose the tank."), field="tank")
    tank = Tank.objects.select_for_update().get(pk=tank.pk)
    if tank.organisation_id != order.pharmacy_id or not tank.active:
        raise ApplicationError(
            _("This tank is not in service at the order's pharmacy."), field="tank"
        )
    position = position.strip().upper()
    if position not in tank.positions():
        raise ApplicationError(
            _("Unknown position %(position)s in %(tank)s (R1-01 to R%(racks)s-%(slots)02d).")
            % {
                "position": position or "—",
                "tank": tank,
                "racks": tank.racks,
                "slots": tank.slots_per_rack,
            },
            field="position",
        )
    occupant = Storage.objects.filter(
        tank=tank, position=position, released_at__isnull=True
    ).first()
    if occupant is not None:
        raise ApplicationError(
            _("Position %(position)s of %(tank)s is occupied by %(coi)s: choose a free one.")
            % {"position": position, "tank": tank, "coi": occupant.order.coi},
            field="position",
        )
    try:
        with transaction.atomic():
            stored = Storage.objects.create(
                order=order, tank=tank, position=position, stored_by=actor
            )
    except IntegrityError as error:
        raise ApplicationError(
            _("This position was just taken: choose another."), field="position"
        ) from error
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=order.patient_id,
        obj=stored,
        details={"tank": tank.name, "position": position, "coi": order.coi},
    )
    return stored


def release(*, order: CarTOrder, actor: User) -> Storage | None:
    stored = (
        Storage.objects.select_for_update().filter(order=order, released_at__isnull=True).first()
    )
    if stored is None:
        return None
    stored.released_at, stored.released_by = timezone.now(), actor
    stored.save(update_fields=["released_at", "released_by", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=order.patient_id,
        obj=stored,
        details={"released": f"{stored.tank.name} {stored.position}", "coi": order.coi},
    )
    return stored


def pharmacists_on_duty(tank: Tank, now: dt.datetime) -> list[Professional]:
    """The on-duty pharmacist of the tank's pharmacy if a rota says so, else its pharmacists."""
    shifts = OnCallShift.objects.filter(
        organisation_id=tank.organisation_id,
        role=PHARMACIST_ON_DUTY,
        starts_at__lte=now,
        ends_at__gt=now,
    ).select_related("professional")
    on_duty = [shift.professional for shift in shifts]
    return on_duty or staff(tank.organisation_id, "pharmacist", timezone.localdate(now))


@transaction.atomic
def reading_record(
    *,
    tank: Tank,
    temperature_c: float,
    at: dt.datetime | None = None,
    source: str = "",
    actor: User | None,
) -> TankReading:
    check_temperature(temperature_c)
    now = timezone.now()
    at = at or now
    if at > now + dt.timedelta(minutes=5):
        raise ApplicationError(_("A reading cannot be dated in the future."), field="at")
    excursion = temperature_c > tank.alarm_above_c
    reading = TankReading.objects.create(
        tank=tank,
        at=at,
        temperature_c=temperature_c,
        source=source,
        recorded_by=actor,
        excursion=excursion,
    )
    if excursion:
        alert = TankExcursion.objects.create(
            tank=tank, reading=reading, threshold_c=tank.alarm_above_c, at=at
        )
        alert.notified.set(pharmacists_on_duty(tank, now))
    return reading


@transaction.atomic
def excursion_acknowledge(
    *, excursion: TankExcursion, actor: User, action_taken: str, at: dt.datetime | None = None
) -> ExcursionAcknowledgement:
    """The pharmacist says what was done about an excursion, now or at ``at`` (a time already
    past: never in the future, never before the excursion)."""
    if actor.role != "pharmacist":
        raise ApplicationError(_("Only a pharmacist can acknowledge an excursion."))
    if not action_taken.strip():
        raise ApplicationError(_("Say what was done (action taken)."), field="action_taken")
    now = timezone.now()
    if at is None:
        at = now
    elif at > now + dt.timedelta(minutes=5):
        raise ApplicationError(_("An acknowledgement cannot be dated in the future."), field="at")
    elif at < excursion.at:
        raise ApplicationError(
            _("An acknowledgement cannot be dated before the excursion (%(when)s).")
            % {"when": timezone.localtime(excursion.at).strftime("%d/%m/%Y %H:%M")},
            field="at",
        )
    if ExcursionAcknowledgement.objects.filter(excursion=excursion).exists():
        raise ApplicationError(_("This excursion is already acknowledged."))
    try:
        with transaction.atomic():
            return ExcursionAcknowledgement.objects.create(
                excursion=excursion, actor=actor, action_taken=action_taken.strip(), at=at
            )
    except IntegrityError as error:
        raise ApplicationError(_("This excursion is already acknowledged.")) from error
