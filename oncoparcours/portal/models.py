"""The patient's and caregiver's side: portal accounts (patient or caregiver, with the caregiver's
rights and the patient's recorded consent), one-time login codes (hashed), the requests for codes
(rate limits), and secure message threads between the patient's side and the care team. Messages
are append-only."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oncoparcours.core import fields as limits
from oncoparcours.core.fields import BoundedTextField
from oncoparcours.core.models import AppendOnlyModel, BaseModel
from oncoparcours.patients.models import Patient


class AccountKind(models.TextChoices):
    PATIENT = "patient", _("Patient")
    CAREGIVER = "caregiver", _("Caregiver")


class Right(models.TextChoices):
    """What a caregiver may do for the patient (each chosen); the patient may do everything."""

    CALENDAR = "calendar", _("See the calendar of care")
    DOCUMENTS = "documents", _("See and download the documents")
    MESSAGES = "messages", _("Send messages to the care team")
    QUESTIONNAIRES = "questionnaires", _("Answer the questionnaires on the patient's behalf")


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class PortalAccount(BaseModel):
    """One person who logs in to the portal: the patient, or a caregiver linked to the patient
    with the patient's consent. Addresses are stored normalised (lower-case e-mail, digits-only
    phone) so a login finds the account."""

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="portal_accounts", verbose_name=_("patient")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AccountKind.choices)
    display_name = models.CharField(_("name"), max_length=150)
    relationship = models.CharField(_("relationship to the patient"), max_length=80, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    channel = models.CharField(
        _("code sent by"), max_length=5, choices=ContactChannel.choices, default="email"
    )
    rights = models.JSONField(_("rights"), default=list)
    consent_on = models.DateField(_("patient's consent given on"), null=True, blank=True)
    consent_note = models.CharField(_("how the consent was given"), max_length=250, blank=True)
    consent_recorded_by = models.CharField(max_length=200, blank=True)
    invited_by = models.CharField(_("invited by"), max_length=200)
    revoked_at = models.DateTimeField(_("access withdrawn"), null=True, blank=True)
    revoked_by = models.CharField(max_length=200, blank=True)
    last_login_at = models.DateTimeField(_("last login"), null=True, blank=True)
    session_epoch = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("portal account")
        verbose_name_plural = _("portal accounts")
        ordering = ["kind", "display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(revoked_at__isnull=True) & ~Q(email=""),
                name="portal_account_email_once",
            ),
            models.UniqueConstraint(
                fields=["phone"],
                condition=Q(revoked_at__isnull=True) & ~Q(phone=""),
                name="portal_account_phone_once",
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(revoked_at__isnull=True, kind="patient"),
                name="portal_one_patient_account",
            ),
            models.CheckConstraint(
                condition=~Q(email="", phone=""), name="portal_account_has_address"
            ),
            models.CheckConstraint(
                condition=Q(kind="patient") | Q(consent_on__isnull=False),
                name="portal_caregiver_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def is_patient(self) -> bool:
        return self.kind == AccountKind.PATIENT

    def may(self, right: str) -> bool:
        return self.is_patient or right in self.rights

    @property
    def actor_label(self) -> str:
        """How the audit trail and the care team name who acted."""
        if self.is_patient:
            return f"{self.display_name} (patient)"
        return f"{self.display_name} ({self.relationship or 'aidant'})"

    def rights_labels(self) -> list[str]:
        return [str(Right(r).label) for r in Right.values if self.may(r)]


class CodeRequest(models.Model):
    """One request for a login code (whether or not the address has an account): the rate
    limits count these rows. The address is kept only as a keyed hash."""

    id = models.BigAutoField(primary_key=True)
    address_hash = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    sent = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("login code request")
        verbose_name_plural = _("login code requests")
        indexes = [
            models.Index(fields=["address_hash", "-at"], name="portal_code_request_address"),
            models.Index(fields=["ip", "-at"], name="portal_code_request_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.address_hash[:8]} {self.at:%Y-%m-%d %H:%M}"


class LoginCode(models.Model):
    """A one-time code (6 digits), stored only as a keyed hash; valid 10 minutes, dead after use
    or after 5 wrong tries."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    failed_tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    superseded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("login code")
        verbose_name_plural = _("login codes")
        indexes = [models.Index(fields=["account", "-created_at"], name="portal_code_account")]

    def __str__(self) -> str:
        return f"code {self.account_id} {self.created_at:%Y-%m-%d %H:%M}"


class Side(models.TextChoices):
    PATIENT = "patient", _("Patient")
    CAREGIVER = "caregiver", _("Caregiver")
    TEAM = "team", _("Care team")


class Thread(BaseModel):
    """A conversation between the patient's side and the care team. ``waiting_since``: the
    first patient-side message the team has not yet answered (None when answered);
    ``urgent_since``: the first of them sent after the warning signs prompt (None when
    answered)."""

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="portal_threads", verbose_name=_("patient")
    )
    subject = models.CharField(_("subject"), max_length=120)
    started_by = models.CharField(_("started by"), max_length=200)
    last_message_at = models.DateTimeField(default=timezone.now)
    waiting_since = models.DateTimeField(null=True, blank=True)
    answer_due = models.DateTimeField(null=True, blank=True)
    has_alarming_words = models.BooleanField(default=False)
    # A patient-side message sent after the warning signs prompt, not yet answered: shown to
    # the team as urgent (top of the inbox); the team's answer clears it.
    urgent_since = models.DateTimeField(null=True, blank=True)
    # The care team's lead was told the answer is late (once per unanswered wait; the team's
    # answer clears it).
    late_escalated_at = models.DateTimeField(null=True, blank=True)
    # The urgent message was passed to the centre's on-call physician and the care team's
    # lead (unanswered 2 working hours, or sent outside working hours): set once per urgent
    # wait, kept after the answer so the patient still reads when it was passed on.
    oncall_escalated_at = models.DateTimeField(null=True, blank=True)
    # Whether an on-call physician could be told (False: nobody on the rota with an account;
    # the patient reads so and is asked to call).
    oncall_reached = models.BooleanField(null=True, blank=True)
    patient_seen_at = models.DateTimeField(null=True, blank=True)
    # Who opened the conversation on the patient's side (None: before per-thread privacy).
    started_by_account = models.ForeignKey(
        "PortalAccount", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Kept by the patient to themselves: hidden from every caregiver (the one who started it
    # excepted). The patient sees every conversation about them.
    private = models.BooleanField(_("kept from my relatives"), default=False)
    # Safer reading (cold try-out 2026-12-04, clinician to confirm): a patient's message with
    # words of the suicide and distress category keeps the conversation from every relative,
    # the one who started it included (no answer notice to them either), until the patient
    # chooses otherwise (``privacy_chosen_at``: the patient's own choice is then kept).
    kept_for_distress = models.BooleanField(
        _("kept from the relatives (words of distress)"), default=False
    )
    privacy_chosen_at = models.DateTimeField(
        _("privacy chosen by the patient"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("message thread")
        verbose_name_plural = _("message threads")
        ordering = ["-last_message_at"]
        indexes = [
            models.Index(fields=["patient", "-last_message_at"], name="portal_thread_patient"),
            models.Index(fields=["waiting_since"], name="portal_thread_waiting"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_late(self) -> bool:
        """Past the answer-by date shown to the patient, still unanswered."""
        return self.answer_due is not None and self.answer_due < timezone.now()

    def visible_to(self, account: PortalAccount) -> bool:
        """The patient sees every conversation about them; a caregiver sees those shared with
        the relatives and the ones they started."""
        if account.patient_id != self.patient_id:
            return False
        if account.is_patient:
            return True
        if self.kept_for_distress:
            return False
        return not self.private or self.started_by_account_id == account.pk


class Message(AppendOnlyModel):
    """One message of a thread (append-only): who wrote it (a portal account or a staff user),
    on which side, and the alarming words found in it (shown to the care team)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    side = models.CharField(_("from"), max_length=10, choices=Side.choices)
    account = models.ForeignKey(
        PortalAccount, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author_label = models.CharField(max_length=200)
    body = BoundedTextField(_("message"), max_length=limits.COMMENT)
    alarming_words = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(account__isnull=False) | Q(author__isnull=False),
                name="portal_message_has_author",
            )
        ]

    def __str__(self) -> str:
        return f"{self.author_label} {self.created_at:%Y-%m-%d %H:%M}"


class Reminder(models.Model):
    """One reminder created for one person about one thing (a questionnaire due or missed, an
    appointment tomorrow): the unique key makes the reminder job safe to run twice or on two
    workers at once. Rows are never changed."""

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    notification = models.ForeignKey(
        "core.Notification", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self) -> str:
        return self.key


class MessageAttachment(AppendOnlyModel):
    """A file sent with a message (append-only like the message): PDF, JPEG or PNG proved by
    its bytes, stored outside the web root under a server-chosen name, served only through the
    audited views (the patient's side who may read the conversation, the care team)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message attachment")
        verbose_name_plural = _("message attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.file_name
