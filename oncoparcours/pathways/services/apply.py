"""Applying a template to a patient: a pathway instance pinned to the template version, with
every activity dated."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.directory.models import Organisation, OrganisationKind
from oncoparcours.directory.rules import geo
from oncoparcours.patients.models import Patient
from oncoparcours.patients.permissions import require_care_planner

from ..models import (
    ActivityInstance,
    InstanceStatus,
    PathwayEvent,
    PathwayInstance,
    PathwayTemplate,
    PhaseInstance,
    PhaseStatus,
)
from ..parameter_checks import parameter_problems
from ..rules.scheduling import ParameterError, Plan, expand, resolve_parameters

OPEN_STATUSES = (InstanceStatus.ACTIVE, InstanceStatus.PAUSED)


def _nearest_efs_centre(patient: Patient) -> Organisation | None:
    centres = list(
        Organisation.objects.filter(kind=OrganisationKind.EFS_CARE_CENTRE, is_active=True)
    )
    if not centres:
        return None
    latitude, longitude = patient.latitude, patient.longitude
    if latitude is None or longitude is None:
        same = [c for c in centres if c.departement == patient.departement]
        return (same or centres)[0]
    return min(centres, key=lambda c: geo.distance_km(latitude, longitude, *c.position))


def _organisation_for(
    place: str, patient: Patient, efs: Organisation | None
) -> Organisation | None:
    return {
        "expert": patient.expert_centre,
        "proximity": patient.proximity_centre or patient.expert_centre,
        "efs": efs,
    }.get(place)


@transaction.atomic
def pathway_apply(
    *,
    template: PathwayTemplate,
    patient: Patient,
    start: dt.date,
    parameters: dict[str, Any] | None,
    actor: User,
) -> PathwayInstance:
    require_care_planner(actor, patient.pk)
    if patient.deceased_on:
        raise ApplicationError(_("This patient is deceased."))
    if start < timezone.localdate() - dt.timedelta(days=365 * 3):
        raise ApplicationError(_("The start date is more than 3 years ago."), field="start")
    if start < patient.birth_date:
        raise ApplicationError(_("The start date is before the patient's birth."), field="start")
    if PathwayInstance.objects.filter(
        patient=patient, template__code=template.code, status__in=OPEN_STATUSES
    ).exists():
        raise ApplicationError(
            _("This patient already follows this pathway: end it before applying it again.")
        )
    try:
        values = resolve_parameters(template.definition, parameters)
    except ParameterError as error:
        raise ApplicationError(
            next(iter(error.problems.values())),
            errors={f"param_{k}": [v] for k, v in error.problems.items()},
        ) from error
    # Bounds owned by another app (e.g. the CAR-T product's label): refused by name.
    if problems := parameter_problems(template.code, values):
        raise ApplicationError(
            next(iter(problems.values())),
            errors={f"param_{k}": [v] for k, v in problems.items()},
        )
    plan = expand(template.definition, start=start, parameters=values)
    instance = PathwayInstance.objects.create(
        patient=patient,
        template=template,
        start_date=start,
        parameters=values,
        created_by=actor,
    )
    phases = _create_phases(instance, plan, start)
    _create_activities(instance, plan, phases, patient)
    instance.current_phase = phases[plan.phases[0].key]
    instance.save(update_fields=["current_phase", "updated_at"])
    PathwayEvent.objects.create(
        instance=instance,
        kind="applied",
        to_state=InstanceStatus.ACTIVE,
        actor=actor,
        details={"template": template.code, "version": template.version, "parameters": values},
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        obj=instance,
        details={
            "template": f"{template.code} v{template.version}",
            "activities": len(plan.activities),
        },
    )
    return instance


def _create_phases(
    instance: PathwayInstance, plan: Plan, start: dt.date
) -> dict[str, PhaseInstance]:
    phases = []
    for planned in plan.phases:
        spec = planned.spec
        flat_rate = (spec.get("flat_rate") or {}).get("amount")
        phases.append(
            PhaseInstance(
                instance=instance,
                key=planned.key,
                order=planned.order,
                title_fr=spec["title"]["fr"],
                title_en=spec["title"]["en"],
                duration_months=planned.duration.months,
                duration_days=planned.duration.days,
                planned_start=planned.start,
                planned_end=planned.end,
                started_on=start if planned.order == 0 else None,
                status=PhaseStatus.ACTIVE if planned.order == 0 else PhaseStatus.PENDING,
                responsible_role=spec["responsible_role"],
                flat_rate=Decimal(str(flat_rate)) if flat_rate is not None else None,
                flat_rate_currency=(spec.get("flat_rate") or {}).get("currency", "EUR"),
                entry_criteria=spec.get("entry_criteria", []) or [],
                exit_criteria=spec.get("exit_criteria", []) or [],
            )
        )
    PhaseInstance.objects.bulk_create(phases)
    return {phase.key: phase for phase in phases}


def _create_activities(
    instance: PathwayInstance, plan: Plan, phases: dict[str, PhaseInstance], patient: Patient
) -> None:
    efs = (
        _nearest_efs_centre(patient)
        if any(a.spec["place"] == "efs" for a in plan.activities)
        else None
    )
    ids = {item.key: uuid.uuid4() for item in plan.activities}
    rows = []
    for item in plan.activities:
        spec = item.spec
        kind, reference = item.anchor
        delay_kind, delay_reference = item.delay_from or ("", None)
        rows.append(
            ActivityInstance(
                id=ids[item.key],
                instance=instance,
                phase=phases[item.phase_key],
                patient=patient,
                key=item.key,
                template_activity=item.activity_id,
                occurrence=item.occurrence,
                title_fr=spec["title"]["fr"],
                title_en=spec["title"]["en"],
                kind=spec["kind"],
                place=spec["place"],
                responsible_role=spec["responsible_role"],
                performer_role=spec.get("performer_role", ""),
                recipient_role=spec.get("recipient_role", ""),
                qualifications=list(spec.get("qualifications", []) or []),
                checklist=list(spec.get("checklist", []) or []),
                organisation=_organisation_for(spec["place"], patient, efs),
                anchor_kind=kind,
                anchor_phase=phases[reference] if kind in {"phase_start", "phase_end"} else None,  # type: ignore[index]
                anchor_activity_id=ids.get(str(reference)) if kind == "activity" else None,
                offset_months=item.offset.months,
                offset_days=item.offset.days,
                due_date=item.due,
                day=item.due,
                planned_date=item.due,
                delay_target_days=item.delay_days,
                delay_from_kind=delay_kind,
                delay_from_activity_id=(
                    ids.get(str(delay_reference)) if delay_kind == "activity" else None
                ),
            )
        )
    ActivityInstance.objects.bulk_create(rows, batch_size=500)
    through = ActivityInstance.depends_on.through
    links = [
        through(from_activityinstance_id=ids[item.key], to_activityinstance_id=ids[dep])
        for item in plan.activities
        for dep in item.depends_on
        if dep in ids
    ]
    through.objects.bulk_create(links, batch_size=500)
