"""Pathway templates (versioned, loaded from YAML) and their instances for patients: phases,
dated activities, and an append-only log of every change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from oncoparcours.core import fields as limits
from oncoparcours.core.fields import BoundedTextField
from oncoparcours.core.models import AppendOnlyModel, BaseModel
from oncoparcours.directory.models import Organisation, Professional
from oncoparcours.patients.models import Patient

from .rules.dates import Offset


def english_active() -> bool:
    return (get_language() or "fr").startswith("en")


def localised(fr: str, en: str, english: bool | None = None) -> str:
    """The English text when English is active (or ``english`` says so) and there is one.
    A list passes ``english`` once for all its rows (``get_language`` is not free)."""
    return en if (english_active() if english is None else english) and en else fr


class PathwayTemplate(BaseModel):
    """One version of a template. Rows are never changed once loaded; a change is a new version."""

    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    source_document = BoundedTextField(_("source document"), max_length=limits.SOURCE_FILE)
    definition = models.JSONField(_("definition"))
    checksum = models.CharField(_("checksum"), max_length=64)
    file_name = models.CharField(_("file"), max_length=200)
    is_latest = models.BooleanField(_("latest version"), default=True)

    class Meta:
        verbose_name = _("pathway template")
        verbose_name_plural = _("pathway templates")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="template_code_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_latest=True), name="template_single_latest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def title(self) -> str:
        return localised(self.title_fr, self.title_en)

    @property
    def summary(self) -> str:
        summary = self.definition.get("summary") or {}
        return localised(summary.get("fr", ""), summary.get("en", ""))

    @property
    def parameters(self) -> dict[str, Any]:
        return self.definition.get("parameters", {}) or {}

    @property
    def programme(self) -> dict[str, Any]:
        return self.definition.get("programme", {}) or {}


class InstanceStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")
    COMPLETED = "completed", _("Completed")


class EndReason(models.TextChoices):
    PROGRESSION = "progression", _("Disease progression")
    TOXICITY = "toxicity", _("Toxicity")
    PATIENT_CHOICE = "patient_choice", _("Patient's choice")
    DEATH = "death", _("Death")
    COMPLETED = "completed", _("Completed as planned")
    OTHER = "other", _("Other")


class PathwayInstance(BaseModel):
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="pathways", verbose_name=_("patient")
    )
    template = models.ForeignKey(
        PathwayTemplate,
        on_delete=models.PROTECT,
        related_name="instances",
        verbose_name=_("template"),
    )
    start_date = models.DateField(_("start"))
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=InstanceStatus.choices, default=InstanceStatus.ACTIVE
    )
    current_phase = models.ForeignKey(
        "PhaseInstance", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paused_on = models.DateField(_("paused on"), null=True, blank=True)
    pause_reason = models.CharField(_("pause reason"), max_length=30, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=20, choices=EndReason.choices, blank=True
    )
    end_note = BoundedTextField(_("note"), blank=True, max_length=limits.REASON)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("pathway")
        verbose_name_plural = _("pathways")
        ordering = ["-start_date"]
        indexes = [
            models.Index(fields=["template", "status"], name="pathway_template_status"),
            models.Index(fields=["patient", "status"], name="pathway_patient_status"),
        ]

    def __str__(self) -> str:
        return f"{self.template.title} — {self.patient}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse(
            "pathways:instance", kwargs={"patient_id": self.patient_id, "instance_id": self.pk}
        )


class PhaseStatus(models.TextChoices):
    PENDING = "pending", _("To come")
    ACTIVE = "active", _("Current")
    COMPLETED = "completed", _("Completed")


class PhaseInstance(BaseModel):
    instance = models.ForeignKey(PathwayInstance, on_delete=models.CASCADE, related_name="phases")
    key = models.CharField(max_length=60)
    order = models.PositiveSmallIntegerField()
    title_fr = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    duration_months = models.IntegerField(default=0)
    duration_days = models.IntegerField(default=0)
    pause_days = models.IntegerField(default=0)  # added to the duration when a pause ends
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=PhaseStatus.choices, default=PhaseStatus.PENDING
    )
    responsible_role = models.CharField(max_length=30)
    flat_rate = models.DecimalField(
        _("flat rate"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    flat_rate_currency = models.CharField(max_length=3, default="EUR")
    entry_criteria = models.JSONField(default=list, blank=True)
    exit_criteria = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["instance", "key"], name="phase_key_unique")]
        # The indicators' incremental refresh finds what changed since its last run (issue 13).
        indexes = [models.Index(fields=["updated_at"], name="phase_updated")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localised(self.title_fr, self.title_en)

    @property
    def duration(self) -> Offset:
        return Offset(self.duration_months, self.duration_days + self.pause_days)


class Place(models.TextChoices):
    EXPERT = "expert", _("Expert centre")
    PROXIMITY = "proximity", _("Local hospital")
    EFS = "efs", _("EFS care centre")
    HOME = "home", pgettext_lazy("place of care", "Home")
    REMOTE = "remote", _("Remote")
    EXTERNAL = "external", _("External")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
    MISSED = "missed", _("Missed")


class ActivityInstance(BaseModel):
    instance = models.ForeignKey(
        PathwayInstance, on_delete=models.CASCADE, related_name="activities"
    )
    phase = models.ForeignKey(PhaseInstance, on_delete=models.CASCADE, related_name="activities")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=80)
    template_activity = models.CharField(max_length=60)
    occurrence = models.PositiveSmallIntegerField(default=1)
    title_fr = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    kind = models.CharField(_("kind"), max_length=30)
    place = models.CharField(_("place"), max_length=12, choices=Place.choices)
    responsible_role = models.CharField(_("responsible"), max_length=30)
    performer_role = models.CharField(_("performed by"), max_length=30, blank=True)
    recipient_role = models.CharField(_("addressed to"), max_length=30, blank=True)
    qualifications = models.JSONField(default=list, blank=True)
    checklist = models.JSONField(default=list, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    anchor_kind = models.CharField(max_length=12)  # pathway / phase_start / phase_end / activity
    anchor_phase = models.ForeignKey(
        PhaseInstance, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    anchor_activity = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="anchored"
    )
    offset_months = models.IntegerField(default=0)
    offset_days = models.IntegerField(default=0)
    shift_days = models.IntegerField(default=0)
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependants"
    )
    due_date = models.DateField(_("due"))
    # The day the activity is expected: the appointment's day when scheduled, else the due date.
    # Kept by the services; indexed (open activities only) for worklists.
    day = models.DateField(_("day"))
    planned_date = models.DateField(_("initially planned"))
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = BoundedTextField(_("note"), blank=True, max_length=limits.REASON)
    result_value = models.DecimalField(
        _("result"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    result_unit = models.CharField(_("unit"), max_length=20, blank=True)
    assigned_to = models.ForeignKey(
        Professional,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_activities",
    )
    delay_target_days = models.IntegerField(null=True, blank=True)
    delay_from_kind = models.CharField(max_length=12, blank=True)
    delay_from_activity = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_date", "key"]
        constraints = [
            models.UniqueConstraint(fields=["instance", "key"], name="activity_key_unique"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False),
                name="activity_done_has_date",
            ),
        ]
        indexes = [
            models.Index(
                fields=["patient", "day"],
                name="activity_open_patient_day",
                condition=Q(status__in=["planned", "scheduled"]),
            ),
            # The same rows for a bound ``status IN (…)``: SQLite cannot prove a partial index's
            # condition from query parameters, so worklists (and the home's week panel) scanned
            # every activity there (issue 19).
            models.Index(fields=["patient", "status", "day"], name="activity_patient_status_day"),
            models.Index(fields=["patient", "due_date"], name="activity_patient_due"),
            models.Index(
                fields=["assigned_to", "status", "due_date"], name="activity_assignee_due"
            ),
            models.Index(fields=["status", "due_date"], name="activity_status_due"),
            # The indicators' incremental refresh finds what changed since its last run (issue 13).
            models.Index(fields=["updated_at"], name="activity_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.due_date:%d/%m/%Y})"

    @property
    def title(self) -> str:
        return localised(self.title_fr, self.title_en)

    def expected_day(self) -> dt.date:
        if self.status == ActivityStatus.SCHEDULED and self.scheduled_for:
            return timezone.localtime(self.scheduled_for).date()
        return self.due_date

    @property
    def display_date(self) -> dt.date:
        if self.status == ActivityStatus.DONE and self.done_on:
            return self.done_on
        if self.status == ActivityStatus.SCHEDULED and self.scheduled_for:
            return timezone.localtime(self.scheduled_for).date()
        return self.due_date

    @property
    def is_open(self) -> bool:
        return self.status in (ActivityStatus.PLANNED, ActivityStatus.SCHEDULED)

    @property
    def is_late(self) -> bool:
        today = timezone.localdate()
        if self.is_open:
            return self.display_date < today
        return (
            self.status == ActivityStatus.DONE
            and self.done_on is not None
            and self.done_on > self.due_date
        )

    @property
    def days_late(self) -> int:
        if self.status == ActivityStatus.DONE and self.done_on:
            return max(0, (self.done_on - self.due_date).days)
        if self.is_open:
            return max(0, (timezone.localdate() - self.display_date).days)
        return 0

    def checklist_items(self) -> list[str]:
        return [localised(item.get("fr", ""), item.get("en", "")) for item in self.checklist]


class PathwayEvent(AppendOnlyModel):
    """Every change to a pathway, never edited: transitions, re-dating, overrides, assignments."""

    id = models.BigAutoField(primary_key=True)
    instance = models.ForeignKey(PathwayInstance, on_delete=models.PROTECT, related_name="events")
    activity = models.ForeignKey(
        ActivityInstance, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    phase = models.ForeignKey(
        PhaseInstance, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = BoundedTextField(blank=True, max_length=limits.COMMENT)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["instance", "-at"], name="pathway_event_instance")]

    def __str__(self) -> str:
        return f"{self.kind} {self.from_state}→{self.to_state}"


class RefusalReason(models.TextChoices):
    PATIENT_DECLINED = "patient_declined", _("Patient declined")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    HOME_NOT_SUITABLE = "home_not_suitable", _("Home not suitable")
    NO_TRAINED_NURSE = "no_trained_nurse", _("No trained liberal nurse nearby")
    OTHER = "other", _("Other")


class PathwayRefusal(BaseModel):
    """A patient proposed for a programme who was not included, and why (programme tracking)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="pathway_refusals")
    template_code = models.SlugField(max_length=60)
    reason = models.CharField(_("reason"), max_length=30, choices=RefusalReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_on = models.DateField(_("date"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_on"]

    def __str__(self) -> str:
        return f"{self.template_code}: {self.get_reason_display()}"
