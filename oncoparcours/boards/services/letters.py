"""The board's documents to the GP by secure health mail (MSSanté), through the core notification
service: the RCP record and the PPS attached, a link to confirm receipt, the delivery followed on
the case page. No GP secure address: the message cannot leave, the case page says so and the
physician who validated is told (the notification service's failure path). The letter is tried
at once after the commit (not at the worker's next pass)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.core.notifications.models import Channel, NotificationStatus
from oncoparcours.core.notifications.services import (
    Recipient,
    notification_deliver_now,
    notification_send,
)

from ..models import Document, DocumentKind, OutboxMessage

if TYPE_CHECKING:
    from ..models import Decision

KIND = "board_decision_letter"
SALT = "boards.outbox.acknowledge"
ACKNOWLEDGE_MAX_AGE = 180 * 24 * 3600  # a GP may open the mail months later


def acknowledge_token(message: OutboxMessage) -> str:
    return signing.dumps(str(message.pk), salt=SALT)


def _attachments(decision: Decision) -> list[dict[str, str]]:
    names: dict[str, str] = {
        DocumentKind.RCP_RECORD: "compte-rendu-rcp",
        DocumentKind.PPS: "programme-de-soins",
    }
    documents = Document.objects.filter(decision=decision).order_by("kind")
    return [
        {
            "path": f"boards/{document.storage_name}",
            "name": f"{names.get(document.kind, document.kind)}-v{decision.version}.pdf",
            "mime": "application/pdf",
        }
        for document in documents
    ]


def _decided_at(decision: Decision) -> dt.datetime:
    """When the board made the decision: its validation time, a correction within the same
    session keeping the first version's (the day the case was discussed)."""
    first = decision
    while first.amends is not None and first.amends.session_id == first.session_id:
        first = first.amends
    return first.validated_at


def letter_send(*, message: OutboxMessage, actor: User | None) -> OutboxMessage:
    """Hand the decision's documents to the notification service for the GP's secure mail."""
    document = message.document
    decision = document.decision
    case = decision.case
    patient = case.patient
    gp = message.recipient
    link = reverse("boards:letter_acknowledge", args=[acknowledge_token(message)])
    notification = notification_send(
        kind=KIND,
        recipient=Recipient(
            label=message.recipient_label,
            secure_address=gp.secure_mail_address if gp is not None else "",
            default_chain=(Channel.SECURE_MAIL,),
        ),
        context={
            "patient": patient.display_name,
            "birth_date": patient.birth_date.strftime("%d/%m/%Y"),
            "board": decision.session.board.name,
            # The day the board decided (the session may be held before its planned date).
            "session_date": timezone.localtime(_decided_at(decision)).strftime("%d/%m/%Y"),
            "version": decision.version,
            "acknowledge_url": f"{settings.SITE_URL.rstrip('/')}{link}",
        },
        actor=actor,
        patient_id=patient.pk,
        chain=(Channel.SECURE_MAIL,),
        attachments=_attachments(decision),
        reference=f"boards.outbox:{message.pk}",
    )
    message.notification = notification
    message.save(update_fields=["notification", "updated_at"])
    # The letter leaves as soon as the decision is committed (the case page then says "sent");
    # a failed try is retried by the worker as usual.
    transaction.on_commit(lambda: notification_deliver_now(notification))
    return message


@transaction.atomic
def letter_resend(*, message: OutboxMessage, actor: User) -> OutboxMessage:
    """Send again a letter that could not be delivered (e.g. once the GP's address is fixed)."""
    message = OutboxMessage.objects.select_for_update(of=("self",)).get(pk=message.pk)
    if message.notification is None or message.notification.status != NotificationStatus.FAILED:
        raise ApplicationError(_("Only a letter that could not be delivered can be sent again."))
    if message.recipient is None or not message.recipient.secure_mail_address:
        raise ApplicationError(
            _("The GP has no secure health mail address: add it in the directory first.")
        )
    return letter_send(message=message, actor=actor)


@transaction.atomic
def letter_acknowledge(*, token: str) -> OutboxMessage:
    """The GP confirms receipt from the link in the mail (no account needed; the signed link is
    the proof). Confirming twice keeps the first time."""
    try:
        pk = signing.loads(token, salt=SALT, max_age=ACKNOWLEDGE_MAX_AGE)
    except signing.BadSignature as error:
        raise ApplicationError(_("This link is not valid (or is too old).")) from error
    message = OutboxMessage.objects.select_for_update(of=("self",)).get(pk=pk)
    if message.acknowledged_at is None:
        message.acknowledged_at = timezone.now()
        message.save(update_fields=["acknowledged_at", "updated_at"])
        audit_record(
            actor=None,
            action=AuditAction.UPDATE,
            patient_id=message.document.case.patient_id,
            obj=message,
            details={"event": "gp_receipt_confirmed", "recipient": message.recipient_label},
        )
    return message


def delivery_state(message: OutboxMessage) -> str:
    """One word for the case page: acknowledged, sent, failed, pending, or the manual status."""
    if message.acknowledged_at is not None:
        return "acknowledged"
    if message.notification is None:
        return message.status  # before the secure-mail integration
    states: dict[str, str] = {
        NotificationStatus.SENT: "sent",
        NotificationStatus.FAILED: "failed",
    }
    return states.get(message.notification.status, "pending")
