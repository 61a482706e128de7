"""EFS machines and the machine plan (planning, issue 18): an EFS machine is linked to the
planned machine (a planning ``Resource``) of its centre's chair and machine plan; a published
plan places the bookings on the linked machine (``machine_plan``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.planning.models import Resource

from ..models import Machine
from .efs import _check_staff


def check_machine_link(machine: Machine, resource: Resource | None) -> None:
    """The planned machine belongs to the EFS machine's centre and is no other machine's."""
    if resource is None:
        return
    candidate = Machine(pk=machine.pk, centre_id=machine.centre_id, resource=resource)
    try:
        candidate.clean()
    except ValidationError as error:
        raise ApplicationError(
            _("The machine was not saved."), errors=error.message_dict
        ) from error
    other = Machine.objects.filter(resource=resource).exclude(pk=machine.pk).first()
    if other is not None:
        raise ApplicationError(
            _("“%(resource)s” is already linked to the EFS machine “%(machine)s”.")
            % {"resource": resource.name, "machine": other.name},
            field="resource",
        )


@transaction.atomic
def machine_link(*, actor: User, machine: Machine, resource: Resource | None) -> Machine:
    """Link (or unlink, ``resource=None``) an EFS machine to its planned machine. The centre's
    staff (or an administrator) only; audited."""
    machine = Machine.objects.select_for_update().select_related("centre").get(pk=machine.pk)
    if not actor.is_superuser:
        _check_staff(actor, machine.centre)
    check_machine_link(machine, resource)
    previous = machine.resource_id
    machine.resource = resource
    machine.save(update_fields=["resource", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=machine,
        details={
            "planned_as": str(resource.pk) if resource else None,
            "was": str(previous) if previous else None,
        },
    )
    return machine
