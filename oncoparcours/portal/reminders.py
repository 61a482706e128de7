"""Reminders sent through the core notification service: a questionnaire due (from its due
day), an appointment tomorrow (the calendar's planned activities), a questionnaire missed (the
coordination nurse is told in the application after the second consecutive miss of the same
questionnaire).

The job computes what is due and creates each reminder once: a ``Reminder`` row with a unique
key is written in the same transaction as its notification, so running the job twice, or on
two workers at once, never sends a reminder twice (PostgreSQL and SQLite). Quiet hours and the
person's preferred channel are the notification service's."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.models import User
from oncoparcours.core.notifications.models import Channel
from oncoparcours.core.notifications.services import (
    Recipient,
    SendRequest,
    notifications_send_many,
)
from oncoparcours.monitoring import prom_catalogue
from oncoparcours.monitoring.models import DueStatus, QuestionnaireDue
from oncoparcours.pathways.models import ActivityInstance, ActivityStatus, InstanceStatus
from oncoparcours.patients.models import CareTeamMember

from .models import PortalAccount, Reminder
from .selectors import ACTIVITY_KINDS
from .services import _recipient, site_url

PROM_DUE, APPOINTMENT, PROM_MISSED, NURSE_MISSED = (
    "reminder_questionnaire",
    "reminder_appointment",
    "reminder_missed",
    "reminder_missed_twice",
)
KINDS = (PROM_DUE, APPOINTMENT, PROM_MISSED, NURSE_MISSED)
MISSED_NOTICE_DAYS = 2  # a miss older than this is not reminded any more (job down for days)


@dataclass(frozen=True)
class Wanted:
    key: str
    kind: str
    patient_id: uuid.UUID
    recipient: Recipient
    context: dict[str, Any]
    chain: tuple[str, ...] | None = None


@dataclass
class ReminderResult:
    created: int = 0
    already: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def reminders_send(*, today: dt.date | None = None) -> ReminderResult:
    """Create the reminders due today that were not created yet."""
    today = today or timezone.localdate()
    wanted = [
        *_prom_due(today),
        *_appointments(today + dt.timedelta(days=1)),
        *_prom_missed(today),
    ]
    return reminders_create(wanted)


def reminders_create(wanted: Iterable[Wanted], *, batch: int = 500) -> ReminderResult:
    """Create the reminders not created yet, ``batch`` per transaction: the keys are inserted
    first (a key already there — an earlier run, or another worker at this moment — is left
    alone), then a notification for each key this run inserted, under the id its row names."""
    result = ReminderResult()
    for chunk in _chunks(list(wanted), batch):
        unique = list({item.key: item for item in chunk}.values())
        result.already += len(chunk) - len(unique)
        with transaction.atomic():
            ids = {item.key: uuid.uuid4() for item in unique}
            Reminder.objects.bulk_create(
                [
                    Reminder(
                        key=item.key,
                        kind=item.kind,
                        patient_id=item.patient_id,
                        notification_id=ids[item.key],
                    )
                    for item in unique
                ],
                ignore_conflicts=True,
            )
            ours = dict(
                Reminder.objects.filter(key__in=list(ids)).values_list("key", "notification_id")
            )
            mine = [item for item in unique if ours.get(item.key) == ids[item.key]]
            result.already += len(unique) - len(mine)
            notifications_send_many(
                [
                    SendRequest(
                        kind=item.kind,
                        recipient=item.recipient,
                        context=item.context,
                        patient_id=item.patient_id,
                        chain=item.chain,
                        reference=item.key[:120],
                        pk=ids[item.key],
                    )
                    for item in mine
                ],
                actor=None,
            )
            for item in mine:
                result.created += 1
                result.by_kind[item.kind] += 1
    return result


def _chunks(items: list[Wanted], size: int) -> Iterator[list[Wanted]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _accounts(patient_ids: Iterable[uuid.UUID], right: str) -> dict[uuid.UUID, list[PortalAccount]]:
    """Who is reminded: portal accounts in force only — not withdrawn, a relative only with the
    patient's recorded consent, nobody once the patient's death is recorded (a reminder to a
    bereaved family would be cruel). A patient without an account gets no reminder."""
    found: dict[uuid.UUID, list[PortalAccount]] = defaultdict(list)
    for account in (
        PortalAccount.objects.filter(
            patient_id__in=set(patient_ids),
            revoked_at__isnull=True,
            patient__deceased_on__isnull=True,
        )
        .filter(Q(kind="patient") | Q(consent_on__isnull=False))
        .order_by("created_at")
    ):
        if account.may(right):
            found[account.patient_id].append(account)
    return found


def _senders(patient_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Who the reminder comes from, as the patient knows them: their care team at their centre
    (one query)."""
    from oncoparcours.patients.models import Patient

    found = Patient.objects.filter(pk__in=set(patient_ids)).values_list("pk", "expert_centre__name")
    team = _("Your care team")
    return {
        pk: _("Your care team at %(centre)s") % {"centre": centre} if centre else team
        for pk, centre in found
    }


def _prom_due(today: dt.date) -> list[Wanted]:
    dues = list(
        QuestionnaireDue.objects.filter(
            status=DueStatus.DUE,
            due_on__lte=today,
            closes_on__gte=today,
            pathway_instance__status=InstanceStatus.ACTIVE,  # none while paused or ended
        ).order_by("due_on")
    )
    accounts = _accounts((d.patient_id for d in dues), "questionnaires")
    senders = _senders(accounts)
    url = site_url()
    return [
        Wanted(
            key=f"{PROM_DUE}:{due.pk}:{account.pk}",
            kind=PROM_DUE,
            patient_id=due.patient_id,
            recipient=_recipient(account),
            context={
                "questionnaire": prom_catalogue.title(due.instrument, due.instrument_version),
                "until": due.closes_on.strftime("%d/%m/%Y"),
                "url": url,
                "sender": senders.get(due.patient_id, _("Your care team")),
            },
        )
        for due in dues
        for account in accounts[due.patient_id]
    ]


def _appointments(day: dt.date) -> list[Wanted]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    kinds = [k for k in ACTIVITY_KINDS if k != "rcp_review"]
    activities = list(
        ActivityInstance.objects.filter(
            kind__in=kinds,
            patient__deceased_on__isnull=True,
            instance__status=InstanceStatus.ACTIVE,  # none while paused or ended
        )
        .filter(
            Q(status=ActivityStatus.PLANNED, day=day)
            | Q(
                status=ActivityStatus.SCHEDULED,
                scheduled_for__gte=start,
                scheduled_for__lt=start + dt.timedelta(days=1),
            )
        )
        .only("pk", "patient_id", "kind", "status", "scheduled_for", "day")
    )
    accounts = _accounts((a.patient_id for a in activities), "calendar")
    senders = _senders(accounts)
    url = site_url("portal:calendar")
    wanted = []
    for activity in activities:
        when = (
            timezone.localtime(activity.scheduled_for).strftime("%H:%M").replace(":", " h ")
            if activity.status == ActivityStatus.SCHEDULED and activity.scheduled_for
            else ""
        )
        for account in accounts[activity.patient_id]:
            wanted.append(
                Wanted(
                    key=f"{APPOINTMENT}:{activity.pk}:{day.isoformat()}:{account.pk}",
                    kind=APPOINTMENT,
                    patient_id=activity.patient_id,
                    recipient=_recipient(account),
                    context={
                        "what": str(ACTIVITY_KINDS[activity.kind]),
                        "day": day.strftime("%d/%m/%Y"),
                        "time": when,
                        "url": url,
                        "sender": senders.get(activity.patient_id, _("Your care team")),
                    },
                )
            )
    return wanted


def _prom_missed(today: dt.date) -> list[Wanted]:
    since = today - dt.timedelta(days=MISSED_NOTICE_DAYS)
    missed = list(
        QuestionnaireDue.objects.filter(
            status=DueStatus.MISSED,
            missed_on__gte=since,
            pathway_instance__status=InstanceStatus.ACTIVE,
        )
    )
    if not missed:
        return []
    accounts = _accounts((d.patient_id for d in missed), "questionnaires")
    senders = _senders(accounts)
    url = site_url()
    wanted = [
        Wanted(
            key=f"{PROM_MISSED}:{due.pk}:{account.pk}",
            kind=PROM_MISSED,
            patient_id=due.patient_id,
            recipient=_recipient(account),
            context={
                "questionnaire": prom_catalogue.title(due.instrument, due.instrument_version),
                "url": url,
                "sender": senders.get(due.patient_id, _("Your care team")),
            },
        )
        for due in missed
        for account in accounts[due.patient_id]
    ]
    return wanted + _nurse_after_second_miss(missed)


def _nurse_after_second_miss(missed: list[QuestionnaireDue]) -> list[Wanted]:
    """The coordination nurses of the patient, in the application, when the questionnaire
    missed follows another miss of the same questionnaire in the same pathway."""
    history: dict[tuple[Any, str], list[tuple[dt.date, str]]] = defaultdict(list)
    for instance_id, instrument, due_on, status in (
        QuestionnaireDue.objects.filter(
            pathway_instance_id__in={d.pathway_instance_id for d in missed}
        )
        .order_by("due_on")
        .values_list("pathway_instance_id", "instrument", "due_on", "status")
    ):
        history[(instance_id, instrument)].append((due_on, status))
    twice = []
    for due in missed:
        before = [
            s for day, s in history[(due.pathway_instance_id, due.instrument)] if day < due.due_on
        ]
        if before and before[-1] == DueStatus.MISSED:
            twice.append(due)
    nurses = _coordination_nurses({d.patient_id for d in twice})
    return [
        Wanted(
            key=f"{NURSE_MISSED}:{due.pk}:{user.pk}",
            kind=NURSE_MISSED,
            patient_id=due.patient_id,
            recipient=Recipient.for_user(user),
            context={
                "subject": _("Two questionnaires missed in a row"),
                "questionnaire": prom_catalogue.title(due.instrument, due.instrument_version),
                "url": site_url_for_patient(due.patient_id),
            },
            chain=(Channel.IN_APP,),
        )
        for due in twice
        for user in nurses[due.patient_id]
    ]


def site_url_for_patient(patient_id: uuid.UUID) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "monitoring:proms", kwargs={"patient_id": patient_id}
    )


def _coordination_nurses(patient_ids: set[uuid.UUID]) -> dict[uuid.UUID, list[User]]:
    today = timezone.localdate()
    found: dict[uuid.UUID, list[User]] = defaultdict(list)
    for member in (
        CareTeamMember.objects.filter(
            patient_id__in=patient_ids,
            role="coordination_nurse",
            start__lte=today,
            professional__user__isnull=False,
        )
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .select_related("professional__user")
    ):
        found[member.patient_id].append(member.professional.user)  # type: ignore[arg-type]
    return found
