"""The pharmacists of the order's PUI and the staff of its EFS care centre join the patient's
care team when the order is placed: they handle the product and must see the order."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from django.db.models import Q
from django.utils import timezone

from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction, User
from oncoparcours.directory.models import Organisation, Professional
from oncoparcours.patients.models import CareTeamMember, CareTeamRole, Patient

from ..models import CarTOrder

JOINING = (
    ("pharmacy", "pharmacist", CareTeamRole.PHARMACIST),
    ("efs_centre", "efs_staff", CareTeamRole.EFS_PHYSICIAN),
)


def staff(organisation_id: uuid.UUID, role: str, day: dt.date | None = None) -> list[Professional]:
    """Active professionals with this user role who work at the organisation on ``day``."""
    today = day or timezone.localdate()
    return list(
        Professional.objects.filter(
            is_active=True,
            user__role=role,
            memberships__organisation_id=organisation_id,
            memberships__start__lte=today,
        )
        .filter(Q(memberships__end__isnull=True) | Q(memberships__end__gte=today))
        .distinct()
    )


def _join(
    patient: Patient, people: Sequence[tuple[Professional, str]], actor: User, reason: str
) -> int:
    today = timezone.localdate()
    current = set(
        CareTeamMember.objects.filter(patient=patient, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .values_list("professional_id", flat=True)
    )
    added = []
    for professional, team_role in people:
        if professional.pk not in current:
            current.add(professional.pk)
            added.append(
                CareTeamMember(
                    patient=patient,
                    professional=professional,
                    role=team_role,
                    start=today,
                    added_by=actor,
                    reason=reason,
                )
            )
    CareTeamMember.objects.bulk_create(added)
    for member in added:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            patient_id=patient.pk,
            obj=member,
            details={"care_team": member.role, "reason": reason},
        )
    return len(added)


def add_order_teams(order: CarTOrder, actor: User) -> int:
    people = [
        (professional, team_role)
        for attribute, user_role, team_role in JOINING
        for professional in staff(getattr(order, f"{attribute}_id"), user_role)
    ]
    return _join(order.patient, people, actor, f"CAR-T {order.coi}")


def add_centre_staff(patient: Patient, centre: Organisation, actor: User, *, reason: str) -> int:
    people = [(p, CareTeamRole.EFS_PHYSICIAN) for p in staff(centre.pk, "efs_staff")]
    return _join(patient, people, actor, reason)
