"""Base model, users, the append-only audit trail and login attempts."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from . import fields as limits
from .fields import BoundedTextField


class BaseModel(models.Model):
    """UUID primary key (never guessable in URLs) and creation/update times."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Role(models.TextChoices):
    """What a user does in the product; decides the home page and some permissions."""

    CLINICIAN = "clinician", _("Physician")
    COORDINATION_NURSE = "coordination_nurse", _("Coordination nurse (IDEC)")
    LIBERAL_NURSE = "liberal_nurse", _("Liberal nurse (IDEL)")
    PHARMACIST = "pharmacist", _("Hospital pharmacist")
    EFS_STAFF = "efs_staff", _("EFS care centre staff")
    CENTRE_MANAGER = "centre_manager", _("Centre manager")
    NETWORK_COORDINATOR = "network_coordinator", _("Network coordinator")
    BOARD_SECRETARY = "board_secretary", _("Tumour board secretary")
    ARS_EVALUATOR = "ars_evaluator", _("Regional health agency evaluator")
    ADMINISTRATOR = "administrator", _("Administrator")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.CLINICIAN)
    # Raised when a credential other than the password is withdrawn (second factor reset): every
    # open session of the account stops matching its hash and ends at its next request.
    session_epoch = models.PositiveIntegerField(_("session epoch"), default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        password_hash = super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
        if not self.session_epoch:
            return password_hash
        return salted_hmac(
            "oncoparcours.core.User.session_epoch",
            f"{password_hash}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class AuditAction(models.TextChoices):
    VIEW = "view", _("viewed")
    LIST = "list", _("listed")
    SEARCH = "search", _("searched")
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    EXPORT = "export", _("exported")
    IMPORT = "import", _("imported")
    BREAK_GLASS = "break_glass", _("break-the-glass access")
    DENIED = "denied", _("access denied")
    LOGIN = "login", _("logged in")
    LOGIN_FAILED = "login_failed", _("failed login")
    LOGOUT = "logout", _("logged out")
    SESSION_ENDED = "session_ended", _("session ended")
    SECOND_FACTOR = "second_factor", _("second factor changed")
    PASSWORD_CHANGE = "password_change", _("password changed")
    PASSWORD_RESET = "password_reset", _("password reset")
    NOTIFY = "notify", _("notification requested")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError(f"{self.model.__name__} rows are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(f"{self.model.__name__} rows are append-only")


class AppendOnlyModel(models.Model):
    """Rows are inserted once and never changed or deleted (corrections are new rows).

    The ORM refuses updates and deletes; database triggers (see migrations) refuse them too.
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError(f"{type(self).__name__} rows are append-only")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(f"{type(self).__name__} rows are append-only")


class AuditEvent(AppendOnlyModel):
    """Who did what to which patient's data, when, from where, and why."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor name"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    patient_id = models.UUIDField(_("patient"), null=True, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    reason = BoundedTextField(_("reason"), blank=True, max_length=limits.COMMENT)
    break_glass = models.BooleanField(_("break-the-glass"), default=False)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    # HMAC-SHA256 of the row's content under the ledger key ``key_id`` (see core.audit_chain).
    key_id = models.CharField(max_length=32, blank=True, default="")
    mac = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["patient_id", "-at"], name="audit_patient_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            models.Index(fields=["-at"], name="audit_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and not self.mac:
            from .audit_chain import sign_row

            sign_row(self)
        super().save(*args, **kwargs)


class AuditSeal(AppendOnlyModel):
    """A sealed block of the audit trail: the audit rows with ``first_id <= id <= last_id``, chained
    to the previous block by an HMAC (see core.audit_chain)."""

    id = models.BigAutoField(primary_key=True)
    sequence = models.PositiveBigIntegerField(unique=True)
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    rows = models.PositiveIntegerField()
    prev_mac = models.CharField(max_length=64)
    key_id = models.CharField(max_length=32)
    mac = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"seal #{self.sequence} ({self.first_id}–{self.last_id})"


class LedgerAnchor(AppendOnlyModel):
    """A signed checkpoint of the heads of every ledger (also appended to a file outside the
    database, see core.anchors)."""

    id = models.BigAutoField(primary_key=True)
    sequence = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(default=timezone.now)
    state = models.JSONField(default=dict)
    key_id = models.CharField(max_length=32)
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"anchor #{self.sequence} {self.at:%Y-%m-%d %H:%M}"


class LoginAttempt(models.Model):
    """One login attempt; recent failures lock the username or the address (``core.auth``)."""

    id = models.BigAutoField(primary_key=True)
    username = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now)
    succeeded = models.BooleanField(default=False)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["username", "-at"], name="login_attempt_user_at"),
            models.Index(fields=["ip", "-at"], name="login_attempt_ip_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {'ok' if self.succeeded else 'failed'} {self.at:%Y-%m-%d %H:%M}"


class PasswordResetRequest(models.Model):
    """One request for a reset e-mail; recent ones limit the mails per address and per source."""

    id = models.BigAutoField(primary_key=True)
    email = models.CharField(max_length=254)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    mailed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")
        indexes = [
            models.Index(fields=["email", "-at"], name="reset_request_email_at"),
            models.Index(fields=["ip", "-at"], name="reset_request_ip_at"),
        ]

    def __str__(self) -> str:
        return f"{self.email} {self.at:%Y-%m-%d %H:%M}"


class PeriodicRun(models.Model):
    """One enqueue of a periodic job for one time slot; the unique key lets several workers
    run the scheduler without enqueuing the same slot twice."""

    id = models.BigAutoField(primary_key=True)
    job = models.CharField(max_length=100)
    slot = models.BigIntegerField()
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="periodic_run_unique")]

    def __str__(self) -> str:
        return f"{self.job} #{self.slot}"


# The notification service's tables belong to this app (imported for model registration).
from .notifications.models import (  # noqa: E402, F401
    DeliveryAttempt,
    Notification,
    NotificationPreference,
)
