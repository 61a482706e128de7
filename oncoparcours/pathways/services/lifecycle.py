"""Phase transitions (checked against entry/exit criteria, physician override with reason),
pause, resume and end of a pathway; programme refusals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.forms import application_error_from_validation
from oncoparcours.core.models import AuditAction, User
from oncoparcours.directory.models import Profession
from oncoparcours.patients.models import Patient
from oncoparcours.patients.permissions import require_care_planner
from oncoparcours.patients.selectors import professional_for

from .. import criteria
from ..models import (
    ActivityInstance,
    ActivityStatus,
    EndReason,
    InstanceStatus,
    PathwayEvent,
    PathwayInstance,
    PathwayRefusal,
    PhaseInstance,
    PhaseStatus,
)
from ..rules.transitions import INSTANCE_TRANSITIONS, allowed, can_move
from .redating import redate

PAUSE_REASONS = ("toxicity", "hospitalisation", "patient_request", "other")


@dataclass(frozen=True)
class CriterionOutcome:
    moment: str  # "exit" of the current phase or "entry" of the next one
    label: str
    met: bool
    detail: str


def _label(criterion: dict) -> str:
    label = criterion.get("label") or {}
    language = "en" if (get_language() or "fr").startswith("en") else "fr"
    return label.get(language) or label.get("fr") or criterion["check"]


def phase_criteria(instance: PathwayInstance) -> list[CriterionOutcome]:
    """Exit criteria of the current phase and entry criteria of the next, evaluated now."""
    current = instance.current_phase
    if current is None:
        return []
    outcomes = []
    for criterion in current.exit_criteria:
        result = criteria.evaluate(
            criterion["check"], instance, current, criterion.get("params", {})
        )
        outcomes.append(CriterionOutcome("exit", _label(criterion), result.met, result.detail))
    following = instance.phases.filter(order=current.order + 1).first()
    if following is not None:
        for criterion in following.entry_criteria:
            result = criteria.evaluate(
                criterion["check"], instance, following, criterion.get("params", {})
            )
            outcomes.append(CriterionOutcome("entry", _label(criterion), result.met, result.detail))
    return outcomes


def _locked_instance(instance: PathwayInstance) -> PathwayInstance:
    return (
        PathwayInstance.objects.select_for_update(of=("self",))
        .select_related("current_phase", "patient")
        .get(pk=instance.pk)
    )


def _move(instance: PathwayInstance, target: str) -> None:
    if not can_move(INSTANCE_TRANSITIONS, instance.status, target):
        options = allowed(INSTANCE_TRANSITIONS, instance.status)
        labels = dict(InstanceStatus.choices)
        raise ApplicationError(
            _("A pathway that is %(current)s cannot become %(target)s. Possible: %(options)s.")
            % {
                "current": str(labels[instance.status]).lower(),
                "target": str(labels[target]).lower(),
                "options": ", ".join(str(labels[o]).lower() for o in options) or _("none"),
            },
            allowed=options,
        )


@transaction.atomic
def phase_advance(
    *,
    instance: PathwayInstance,
    actor: User,
    override_reason: str = "",
    expected_phase: str | None = None,
) -> PathwayInstance:
    require_care_planner(actor, instance.patient_id)
    instance = _locked_instance(instance)
    if instance.status != InstanceStatus.ACTIVE:
        raise ApplicationError(_("Only a pathway in progress moves to its next phase."))
    current = instance.current_phase
    if current is None:
        raise ApplicationError(_("This pathway has no current phase."))
    if expected_phase and current.key != expected_phase:
        raise ApplicationError(
            _("The pathway has already moved on (now: %(phase)s).") % {"phase": current.title}
        )
    unmet = [o for o in phase_criteria(instance) if not o.met]
    overridden = False
    if unmet:
        if not override_reason.strip():
            raise ApplicationError(
                _(
                    "Criteria not met: %(list)s. "
                    "A physician can move on anyway with a recorded reason."
                )
                % {"list": "; ".join(f"{o.label} ({o.detail})" for o in unmet)},
                field="override_reason",
            )
        professional = professional_for(actor)
        if professional is None or professional.profession != Profession.PHYSICIAN:
            raise ApplicationError(
                _("Only a physician can override unmet criteria."), field="override_reason"
            )
        overridden = True
    today = timezone.localdate()
    following = instance.phases.filter(order=current.order + 1).first()
    current.status, current.completed_on = PhaseStatus.COMPLETED, today
    current.save(update_fields=["status", "completed_on", "updated_at"])
    if following is None:
        instance.status, instance.current_phase, instance.ended_on = (
            InstanceStatus.COMPLETED,
            None,
            today,
        )
        instance.end_reason = EndReason.COMPLETED
    else:
        following.status, following.started_on = PhaseStatus.ACTIVE, today
        following.save(update_fields=["status", "started_on", "updated_at"])
        instance.current_phase = following
    instance.version += 1
    instance.save()
    PathwayEvent.objects.create(
        instance=instance,
        phase=current,
        kind="phase_override" if overridden else "phase",
        from_state=current.key,
        to_state=following.key if following else InstanceStatus.COMPLETED,
        actor=actor,
        reason=override_reason.strip(),
        details={"unmet": [f"{o.label}: {o.detail}" for o in unmet]},
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=instance.patient_id,
        obj=instance,
        reason=override_reason.strip(),
        details={
            "phase": current.key,
            "next": following.key if following else None,
            "override": overridden,
        },
    )
    redate(instance, actor=actor, cause=f"phase {current.key} completed")
    return instance


@transaction.atomic
def pathway_pause(
    *, instance: PathwayInstance, actor: User, reason: str, note: str = ""
) -> PathwayInstance:
    require_care_planner(actor, instance.patient_id)
    instance = _locked_instance(instance)
    _move(instance, InstanceStatus.PAUSED)
    if reason not in PAUSE_REASONS:
        raise ApplicationError(_("Choose the reason for the pause."), field="reason")
    instance.status, instance.paused_on, instance.pause_reason = (
        InstanceStatus.PAUSED,
        timezone.localdate(),
        reason,
    )
    instance.version += 1
    instance.save()
    PathwayEvent.objects.create(
        instance=instance,
        kind="paused",
        from_state=InstanceStatus.ACTIVE,
        to_state=InstanceStatus.PAUSED,
        actor=actor,
        reason=note,
        details={"reason": reason},
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=instance.patient_id,
        obj=instance,
        reason=note,
        details={"paused": reason},
    )
    return instance


@transaction.atomic
def pathway_resume(*, instance: PathwayInstance, actor: User, note: str = "") -> PathwayInstance:
    """Resume: the open activities planned after the pause start move by the pause's length
    (activities anchored on them follow), and the current phase lasts that much longer."""
    require_care_planner(actor, instance.patient_id)
    instance = _locked_instance(instance)
    _move(instance, InstanceStatus.ACTIVE)
    assert instance.paused_on is not None
    days = (timezone.localdate() - instance.paused_on).days
    if days:
        activities = list(
            instance.activities.filter(
                status__in=[ActivityStatus.PLANNED, ActivityStatus.SCHEDULED]
            )
        )
        shifting = {a.pk for a in activities if a.display_date >= instance.paused_on}
        roots = [a for a in activities if a.pk in shifting and a.anchor_activity_id not in shifting]
        for activity in roots:
            activity.shift_days += days
        ActivityInstance.objects.bulk_update(roots, ["shift_days"])
        if instance.current_phase is not None:
            PhaseInstance.objects.filter(pk=instance.current_phase.pk).update(
                pause_days=instance.current_phase.pause_days + days
            )
    instance.status, instance.paused_on = InstanceStatus.ACTIVE, None
    instance.version += 1
    instance.save()
    PathwayEvent.objects.create(
        instance=instance,
        kind="resumed",
        from_state=InstanceStatus.PAUSED,
        to_state=InstanceStatus.ACTIVE,
        actor=actor,
        reason=note,
        details={"paused_days": days},
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=instance.patient_id,
        obj=instance,
        details={"resumed_after_days": days},
    )
    redate(instance, actor=actor, cause="pathway resumed")
    return instance


@transaction.atomic
def pathway_end(
    *, instance: PathwayInstance, actor: User, reason: str, note: str = ""
) -> PathwayInstance:
    require_care_planner(actor, instance.patient_id)
    instance = _locked_instance(instance)
    _move(instance, InstanceStatus.ENDED)
    if reason not in EndReason.values or reason == EndReason.COMPLETED:
        raise ApplicationError(_("Choose why the pathway ends."), field="reason")
    if reason == EndReason.OTHER and not note.strip():
        raise ApplicationError(_("Say why (note)."), field="note")
    today = timezone.localdate()
    cancelled = instance.activities.filter(
        status__in=[ActivityStatus.PLANNED, ActivityStatus.SCHEDULED]
    )
    count = cancelled.update(
        status=ActivityStatus.CANCELLED,
        note=_("Pathway ended: %(reason)s") % {"reason": EndReason(reason).label},
    )
    previous = instance.status
    instance.status, instance.ended_on, instance.end_reason, instance.end_note = (
        InstanceStatus.ENDED,
        today,
        reason,
        note,
    )
    instance.version += 1
    instance.save()
    PathwayEvent.objects.create(
        instance=instance,
        kind="ended",
        from_state=previous,
        to_state=InstanceStatus.ENDED,
        actor=actor,
        reason=note,
        details={"reason": reason, "cancelled_activities": count},
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=instance.patient_id,
        obj=instance,
        reason=note,
        details={"ended": reason},
    )
    return instance


@transaction.atomic
def pathway_refusal_record(
    *,
    patient: Patient,
    template_code: str,
    reason: str,
    note: str,
    actor: User,
    recorded_on: dt.date | None = None,
) -> PathwayRefusal:
    require_care_planner(actor, patient.pk)
    refusal = PathwayRefusal(
        patient=patient,
        template_code=template_code,
        reason=reason,
        note=note,
        recorded_on=recorded_on or timezone.localdate(),
        recorded_by=actor,
    )
    try:
        refusal.full_clean(exclude=["patient", "recorded_by"])
    except ValidationError as error:
        raise application_error_from_validation(error) from error
    refusal.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        obj=refusal,
        details={"template": template_code, "reason": reason},
    )
    return refusal
