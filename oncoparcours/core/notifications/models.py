"""Notifications leaving the product (e-mail, SMS, secure health mail) or shown in it.

A ``Notification`` is one message to one recipient with an ordered chain of channels; every try
is a ``DeliveryAttempt`` row (append-only), so what happened to a message is never lost."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import AppendOnlyModel


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    SECURE_MAIL = "secure_mail", _("Secure health mail")
    IN_APP = "in_app", _("In the application")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("To send")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not delivered")
    CANCELLED = "cancelled", _("Cancelled")


class AttemptOutcome(models.TextChoices):
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    NO_ADDRESS = "no_address", _("no address for this channel")
    DEFERRED = "deferred", _("deferred (quiet hours)")
    ESCALATED = "escalated", _("passed to the next channel")


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=64)
    patient_id = models.UUIDField(_("patient"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient account"),
    )
    recipient_label = models.CharField(_("recipient"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    secure_address = models.EmailField(_("secure mail address"), blank=True)
    chain = models.JSONField(_("channels in order"), default=list)
    channel = models.CharField(_("current channel"), max_length=16, choices=Channel.choices)
    context = models.JSONField(_("content"), default=dict)
    attachments = models.JSONField(_("attachments"), default=list)
    urgent = models.BooleanField(_("urgent (ignores quiet hours)"), default=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    failed_attempts = models.PositiveSmallIntegerField(default=0)  # on the current channel
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["recipient_user", "-created_at"], name="notification_inbox"),
            models.Index(fields=["requested_by", "-created_at"], name="notification_sender"),
            models.Index(fields=["reference"], name="notification_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_label}"


class DeliveryAttempt(AppendOnlyModel):
    """One try on one channel (append-only)."""

    id = models.BigAutoField(primary_key=True)
    notification = models.ForeignKey(
        Notification, on_delete=models.PROTECT, related_name="attempts"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=AttemptOutcome.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    provider_reference = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.channel} {self.outcome} {self.at:%Y-%m-%d %H:%M}"


class NotificationPreference(models.Model):
    """How one person wants to be reached: channels in order and quiet hours (local time).
    ``person`` is ``user:<id>`` for an account, ``patient:<uuid>`` for a patient."""

    person = models.CharField(max_length=64, unique=True)
    chain = models.JSONField(_("channels in order"), default=list)
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return self.person
