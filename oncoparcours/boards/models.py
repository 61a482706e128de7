"""Tumour boards (RCP): boards and their members, sessions with agenda and attendance, cases with
the minimal dataset and attachments, decisions (append-only versions), generated documents and
their outbox, and network referrals."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oncoparcours.core import fields as limits
from oncoparcours.core.fields import BoundedTextField
from oncoparcours.core.models import AppendOnlyModel, BaseModel
from oncoparcours.directory.models import Network, Organisation, Professional
from oncoparcours.patients.models import Diagnosis, Patient

from .rules import composition


class BoardKind(models.TextChoices):
    STANDARD = "standard", _("Standard (organ) board")
    RECOURS = "recours", _("Expert (recours) board")
    RARE = "rare", _("Rare cancers board")
    PAEDIATRIC = "paediatric", _("Paediatric board")
    INTERREGIONAL = "interregional", _("Inter-regional / overseas board")


SCOPE_KIND_LABELS = {
    "haematology": _("Haematological malignancies (haematology compositions)"),
    "solid": _("Solid tumours (compositions outside haematology)"),
    "mixed": _(
        "Solid tumours and haematological malignancies: each case's diagnosis decides the "
        "composition"
    ),
}


class Board(BaseModel):
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=BoardKind.choices)
    icd10_ranges = models.JSONField(
        _("organ scope (ICD-10)"),
        default=list,
        blank=True,
        help_text=_("List of [first, last] ICD-10 codes, inclusive."),
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="boards",
        verbose_name=_("network"),
    )
    organisers = models.ManyToManyField(
        Organisation, related_name="boards", verbose_name=_("organising organisations")
    )
    required_specialties = models.JSONField(_("required specialties"), default=list, blank=True)
    every_weeks = models.PositiveSmallIntegerField(_("every (weeks)"), default=2)
    weekday = models.PositiveSmallIntegerField(_("weekday (0 = Monday)"), default=1)
    start_time = models.TimeField(_("start time (board's time zone)"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=120)
    time_zone = models.CharField(_("time zone"), max_length=40, default="Europe/Paris")
    capacity = models.PositiveSmallIntegerField(_("cases per session"), default=20)
    minutes_per_case = models.PositiveSmallIntegerField(_("minutes per case"), default=5)
    video_link = models.URLField(_("videoconference link"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("boards:board", kwargs={"board_id": self.pk})

    @property
    def scope_ranges(self) -> list[tuple[str, str]]:
        return [(start, end) for start, end in self.icd10_ranges or []]

    @property
    def scope_kind(self) -> str:
        """``haematology``, ``solid`` or ``mixed``: read from the ICD-10 scope (haematological
        malignancies C81–C96, D45–D47), never typed (``rules/composition.py``)."""
        return composition.shipped().scope_kind(self.scope_ranges)

    @property
    def haematology(self) -> bool:
        """A haematology board: its whole scope is haematological malignancies."""
        return self.scope_kind == "haematology"

    def get_scope_kind_display(self) -> str:
        return str(SCOPE_KIND_LABELS.get(self.scope_kind, self.scope_kind))


class BoardMember(BaseModel):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="members")
    professional = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="board_memberships"
    )
    specialties = models.JSONField(_("specialties represented"), default=list)
    site = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    is_chair = models.BooleanField(_("chair"), default=False)

    class Meta:
        ordering = ["-is_chair", "professional__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "professional"], name="board_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.professional} @ {self.board}"

    def clean(self) -> None:
        from .services.boards import member_specialty_problems

        if self.professional_id is not None:
            problems = member_specialty_problems(self.professional, list(self.specialties or []))
            if problems:
                raise ValidationError({"specialties": problems})


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("In progress")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Session(BaseModel):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=120)
    capacity = models.PositiveSmallIntegerField(_("cases"), default=20)
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    chair = models.ForeignKey(
        Professional,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chair"),
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["board", "starts_at"], name="session_once_per_time")
        ]
        indexes = [models.Index(fields=["board", "status", "starts_at"], name="session_board_time")]

    def __str__(self) -> str:
        return f"{self.board} {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("boards:session", kwargs={"session_id": self.pk})


class CaseContext(models.TextChoices):
    NEW_DIAGNOSIS = "new_diagnosis", _("New diagnosis")
    POST_SURGERY = "post_surgery", _("After surgery (adjuvant treatment)")
    RELAPSE = "relapse", _("Relapse")
    PROGRESSION = "progression", _("Progression")
    SECOND_OPINION = "second_opinion", _("Second opinion")
    OTHER = "other", _("Other")


class CaseStatus(models.TextChoices):
    INCOMPLETE = "incomplete", _("Incomplete")
    READY = "ready", _("Ready for an agenda")
    SCHEDULED = "scheduled", _("On an agenda")
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Case(BaseModel):
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="board_cases", verbose_name=_("patient")
    )
    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, related_name="cases", verbose_name=_("board")
    )
    diagnosis = models.ForeignKey(
        Diagnosis,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="board_cases",
        verbose_name=_("diagnosis"),
    )
    question = BoundedTextField(_("question asked"), max_length=limits.REASON)
    context = models.CharField(_("context"), max_length=20, choices=CaseContext.choices)
    comorbidities = BoundedTextField(_("comorbidities"), blank=True, max_length=limits.REASON)
    prior_treatments = BoundedTextField(
        _("prior treatments"), blank=True, max_length=limits.COMMENT
    )
    dataset = models.JSONField(_("minimal dataset"), default=dict)
    missing = models.JSONField(default=list)
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.INCOMPLETE
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["board", "status"], name="case_board_status"),
            models.Index(fields=["patient", "-submitted_at"], name="case_patient_time"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} — {self.board}"

    def get_absolute_url(self) -> str:
        return reverse("boards:case", kwargs={"patient_id": self.patient_id, "case_id": self.pk})


class AttachmentKind(models.TextChoices):
    PATHOLOGY = "pathology", _("Pathology report")
    IMAGING = "imaging", _("Imaging report")
    LETTER = "letter", _("Letter / consultation report")
    BIOLOGY = "biology", _("Laboratory results")
    OTHER = "other", _("Other")


class Attachment(AppendOnlyModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=12, choices=AttachmentKind.choices)
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=200, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.file_name


class ItemOutcome(models.TextChoices):
    PENDING = "pending", _("To discuss")
    DECIDED = "decided", _("Decided")
    CARRIED_OVER = "carried_over", _("Carried over")
    REMOVED = "removed", _("Removed")


class AgendaItem(BaseModel):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("order"))
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=5)
    late_addition = models.BooleanField(_("late addition"), default=False)
    carried_over_from = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    carry_reason = models.CharField(_("reason for carrying over"), max_length=200, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=ItemOutcome.choices, default=ItemOutcome.PENDING
    )

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["session", "case"], name="agenda_case_once")]

    def __str__(self) -> str:
        return f"{self.position}. {self.case}"


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    REMOTE = "remote", _("Remote (videoconference)")


class Attendance(BaseModel):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    professional = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="+")
    specialties = models.JSONField(_("specialties represented"), default=list)
    mode = models.CharField(_("attendance"), max_length=10, choices=AttendanceMode.choices)
    site = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )

    class Meta:
        ordering = ["professional__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "professional"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.professional} ({self.mode})"


class Modality(models.TextChoices):
    SURGERY = "surgery", _("Surgery")
    RADIOTHERAPY = "radiotherapy", _("Radiotherapy")
    CHEMOTHERAPY = "chemotherapy", _("Chemotherapy")
    IMMUNOTHERAPY = "immunotherapy", _("Immunotherapy")
    TARGETED = "targeted_therapy", _("Targeted therapy")
    CAR_T = "car_t", _("CAR-T cell therapy")
    SUPPORTIVE = "supportive_care", _("Supportive / palliative care")
    WORK_UP = "work_up", _("Further work-up")
    SURVEILLANCE = "surveillance", _("Surveillance")


class PlaceOfCare(models.TextChoices):
    PROXIMITY = "proximity", _("Near home (proximity centre)")
    EXPERT = "expert", _("Expert centre")
    TRANSFER = "transfer", _("Transfer (e.g. overseas to mainland France)")


class Decision(AppendOnlyModel):
    """A validated board decision. A correction is a new version that amends the previous one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="decisions")
    version = models.PositiveSmallIntegerField(default=1)
    amends = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amended_by"
    )
    modalities = models.JSONField(_("treatment modalities"), default=list)
    proposal = BoundedTextField(_("proposal"), max_length=limits.COMMENT)
    guideline = models.CharField(_("guideline followed"), max_length=200, blank=True)
    outside_guideline = models.BooleanField(_("outside guidelines"), default=False)
    justification = BoundedTextField(_("justification"), blank=True, max_length=limits.COMMENT)
    trial = models.CharField(_("clinical trial proposed"), max_length=200, blank=True)
    trial_identifier = models.CharField(_("trial identifier"), max_length=40, blank=True)
    trial_arm = models.ForeignKey(
        "trials.Arm",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trial arm proposed"),
    )
    place_of_care = models.CharField(_("place of care"), max_length=10, choices=PlaceOfCare.choices)
    place_reason = models.CharField(_("reason for the place of care"), max_length=300, blank=True)
    care_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("treated at"),
    )
    second_opinion = models.BooleanField(_("second opinion requested"), default=False)
    correction_reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    quorum = models.JSONField(default=dict)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    validated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "-version"]
        constraints = [models.UniqueConstraint(fields=["case", "version"], name="decision_version")]

    def __str__(self) -> str:
        return f"{self.case} v{self.version}"

    def get_absolute_url(self) -> str:
        return self.case.get_absolute_url()


class DocumentKind(models.TextChoices):
    RCP_RECORD = "rcp_record", _("RCP record (fiche RCP)")
    PPS = "pps", _("Personalised care programme (PPS)")


class Document(AppendOnlyModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=12, choices=DocumentKind.choices)
    storage_name = models.CharField(max_length=200, unique=True)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["decision", "kind"], name="document_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.decision.version}"


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENT = "sent", pgettext_lazy("message", "Sent")
    FAILED = "failed", _("Failed")


class OutboxMessage(BaseModel):
    """The board's documents sent to the GP by secure health mail (MSSanté) through the core
    notification service; the GP confirms receipt from the link in the mail. Rows from before
    the secure-mail integration were marked sent by hand (``marked_by``)."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="outbox")
    recipient = models.ForeignKey(
        Professional, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient_label = models.CharField(max_length=200)
    channel = models.CharField(max_length=20, default="mssante")
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    queued_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notification = models.ForeignKey(
        "core.Notification", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("receipt confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["-queued_at"]

    def __str__(self) -> str:
        return f"{self.document} → {self.recipient_label}"


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Referral(BaseModel):
    """Referral of a poor-prognosis cancer to an expert centre of its INCa network."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="referrals")
    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.PROTECT, related_name="referrals")
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="referrals")
    expert_centre = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("expert centre")
    )
    board = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("expert board"),
    )
    distance_km = models.FloatField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.REQUESTED
    )
    note = BoundedTextField(_("note"), blank=True, max_length=limits.REASON)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_reason = BoundedTextField(_("reason"), blank=True, max_length=limits.REASON)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "network"],
                condition=Q(status="requested"),
                name="referral_one_open_per_network",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} → {self.expert_centre}"

    @property
    def delay_days(self) -> int | None:
        if self.answered_at is None:
            return None
        return (self.answered_at - self.requested_at).days
