"""Writes of the notification service: ask for a notification, dispatch the due ones.

``notification_send`` stores the message (audited) for the worker; ``notifications_dispatch``
(run by the worker every few seconds) claims the due messages, sends each on its current channel,
records every try, retries with back-off and passes to the next channel of the recipient's chain
when one gives up; a message no channel could deliver is ``failed`` and its requester is told in
the application."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import zoneinfo
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection as db_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..audit import audit_record, audit_record_many
from ..models import AuditAction, User
from . import rules
from .backends import DeliveryError, Rendered, address_for, deliver
from .models import (
    AttemptOutcome,
    Channel,
    DeliveryAttempt,
    Notification,
    NotificationPreference,
    NotificationStatus,
)

RESCHEDULED_FIELDS = ["failed_attempts", "status", "next_attempt_at", "claimed_until"]
CLAIM_LEASE = dt.timedelta(minutes=2)  # a claim left by a killed worker is taken again after it
KINDS: tuple[str, ...] = (
    "message",
    "delivery_failed",
)  # each has templates core/notifications/<kind>.*.txt


def register_kind(kind: str) -> None:
    """Higher apps add their kinds (and ship the templates) in ``AppConfig.ready()``."""
    global KINDS
    if kind not in KINDS:
        KINDS = (*KINDS, kind)


@dataclass(frozen=True)
class Recipient:
    label: str
    email: str = ""
    phone: str = ""
    secure_address: str = ""
    user: User | None = None
    person: str = ""  # preference key: "user:<id>" or "patient:<uuid>"
    default_chain: Sequence[str] = field(default=(Channel.IN_APP, Channel.EMAIL))

    @classmethod
    def for_user(cls, user: User) -> Recipient:
        return cls(
            label=user.get_full_name() or user.get_username(),
            email=user.email,
            user=user,
            person=f"user:{user.pk}",
        )


def preference_for(person: str) -> NotificationPreference | None:
    return NotificationPreference.objects.filter(person=person).first() if person else None


def _first_attempt_time(
    now: dt.datetime, preference: NotificationPreference | None, urgent: bool
) -> dt.datetime:
    if urgent or preference is None:
        return now
    zone = zoneinfo.ZoneInfo(preference.time_zone)
    local = rules.after_quiet_hours(
        now.astimezone(zone), preference.quiet_start, preference.quiet_end
    )
    return local.astimezone(dt.UTC)


@transaction.atomic
def notification_send(
    *,
    kind: str,
    recipient: Recipient,
    context: dict[str, Any],
    actor: User | None,
    patient_id: Any = None,
    chain: Sequence[str] | None = None,
    attachments: Sequence[dict[str, str]] = (),
    urgent: bool = False,
    reference: str = "",
    now: dt.datetime | None = None,
) -> Notification:
    """Store one notification for delivery (audited). ``chain``: the channels to try in order
    (default: the recipient's preference, else the recipient's default). Quiet hours defer
    the first try unless ``urgent``."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    now = now or timezone.now()
    preference = preference_for(recipient.person)
    preferred = preference.chain if preference is not None else None
    channels = list(chain or preferred or recipient.default_chain)
    if not channels or any(c not in Channel.values for c in channels):
        raise ValueError(f"invalid channel chain {channels!r}")
    notification = Notification.objects.create(
        kind=kind,
        patient_id=patient_id,
        requested_by=actor if actor is not None and actor.is_authenticated else None,
        recipient_user=recipient.user,
        recipient_label=recipient.label[:200],
        email=recipient.email,
        phone=recipient.phone,
        secure_address=recipient.secure_address,
        chain=channels,
        channel=channels[0],
        context=context,
        attachments=list(attachments),
        urgent=urgent,
        next_attempt_at=_first_attempt_time(now, preference, urgent),
        reference=reference[:120],
        created_at=now,
    )
    audit_record(
        actor=actor,
        action=AuditAction.NOTIFY,
        patient_id=patient_id,
        obj=notification,
        details={"kind": kind, "channels": channels, "recipient": recipient.label[:200]},
    )
    if notification.channel == Channel.IN_APP and notification.next_attempt_at <= now:
        _deliver(notification, now=now)  # nothing leaves the building: shown at once
    return notification


@dataclass(frozen=True)
class SendRequest:
    """One notification of ``notifications_send_many`` (the arguments of ``notification_send``)."""

    kind: str
    recipient: Recipient
    context: dict[str, Any]
    patient_id: Any = None
    chain: Sequence[str] | None = None
    reference: str = ""
    pk: Any = None


@transaction.atomic
def notifications_send_many(
    requests: Sequence[SendRequest], *, actor: User | None, now: dt.datetime | None = None
) -> list[Notification]:
    """``notification_send`` for many notifications at once (reminders): the same rules, one
    query for the preferences, one insert for the notifications and one for their audit."""
    now = now or timezone.now()
    persons = {r.recipient.person for r in requests if r.recipient.person}
    preferences = {p.person: p for p in NotificationPreference.objects.filter(person__in=persons)}
    rows = []
    for request in requests:
        if request.kind not in KINDS:
            raise ValueError(f"unknown notification kind {request.kind!r}")
        recipient = request.recipient
        preference = preferences.get(recipient.person)
        preferred = preference.chain if preference is not None else None
        channels = list(request.chain or preferred or recipient.default_chain)
        if not channels or any(c not in Channel.values for c in channels):
            raise ValueError(f"invalid channel chain {channels!r}")
        rows.append(
            Notification(
                **({"pk": request.pk} if request.pk is not None else {}),
                kind=request.kind,
                patient_id=request.patient_id,
                requested_by=actor if actor is not None and actor.is_authenticated else None,
                recipient_user=recipient.user,
                recipient_label=recipient.label[:200],
                email=recipient.email,
                phone=recipient.phone,
                secure_address=recipient.secure_address,
                chain=channels,
                channel=channels[0],
                context=request.context,
                urgent=False,
                next_attempt_at=_first_attempt_time(now, preference, False),
                reference=request.reference[:120],
                created_at=now,
            )
        )
    Notification.objects.bulk_create(rows, batch_size=500)
    audit_record_many(
        [
            {
                "actor": actor,
                "action": AuditAction.NOTIFY,
                "patient_id": n.patient_id,
                "obj": n,
                "details": {"kind": n.kind, "channels": n.chain, "recipient": n.recipient_label},
            }
            for n in rows
        ]
    )
    for notification in rows:
        if notification.channel == Channel.IN_APP and notification.next_attempt_at <= now:
            _deliver(notification, now=now)
    return rows


def notification_deliver_now(notification: Notification, *, now: dt.datetime | None = None) -> str:
    """Try a time-critical notification (a login code) at once instead of waiting for the
    worker's next pass; call it after the commit that stored the notification. The row is
    claimed like the worker claims it, so the worker never sends it twice; a failed try is
    retried by the worker as usual. Returns "sent", "retried", "escalated", "failed" or
    "skipped" (already taken or not yet due)."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Notification.objects.filter(
            pk=notification.pk, status=NotificationStatus.PENDING, next_attempt_at__lte=now
        ).update(status=NotificationStatus.SENDING, claimed_until=now + CLAIM_LEASE)
    if not claimed:
        return "skipped"
    notification.refresh_from_db()
    return _deliver(notification, now=now)


def render(notification: Notification, channel: str | None = None) -> Rendered:
    """The texts of a notification; with ``channel``, only those that channel sends (an SMS
    needs only its short text, an e-mail its subject and body)."""
    context = {**notification.context, "recipient": notification.recipient_label}
    base = f"core/notifications/{notification.kind}"
    wants_short = channel in (None, Channel.SMS)
    wants_mail = channel != Channel.SMS
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{base}.subject.txt", context).strip() if wants_mail else ""
        body = render_to_string(f"{base}.body.txt", context).strip() + "\n" if wants_mail else ""
        short = render_to_string(f"{base}.sms.txt", context).strip() if wants_short else ""
    return Rendered(subject=" ".join(subject.split()), body=body, short=short[:459])


@dataclass
class DispatchResult:
    sent: int = 0
    retried: int = 0
    escalated: int = 0
    failed: int = 0


def _claim(now: dt.datetime, limit: int) -> list[Notification]:
    due = Notification.objects.filter(
        status=NotificationStatus.PENDING, next_attempt_at__lte=now
    ) | Notification.objects.filter(status=NotificationStatus.SENDING, claimed_until__lt=now)
    with transaction.atomic():
        locked = due.order_by("next_attempt_at")
        if db_connection.features.has_select_for_update_skip_locked:
            locked = locked.select_for_update(skip_locked=True)
        ids = list(locked.values_list("pk", flat=True)[:limit])
        Notification.objects.filter(pk__in=ids).update(
            status=NotificationStatus.SENDING, claimed_until=now + CLAIM_LEASE
        )
    return list(Notification.objects.filter(pk__in=ids).order_by("next_attempt_at"))


SEND_THREADS = 4  # e-mails and SMS are sent by a small pool (network waits overlap)


def notifications_dispatch(*, now: dt.datetime | None = None, limit: int = 1000) -> DispatchResult:
    """Send the due notifications: e-mails and SMS by a small pool of threads (one SMTP
    connection each), the rest in turn; every outcome is recorded by this thread."""
    now = now or timezone.now()
    result = DispatchResult()
    claimed = _claim(now, limit)
    if not claimed:
        return result
    pooled = [
        n
        for n in claimed
        if n.channel in (Channel.EMAIL, Channel.SMS) and address_for(n, n.channel)
    ]
    ids = {n.pk for n in pooled}
    sent: list[tuple[Notification, str, dt.datetime]] = []
    local = threading.local()
    connections: list[BaseEmailBackend] = []

    def send(notification: Notification) -> tuple[str, DeliveryError | None]:
        connection = None
        if notification.channel == Channel.EMAIL:
            connection = getattr(local, "connection", None)
            if connection is None:
                connection = local.connection = get_connection(fail_silently=False)
                connections.append(connection)
        return _send(notification, connection)

    try:
        with ThreadPoolExecutor(SEND_THREADS) as pool:
            for start in range(0, len(pooled), SENT_FLUSH):  # sent, then recorded, 50 at a time
                part = pooled[start : start + SENT_FLUSH]
                for notification, (reference, error) in zip(
                    part, pool.map(send, part), strict=True
                ):
                    outcome = _outcome(notification, now, reference, error, sent)
                    setattr(result, outcome, getattr(result, outcome) + 1)
                _record_sent(sent, now)
        for notification in claimed:
            if notification.pk not in ids:
                outcome = _deliver(notification, now=now)
                setattr(result, outcome, getattr(result, outcome) + 1)
    finally:
        _record_sent(sent, now)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.close()
    return result


SENT_FLUSH = 50  # successful tries recorded together: a killed worker re-sends at most these


def _record_sent(sent: list[tuple[Notification, str, dt.datetime]], now: dt.datetime) -> None:
    """Record a run of successful tries in one transaction (one commit instead of one per
    message); a worker killed before it re-sends them after the lease (at least once)."""
    if not sent:
        return
    with transaction.atomic():
        DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(
                notification=n,
                channel=n.channel,
                outcome=AttemptOutcome.SENT,
                at=at,
                provider_reference=ref[:200],
            )
            for n, ref, at in sent
        )
        Notification.objects.filter(pk__in=[n.pk for n, _r, _a in sent]).update(
            status=NotificationStatus.SENT, sent_at=now, claimed_until=None
        )
    for notification, _ref, _at in sent:
        notification.status, notification.sent_at = NotificationStatus.SENT, now
    sent.clear()


def _attempt(notification: Notification, outcome: str, detail: str = "", ref: str = "") -> None:
    DeliveryAttempt.objects.create(
        notification=notification,
        channel=notification.channel,
        outcome=outcome,
        detail=detail[:500],
        provider_reference=ref[:200],
    )


def _deliver(
    notification: Notification,
    *,
    now: dt.datetime,
    email_connection: BaseEmailBackend | None = None,
) -> str:
    """One try on the current channel; returns "sent", "retried", "escalated" or "failed"."""
    if not address_for(notification, notification.channel):
        with transaction.atomic():
            _attempt(notification, AttemptOutcome.NO_ADDRESS)
            return _escalate(notification, now=now)
    reference, error = _send(notification, email_connection)
    return _outcome(notification, now, reference, error, None)


def _send(
    notification: Notification, email_connection: BaseEmailBackend | None
) -> tuple[str, DeliveryError | None]:
    """The try itself (no database): the provider's reference, or the error."""
    try:
        rendered = render(notification, notification.channel)
        return deliver(notification, rendered, email_connection), None
    except DeliveryError as error:
        return "", error


def _outcome(
    notification: Notification,
    now: dt.datetime,
    reference: str,
    error: DeliveryError | None,
    sent_buffer: list[tuple[Notification, str, dt.datetime]] | None,
) -> str:
    """Record a try: a failure is retried with back-off, then passes to the next channel; a
    success is recorded at once, or with the next flush when ``sent_buffer`` is given."""
    if error is not None:
        with transaction.atomic():
            _attempt(notification, AttemptOutcome.FAILED, str(error))
            notification.failed_attempts += 1
            delay = rules.retry_delay(notification.failed_attempts)
            if delay is None:
                return _escalate(notification, now=now)
            notification.status = NotificationStatus.PENDING
            notification.next_attempt_at = now + delay
            notification.claimed_until = None
            notification.save(update_fields=RESCHEDULED_FIELDS)
            return "retried"
    if sent_buffer is not None:
        sent_buffer.append((notification, reference, timezone.now()))
        return "sent"
    with transaction.atomic():
        _attempt(notification, AttemptOutcome.SENT, ref=reference)
        notification.status, notification.sent_at = NotificationStatus.SENT, now
        notification.claimed_until = None
        notification.save(update_fields=["status", "sent_at", "claimed_until"])
    return "sent"


def _escalate(notification: Notification, *, now: dt.datetime) -> str:
    following = rules.next_channel(notification.chain, notification.channel)
    if following is not None:
        _attempt(notification, AttemptOutcome.ESCALATED, f"→ {following}")
        notification.channel, notification.failed_attempts = following, 0
        notification.status, notification.next_attempt_at = NotificationStatus.PENDING, now
        notification.claimed_until = None
        notification.save(update_fields=[*RESCHEDULED_FIELDS, "channel"])
        return "escalated"
    notification.status, notification.claimed_until = NotificationStatus.FAILED, None
    notification.save(update_fields=["status", "claimed_until"])
    requester = notification.requested_by
    if requester is not None and notification.kind != "delivery_failed":
        notification_send(
            kind="delivery_failed",
            recipient=Recipient.for_user(requester),
            context={"kind": notification.kind, "recipient_label": notification.recipient_label},
            actor=None,
            patient_id=notification.patient_id,
            chain=(Channel.IN_APP,),
            urgent=True,
            now=now,
        )
    return "failed"


@transaction.atomic
def notification_mark_read(*, notification: Notification, actor: User) -> Notification:
    if notification.recipient_user_id != actor.pk:
        raise PermissionError("not the recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def preference_update(
    *,
    person: str,
    chain: Sequence[str],
    quiet_start: dt.time | None,
    quiet_end: dt.time | None,
    time_zone: str,
    actor: User,
) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.update_or_create(
        person=person,
        defaults={
            "chain": list(chain),
            "quiet_start": quiet_start,
            "quiet_end": quiet_end,
            "time_zone": time_zone,
        },
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=preference,
        details={"event": "notification_preference", "chain": list(chain)},
    )
    return preference
