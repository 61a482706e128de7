"""Acting on alerts (acknowledge, resolve), escalating unanswered ones when their deadline passes,
and reminding the team when a patient on home treatment has not reported for a week.

Every state change is a new AlertEvent row; the alert itself never changes. Escalation steps are
unique per alert, so concurrent or restarted workers cannot escalate twice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User

from ..models import (
    Alert,
    AlertEvent,
    AlertEventKind,
    AlertKind,
    AlertRecipient,
    Report,
    ResolutionAction,
    TriageRuleSet,
)
from ..rules import policy
from .reports import create_alert
from .routing import notified_note, route
from .rulesets import compiled

MISSING_REPORT_DAYS = 7

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def _events(alert: Alert) -> dict[str, list[AlertEvent]]:
    grouped: dict[str, list[AlertEvent]] = {}
    for event in AlertEvent.objects.filter(alert=alert).select_related("actor"):
        grouped.setdefault(event.kind, []).append(event)
    return grouped


def _refuse_if_closed(alert: Alert, events: dict[str, list[AlertEvent]], wanted: str) -> None:
    if AlertEventKind.RESOLVED in events:
        done = events[AlertEventKind.RESOLVED][0]
        raise ApplicationError(
            _("This alert was already resolved by %(who)s on %(when)s.")
            % {
                "who": done.actor.display_name if done.actor else "?",
                "when": timezone.localtime(done.at).strftime("%d/%m/%Y %H:%M"),
            }
        )
    if wanted == AlertEventKind.ACKNOWLEDGED and AlertEventKind.ACKNOWLEDGED in events:
        done = events[AlertEventKind.ACKNOWLEDGED][0]
        raise ApplicationError(
            _("This alert was already acknowledged by %(who)s at %(when)s.")
            % {
                "who": done.actor.display_name if done.actor else "?",
                "when": timezone.localtime(done.at).strftime("%d/%m/%Y %H:%M"),
            }
        )


def _lock(alert: Alert) -> Alert:
    return Alert.objects.select_for_update(of=("self",)).get(pk=alert.pk)


@transaction.atomic
def alert_acknowledge(
    *, alert: Alert, actor: User, note: str = "", at: dt.datetime | None = None
) -> AlertEvent:
    alert = _lock(alert)
    _refuse_if_closed(alert, _events(alert), AlertEventKind.ACKNOWLEDGED)
    try:
        with transaction.atomic():
            event = AlertEvent.objects.create(
                alert=alert,
                kind=AlertEventKind.ACKNOWLEDGED,
                actor=actor,
                note=note,
                at=at or timezone.now(),
            )
    except IntegrityError as error:
        raise ApplicationError(
            _("This alert was acknowledged by someone else a moment ago.")
        ) from error
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=alert.patient_id,
        obj=alert,
        details={"acknowledged": True},
    )
    return event


@transaction.atomic
def alert_resolve(
    *, alert: Alert, actor: User, action: str, note: str = "", at: dt.datetime | None = None
) -> AlertEvent:
    at = at or timezone.now()
    alert = _lock(alert)
    events = _events(alert)
    _refuse_if_closed(alert, events, AlertEventKind.RESOLVED)
    if action not in ResolutionAction.values:
        raise ApplicationError(_("Say what was done."), field="action")
    if (
        action != ResolutionAction.NO_ACTION
        and not note.strip()
        and alert.level in ("immediate", "emergency")
    ):
        raise ApplicationError(
            _("Describe what was done for an immediate or emergency alert."), field="note"
        )
    if AlertEventKind.ACKNOWLEDGED not in events:
        AlertEvent.objects.create(
            alert=alert,
            kind=AlertEventKind.ACKNOWLEDGED,
            actor=actor,
            note=_("Acknowledged when resolved"),
            at=at,
        )
    event = AlertEvent.objects.create(
        alert=alert, kind=AlertEventKind.RESOLVED, actor=actor, action=action, note=note, at=at
    )
    # the "resolved" event removes the alert from the open alerts' index (database trigger)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=alert.patient_id,
        obj=alert,
        details={"resolved": action},
    )
    return event


class _Overdue(TypedDict):
    current_deadline: dt.datetime
    step: int


def open_alerts_past_deadline(now: dt.datetime) -> QuerySet[WithAnnotations[Alert, _Overdue]]:
    """Alerts neither acknowledged nor resolved whose current deadline has passed."""
    last_escalation = AlertEvent.objects.filter(alert=OuterRef("pk"), kind=AlertEventKind.ESCALATED)
    closed = AlertEvent.objects.filter(
        alert=OuterRef("pk"), kind__in=[AlertEventKind.ACKNOWLEDGED, AlertEventKind.RESOLVED]
    )
    return (
        Alert.objects.filter(deadline__isnull=False)
        .annotate(
            current_deadline=Coalesce(
                Subquery(last_escalation.order_by("-step").values("deadline")[:1]), "deadline"
            ),
            step=Coalesce(Max("events__step", filter=Q(events__kind=AlertEventKind.ESCALATED)), 0),
        )
        .filter(~Exists(closed), current_deadline__lt=now)
        .order_by("current_deadline")
    )


def escalation_ladder(label: str) -> policy.RuleSet:
    """The rule set whose escalation ladder applies to an alert raised under ``label``."""
    code, _sep, version = label.partition("@")
    stored = TriageRuleSet.objects.filter(code=code, version=version or 1).first()
    return compiled(stored) if stored else _fallback()


@dataclass(frozen=True)
class NextEscalation:
    """What happens to an open alert if nobody takes charge (for the alert page)."""

    at: dt.datetime | None  # None: the last escalation has been made
    roles: tuple[str, ...]
    step: int  # the step that would come next (or the last one made)
    max_escalations: int


def next_escalation(
    alert: Alert, *, step: int, deadline: dt.datetime | None
) -> NextEscalation | None:
    """The next escalation of an open alert as the worker will make it: at its current deadline
    (checked every minute), to the roles of its rule set's ladder for its level; ``None`` when
    its level has no ladder or it has no deadline."""
    ladder = escalation_ladder(alert.rule_set_label)
    rung = ladder.escalation.get(alert.level)
    if rung is None or deadline is None:
        return None
    if step >= ladder.max_escalations:
        return NextEscalation(None, rung.notify, step, ladder.max_escalations)
    return NextEscalation(deadline, rung.notify, step + 1, ladder.max_escalations)


def escalate_overdue_alerts(now: dt.datetime | None = None, limit: int = 500) -> int:
    """Escalate each overdue alert one step (to the roles of its rule set's escalation ladder)."""
    now = now or timezone.now()
    escalated = 0
    rule_sets: dict[str, policy.RuleSet] = {}
    for candidate in open_alerts_past_deadline(now)[:limit]:
        label = candidate.rule_set_label
        if label not in rule_sets:
            rule_sets[label] = escalation_ladder(label)
        ladder = rule_sets[label]
        if candidate.step >= ladder.max_escalations:
            continue
        rung = ladder.escalation.get(candidate.level)
        if rung is None:
            continue
        if _escalate(candidate, candidate.step + 1, rung, now):
            escalated += 1
    return escalated


def _fallback() -> policy.RuleSet:
    from .. import triage

    return triage.load_rule_set("default")


def _escalate(alert: Alert, step: int, rung: policy.Escalation, now: dt.datetime) -> bool:
    try:
        with transaction.atomic():
            locked = (
                Alert.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=alert.pk)
                .first()
            )
            if locked is None:
                return False  # another worker holds it
            if AlertEvent.objects.filter(
                alert=alert, kind__in=[AlertEventKind.ACKNOWLEDGED, AlertEventKind.RESOLVED]
            ).exists():
                return False
            deadline = now + dt.timedelta(minutes=rung.within_minutes)
            routing = route(alert.patient, list(rung.notify), actor_label=f"escalation {step}")
            routed = routing.recipients
            AlertEvent.objects.create(
                alert=alert,
                kind=AlertEventKind.ESCALATED,
                step=step,
                deadline=deadline,
                at=now,
                note=notified_note(routing),  # who was reached, and who could not be
            )
            AlertRecipient.objects.bulk_create(
                [
                    AlertRecipient(
                        alert=alert, professional=p, role=role, step=step, notified_at=now
                    )
                    for p, role in routed
                ],
                ignore_conflicts=True,
            )
            audit_record(
                actor=None,
                action=AuditAction.UPDATE,
                patient_id=alert.patient_id,
                obj=alert,
                details={"escalated": step},
            )
    except IntegrityError:
        return False  # the same step was written by another worker
    return True


def remind_missing_reports(today: dt.date | None = None) -> int:
    """A routine alert to the coordination nurse when a patient on home treatment has not
    reported for a week (at most one per patient and ISO week)."""
    from oncoparcours.pathways.models import ActivityInstance, PathwayInstance

    today = today or timezone.localdate()
    since = timezone.now() - dt.timedelta(days=MISSING_REPORT_DAYS)
    home_now = ActivityInstance.objects.filter(
        instance=OuterRef("pk"), phase=OuterRef("current_phase"), place="home"
    )
    recent = Report.objects.filter(patient=OuterRef("patient"), submitted_at__gte=since)
    instances = (
        PathwayInstance.objects.filter(
            status="active", start_date__lte=today - dt.timedelta(days=MISSING_REPORT_DAYS)
        )
        .filter(Exists(home_now))
        .exclude(Exists(recent))
        .select_related("patient")
    )
    year, week, _day = today.isocalendar()
    decision = policy.Decision(
        "routine",
        4320,
        ("coordination_nurse",),
        {
            "fr": _("No report for %(days)s days while on home treatment: call the patient.")
            % {"days": MISSING_REPORT_DAYS}
        },
        "missing-report",
    )
    created = 0
    for instance in instances:
        try:
            with transaction.atomic():
                create_alert(
                    patient=instance.patient,
                    report=None,
                    decision=decision,
                    rule_set_label="",
                    now=timezone.now(),
                    kind=AlertKind.MISSING_REPORT,
                    dedup_key=f"missing-{year}-W{week:02d}",
                )
            created += 1
        except IntegrityError:
            continue
    return created
