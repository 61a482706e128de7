"""Home follow-up: patient access links, reports (self-reports, nurse visits, clinician
assessments), alerts with their event log, confirmed adverse events, triage rule sets and their
activations, on-call rotas. Reports, alerts, alert events and adverse events are append-only."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oncoparcours.core import fields as limits
from oncoparcours.core.fields import BoundedTextField
from oncoparcours.core.models import AppendOnlyModel, BaseModel
from oncoparcours.directory.models import Organisation, Professional
from oncoparcours.patients.models import Patient


class Source(models.TextChoices):
    PATIENT = "patient", _("Patient")
    CAREGIVER = "caregiver", _("Caregiver")
    NURSE = "nurse", _("Nurse")
    CLINICIAN = "clinician", _("Clinician")


class Treatment(models.TextChoices):
    IMMUNOTHERAPY = "immune_checkpoint_inhibitor", _("Immunotherapy (checkpoint inhibitor)")
    CAR_T = "car_t", _("CAR-T cells")
    CHEMOTHERAPY = "chemotherapy", _("Chemotherapy")
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    NONE = "none", _("No alert")
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")
    IMMEDIATE = "immediate", _("Immediate")
    EMERGENCY = "emergency", _("Emergency")


LEVEL_RANK = {value: index for index, value in enumerate(Level.values)}


class PatientAccessLink(BaseModel):
    """A personal link a patient (or their caregiver) uses to report symptoms from a phone.
    Only a hash of the token is stored; the link expires and can be revoked."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="access_links")
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(_("label"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.patient_id} {self.label}"

    def is_usable(self) -> bool:
        return self.revoked_at is None and timezone.now() < self.expires_at


class Report(AppendOnlyModel):
    """One assessment (what a patient, caregiver, nurse or clinician observed) and its grading."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="reports")
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    access_link = models.ForeignKey(
        PatientAccessLink, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    submission_key = models.UUIDField(unique=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    treatment = models.CharField(_("treatment"), max_length=30, choices=Treatment.choices)
    days_since_infusion = models.PositiveIntegerField(null=True, blank=True)
    observations = models.JSONField(default=dict)
    vitals = models.JSONField(default=dict, blank=True)
    comment = BoundedTextField(_("comment"), blank=True, max_length=limits.COMMENT)
    # Warning signs found in the free-text comment of a patient or relative (the portal's
    # warning words): [{"category", "label", "words"}]; shown to the care team on the report and
    # the alert, and with the advice and numbers to the person who wrote it.
    comment_warning_signs = models.JSONField(default=list, blank=True)
    result = models.JSONField(default=dict)
    max_grade = models.PositiveSmallIntegerField(_("highest grade"), default=0)
    level = models.CharField(_("alert level"), max_length=10, choices=Level.choices)
    worsened = models.BooleanField(_("worse than the previous report"), default=False)
    rule_set_label = models.CharField(_("rule set"), max_length=80)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["patient", "-submitted_at"], name="report_patient_time")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.submitted_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse(
            "monitoring:report", kwargs={"patient_id": self.patient_id, "report_id": self.pk}
        )


class AlertKind(models.TextChoices):
    TRIAGE = "triage", _("Triage of a report")
    MISSING_REPORT = "missing_report", _("No report received")
    BEDSIDE_CHECK = "bedside_check", _("Failed bedside identity check (CAR-T)")


class Alert(AppendOnlyModel):
    """What the rule set decided for a report; its state lives in AlertEvent rows."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="alerts")
    report = models.OneToOneField(
        Report, on_delete=models.PROTECT, null=True, blank=True, related_name="alert"
    )
    kind = models.CharField(max_length=20, choices=AlertKind.choices, default=AlertKind.TRIAGE)
    dedup_key = models.CharField(max_length=60, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    notify = models.JSONField(default=list)
    respond_within_minutes = models.PositiveIntegerField(null=True, blank=True)
    deadline = models.DateTimeField(_("respond before"), null=True, blank=True)
    advice = BoundedTextField(_("advice"), blank=True, max_length=limits.COMMENT)
    rule = models.CharField(max_length=60, blank=True)
    rule_set_label = models.CharField(_("rule set"), max_length=80, blank=True)
    flags = models.JSONField(_("suspicions"), default=list, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind", "dedup_key"],
                condition=~Q(dedup_key=""),
                name="alert_dedup",
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "-created_at"], name="alert_patient_time"),
            models.Index(fields=["deadline"], name="alert_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse(
            "monitoring:alert", kwargs={"patient_id": self.patient_id, "alert_id": self.pk}
        )


class AlertEventKind(models.TextChoices):
    NOTIFIED = "notified", _("Notified")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ESCALATED = "escalated", _("Escalated")
    RESOLVED = "resolved", _("Resolved")
    NOTE = "note", _("Note")


class ResolutionAction(models.TextChoices):
    ADVICE = "advice_given", _("Advice given")
    CONSULTATION = "consultation", _("Consultation planned")
    TREATMENT_HELD = "treatment_held", _("Treatment held")
    ER_REFERRAL = "er_referral", _("Referred to the emergency department")
    ADMISSION = "admission", _("Admission")
    NO_ACTION = "no_action", _("No action needed")


class OpenAlert(models.Model):
    """An alert not yet resolved: a derived index, so that the inbox reads the few open alerts
    instead of every alert ever raised (issue 19). Kept by the database itself: a trigger adds
    the row with the alert, another removes it with the "resolved" event
    (``monitoring.open_alert_index``). Never the source of truth: the inbox still derives each
    alert's state from its events, so a row left behind cannot show a resolved alert as open;
    the worker checks the index against the events every 5 minutes
    (``services.open_alerts``; ``oncoparcours open_alerts verify``)."""

    alert = models.OneToOneField(
        Alert, on_delete=models.CASCADE, primary_key=True, related_name="open_marker"
    )
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("open alert")
        verbose_name_plural = _("open alerts")

    def __str__(self) -> str:
        return f"open alert {self.alert_id}"


class AlertEvent(AppendOnlyModel):
    id = models.BigAutoField(primary_key=True)
    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=15, choices=AlertEventKind.choices)
    step = models.PositiveSmallIntegerField(default=0)
    deadline = models.DateTimeField(null=True, blank=True)
    action = models.CharField(
        _("action taken"), max_length=20, choices=ResolutionAction.choices, blank=True
    )
    note = BoundedTextField(_("note"), blank=True, max_length=limits.REASON)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            # At most one acknowledgement and one resolution; one row per escalation step, so two
            # workers (or a restarted one) can never escalate an alert twice.
            models.UniqueConstraint(
                fields=["alert", "kind", "step"],
                condition=Q(kind__in=["acknowledged", "resolved", "escalated"]),
                name="alert_event_once",
            ),
        ]
        indexes = [
            models.Index(fields=["alert", "kind"], name="alert_event_kind"),
            # The indicators' incremental refresh finds what changed since its last run (issue 13).
            models.Index(fields=["at"], name="alert_event_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.step}"


class AlertRecipient(AppendOnlyModel):
    id = models.BigAutoField(primary_key=True)
    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="recipients")
    professional = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="alerts")
    role = models.CharField(max_length=30)
    step = models.PositiveSmallIntegerField(default=0)
    notified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "professional", "step"], name="alert_recipient_once"
            )
        ]
        indexes = [
            models.Index(fields=["professional", "-notified_at"], name="alert_recipient_inbox")
        ]

    def __str__(self) -> str:
        return f"{self.professional_id} {self.role}"


class Attribution(models.TextChoices):
    IMMUNE_RELATED = "immune_related", _("Immune-related")
    TREATMENT_OTHER = "treatment_other", _("Treatment-related, not immune")
    UNRELATED = "unrelated", _("Not treatment-related")
    UNKNOWN = "unknown", _("Undetermined")


class AdverseAction(models.TextChoices):
    CONTINUE = "continue", _("Treatment continued")
    HOLD = "hold", _("Treatment held")
    STOP = "stop", _("Treatment stopped")
    STEROIDS = "steroids", _("Corticosteroids")
    HOSPITALISATION = "hospitalisation", _("Hospitalisation")
    # ICH E2A seriousness criterion "prolongation of existing hospitalisation": an event of a
    # patient already in hospital that keeps them there (e.g. a CRS after an in-patient CAR-T
    # infusion).
    HOSPITALISATION_PROLONGED = "hospitalisation_prolonged", _("Hospitalisation prolonged")


class Outcome(models.TextChoices):
    ONGOING = "ongoing", _("Ongoing")
    RESOLVING = "resolving", _("Resolving")
    RESOLVED = "resolved", pgettext_lazy("adverse event outcome", "Resolved")
    SEQUELAE = "sequelae", _("Resolved with sequelae")
    FATAL = "fatal", _("Fatal")


class AdverseEvent(AppendOnlyModel):
    """A confirmed adverse event. A correction is a new row that supersedes the previous one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="adverse_events")
    term = models.CharField(_("term"), max_length=60)
    grade = models.PositiveSmallIntegerField(_("grade"))
    onset = models.DateField(_("onset"))
    attribution = models.CharField(_("attribution"), max_length=20, choices=Attribution.choices)
    actions = models.JSONField(_("actions"), default=list)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, null=True, blank=True, related_name="adverse_events"
    )
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    note = BoundedTextField(_("note"), blank=True, max_length=limits.REASON)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-onset", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=5), name="adverse_event_grade"
            )
        ]

    def __str__(self) -> str:
        return f"{self.term} G{self.grade}"


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    VALIDATED = "validated", _("Validated")
    RETIRED = "retired", _("Retired")


class TriageRuleSet(BaseModel):
    code = models.SlugField(max_length=60)
    version = models.PositiveIntegerField()
    title_fr = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    source = BoundedTextField(max_length=limits.SOURCE_FILE)
    definition = models.JSONField()
    checksum = models.CharField(max_length=64)
    file_name = models.CharField(max_length=100)
    status = models.CharField(
        max_length=10, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    validation_note = BoundedTextField(blank=True, max_length=limits.GENERATED)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="ruleset_version")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.code}@{self.version}"


class RuleSetActivation(AppendOnlyModel):
    """Which rule set an organisation uses from now on (the latest row wins; none = platform)."""

    id = models.BigAutoField(primary_key=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule_set = models.ForeignKey(
        TriageRuleSet, on_delete=models.PROTECT, related_name="activations"
    )
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    activated_at = models.DateTimeField(default=timezone.now)
    vignettes_checked = models.PositiveIntegerField(default=0)
    note = BoundedTextField(blank=True, max_length=limits.REASON)

    class Meta:
        ordering = ["-activated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.rule_set} @ {self.organisation_id or 'platform'}"


class OnCallRole(models.TextChoices):
    CAR_T = "car_t_on_call", _("CAR-T on-call")
    PHYSICIAN = "on_call_physician", _("On-call physician")
    PHARMACIST = "pharmacist_on_duty", _("Pharmacist on duty")
    INTENSIVE_CARE = "icu_on_call", _("Intensive-care on-call")
    NEUROLOGY = "neurology_on_call", _("Neurology on-call")


class OnCallShift(BaseModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="on_call")
    role = models.CharField(max_length=20, choices=OnCallRole.choices)
    professional = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="on_call")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["organisation", "role", "starts_at"], name="on_call_lookup")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="on_call_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.professional}"


class DueStatus(models.TextChoices):
    DUE = "due", pgettext_lazy("questionnaire", "To fill in")
    ANSWERED = "answered", pgettext_lazy("questionnaire", "Answered")
    MISSED = "missed", pgettext_lazy("questionnaire", "Missed")


class QuestionnaireDue(BaseModel):
    """One PROM questionnaire a patient is asked to fill in (an occurrence of their programme's
    schedule): due on a day, open for a window, then answered or missed."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="proms_due")
    pathway_instance = models.ForeignKey(
        "pathways.PathwayInstance", on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    instrument = models.CharField(_("questionnaire"), max_length=40)
    instrument_version = models.PositiveSmallIntegerField()
    occurrence = models.CharField(max_length=80)
    due_on = models.DateField(_("due on"))
    closes_on = models.DateField(_("open until"))
    status = models.CharField(
        _("status"), max_length=10, choices=DueStatus.choices, default=DueStatus.DUE
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    missed_on = models.DateField(_("missed on"), null=True, blank=True)

    class Meta:
        ordering = ["-due_on", "instrument"]
        verbose_name = _("questionnaire to fill in")
        verbose_name_plural = _("questionnaires to fill in")
        constraints = [
            models.UniqueConstraint(
                fields=["pathway_instance", "instrument", "occurrence"], name="prom_due_once"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("due_on")), name="prom_due_window"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "closes_on"], name="prom_due_status"),
            models.Index(fields=["patient", "status"], name="prom_due_patient"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument}@{self.instrument_version} {self.due_on}"


class PromAnswer(AppendOnlyModel):
    """The answers to one questionnaire (append-only), their score and worrying items."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    due = models.OneToOneField(QuestionnaireDue, on_delete=models.PROTECT, related_name="answer")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="prom_answers")
    source = models.CharField(_("answered by"), max_length=12, choices=Source.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reporter_label = models.CharField(max_length=200, blank=True)
    submission_key = models.UUIDField(unique=True)
    submitted_at = models.DateTimeField(_("answered"), default=timezone.now)
    answers = models.JSONField(default=dict)
    score = models.PositiveSmallIntegerField(_("score (0-100)"))
    worrying = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("questionnaire answer")
        verbose_name_plural = _("questionnaire answers")

    def __str__(self) -> str:
        return f"{self.due_id} {self.score}"
