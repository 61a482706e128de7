"""Activity transitions (explicit table), scheduling and assignment to a professional."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.directory.models import Professional, ProfessionalQualification
from oncoparcours.patients import services as patient_services
from oncoparcours.patients.models import CareTeamMember
from oncoparcours.patients.services import role_for_professional

from ..models import ActivityInstance, ActivityStatus, InstanceStatus, PathwayEvent
from ..rules.transitions import ACTIVITY_TRANSITIONS, allowed, can_move
from .redating import redate

STATUS_LABELS = dict(ActivityStatus.choices)


def _label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def _locked(activity: ActivityInstance, expected_version: int | None) -> ActivityInstance:
    current = (
        ActivityInstance.objects.select_for_update(of=("self",))
        .select_related("instance", "done_by")
        .get(pk=activity.pk)
    )
    if expected_version is not None and current.version != expected_version:
        who = current.done_by.display_name if current.done_by else _("someone else")
        raise ApplicationError(
            _(
                "This activity was changed meanwhile (now: %(status)s, by %(who)s). "
                "Reload the page to see the current state."
            )
            % {"status": _label(current.status), "who": who}
        )
    if current.instance.status != InstanceStatus.ACTIVE:
        raise ApplicationError(
            _("This pathway is %(status)s: resume it before changing its activities.")
            % {"status": current.instance.get_status_display().lower()}
        )
    return current


def _refuse_transition(activity: ActivityInstance, target: str) -> None:
    options = allowed(ACTIVITY_TRANSITIONS, activity.status)
    if options:
        message = _(
            "An activity that is %(current)s cannot become %(target)s. Possible next steps: "
            "%(options)s."
        ) % {
            "current": _label(activity.status).lower(),
            "target": _label(target).lower(),
            "options": ", ".join(_label(o).lower() for o in options),
        }
    else:
        message = _("This activity is already %(current)s: it can no longer change.") % {
            "current": _label(activity.status).lower()
        }
    raise ApplicationError(message, field="status", allowed=options)


@transaction.atomic
def activity_transition(
    *,
    activity: ActivityInstance,
    to: str,
    actor: User,
    on: dt.date | None = None,
    note: str = "",
    result_value: Decimal | None = None,
    result_unit: str = "",
    expected_version: int | None = None,
) -> ActivityInstance:
    activity = _locked(activity, expected_version)
    if to not in STATUS_LABELS or not can_move(ACTIVITY_TRANSITIONS, activity.status, to):
        _refuse_transition(activity, to)
    previous = activity.status
    today = timezone.localdate()
    if to == ActivityStatus.DONE:
        on = on or today
        if on > today:
            raise ApplicationError(_("An activity cannot be done in the future."), field="on")
        if on < activity.instance.start_date - dt.timedelta(days=30):
            raise ApplicationError(_("This date is long before the pathway started."), field="on")
        pending = list(
            activity.depends_on.exclude(status__in=[ActivityStatus.DONE, ActivityStatus.CANCELLED])
        )
        if pending:
            raise ApplicationError(
                _("Do these first: %(list)s.")
                % {"list": "; ".join(f"{p.title} ({p.display_date:%d/%m/%Y})" for p in pending)},
                field="status",
            )
        activity.done_on, activity.done_by = on, actor
        activity.result_value, activity.result_unit = result_value, result_unit
    elif to in (ActivityStatus.CANCELLED, ActivityStatus.MISSED) and not note.strip():
        raise ApplicationError(_("Say why (note)."), field="note")
    elif to == ActivityStatus.PLANNED:
        activity.scheduled_for = None
    activity.status = to
    activity.day = activity.expected_day()
    if note:
        activity.note = note
    activity.version += 1
    activity.save()
    late_by = (on - activity.due_date).days if to == ActivityStatus.DONE and on else 0
    PathwayEvent.objects.create(
        instance=activity.instance,
        activity=activity,
        kind="activity",
        from_state=previous,
        to_state=to,
        actor=actor,
        reason=note,
        details={"on": on.isoformat() if on else None, "late_by_days": late_by},
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=activity.patient_id,
        obj=activity,
        details={"from": previous, "to": to},
    )
    redate(activity.instance, actor=actor, cause=f"{activity.key} {previous}→{to}")
    activity.refresh_from_db()
    return activity


@transaction.atomic
def activity_schedule(
    *,
    activity: ActivityInstance,
    when: dt.datetime,
    actor: User,
    expected_version: int | None = None,
) -> ActivityInstance:
    activity = _locked(activity, expected_version)
    if activity.status != ActivityStatus.SCHEDULED and not can_move(
        ACTIVITY_TRANSITIONS, activity.status, ActivityStatus.SCHEDULED
    ):
        _refuse_transition(activity, ActivityStatus.SCHEDULED)
    if when < timezone.now() - dt.timedelta(days=1):
        raise ApplicationError(_("A new appointment cannot be in the past."), field="when")
    previous = activity.status
    activity.status, activity.scheduled_for = ActivityStatus.SCHEDULED, when
    activity.day = activity.expected_day()
    activity.version += 1
    activity.save()
    PathwayEvent.objects.create(
        instance=activity.instance,
        activity=activity,
        kind="activity",
        from_state=previous,
        to_state=ActivityStatus.SCHEDULED,
        actor=actor,
        details={"when": when.isoformat()},
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=activity.patient_id,
        obj=activity,
        details={"scheduled_for": when.isoformat()},
    )
    redate(activity.instance, actor=actor, cause=f"{activity.key} scheduled")
    activity.refresh_from_db()
    return activity


def missing_qualifications(professional: Professional, codes: list[str], on: dt.date) -> list[str]:
    """The required qualifications the professional does not hold valid on ``on`` (and today)."""
    today = timezone.localdate()
    held = ProfessionalQualification.objects.filter(
        professional=professional, qualification__code__in=codes
    )
    valid = {
        h.qualification.code
        for h in held.select_related("qualification")
        if h.is_valid_on(on) and h.is_valid_on(today)
    }
    return [code for code in codes if code not in valid]


@transaction.atomic
def activity_assign(
    *,
    activity: ActivityInstance,
    professional: Professional,
    actor: User,
    add_to_care_team: bool = False,
) -> ActivityInstance:
    activity = _locked(activity, None)
    if not activity.is_open:
        raise ApplicationError(_("Only planned or scheduled activities can be assigned."))
    if not professional.is_active:
        raise ApplicationError(_("This professional is no longer active."), field="professional")
    missing = missing_qualifications(
        professional, list(activity.qualifications), activity.display_date
    )
    if missing:
        from oncoparcours.directory.models import QualificationType

        names = [str(q) for q in QualificationType.objects.filter(code__in=missing)]
        raise ApplicationError(
            _(
                "%(name)s cannot perform this activity: missing or expired training (%(list)s) on "
                "%(date)s."
            )
            % {
                "name": professional.full_name,
                "list": ", ".join(names),
                "date": activity.display_date.strftime("%d/%m/%Y"),
            },
            field="professional",
        )
    today = timezone.localdate()
    in_team = (
        CareTeamMember.objects.filter(
            patient=activity.patient_id, professional=professional, start__lte=today
        )
        .exclude(end__lt=today)
        .exists()
    )
    if not in_team:
        if not add_to_care_team:
            raise ApplicationError(
                _(
                    "%(name)s is not in this patient's care team. Tick « add to the care team » to "
                    "add them (recorded) and assign the activity."
                )
                % {"name": professional.full_name},
                field="add_to_care_team",
            )
        patient_services.care_team_add(
            actor=actor,
            patient=activity.patient,
            professional=professional,
            role=role_for_professional(professional),
            reason=_("Assigned to « %(activity)s »") % {"activity": activity.title},
        )
    previous = activity.assigned_to
    activity.assigned_to = professional
    activity.version += 1
    activity.save(update_fields=["assigned_to", "version", "updated_at"])
    PathwayEvent.objects.create(
        instance=activity.instance,
        activity=activity,
        kind="assigned",
        actor=actor,
        details={"to": str(professional.pk), "from": str(previous.pk) if previous else None},
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=activity.patient_id,
        obj=activity,
        details={"assigned_to": str(professional.pk)},
    )
    return activity
