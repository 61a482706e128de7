"""Trial registry: trials, their French sites, arms (cohorts) and the versioned eligibility tree
of each arm (an edit is a new version; earlier ones are kept)."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oncoparcours.core import fields as limits
from oncoparcours.core.fields import BoundedTextField
from oncoparcours.core.models import AppendOnlyModel, BaseModel
from oncoparcours.directory.models import Organisation

ELIGIBILITY_TEXT = 40_000


class TrialStatus(models.TextChoices):
    """Overall and per-site recruitment status (ClinicalTrials.gov API v2 ``OverallStatus``)."""

    NOT_YET_RECRUITING = "NOT_YET_RECRUITING", _("Not yet recruiting")
    RECRUITING = "RECRUITING", _("Recruiting")
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION", _("Enrolling by invitation")
    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING", _("Active, not recruiting")
    SUSPENDED = "SUSPENDED", _("Suspended")
    TERMINATED = "TERMINATED", _("Terminated")
    COMPLETED = "COMPLETED", _("Completed")
    WITHDRAWN = "WITHDRAWN", _("Withdrawn")
    UNKNOWN = "UNKNOWN", _("Unknown status")


OPEN_STATUSES = (TrialStatus.RECRUITING, TrialStatus.ENROLLING_BY_INVITATION)
# Safer reading (2026-12-04 review): a trial or site "enrolling by invitation" (ClinicalTrials.gov:
# participants are selected from a pre-determined population, one cannot simply be referred) is
# still listed, shown "sur invitation", but a site by invitation is never counted as an open French
# site for the nearest-site distance: only RECRUITING sites are.
RECRUITING_SITE_STATUSES = (TrialStatus.RECRUITING,)


class TrialSource(models.TextChoices):
    CTGOV = "ctgov", _("ClinicalTrials.gov")
    CTML = "ctml", _("CTML file")
    MANUAL = "manual", _("Entered by hand")


class Trial(BaseModel):
    nct_id = models.CharField(  # noqa: DJ001 (NULL = no NCT number; unique when set)
        _("NCT number"), max_length=11, null=True, blank=True
    )
    eu_ct_number = models.CharField(_("EU CT number"), max_length=20, blank=True)
    eudract_number = models.CharField(_("EudraCT number"), max_length=14, blank=True)
    sponsor_code = models.CharField(_("sponsor code"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=400)
    phase = models.CharField(_("phase"), max_length=30, blank=True)
    sponsor = models.CharField(_("sponsor"), max_length=200, blank=True)
    overall_status = models.CharField(
        _("overall status"), max_length=25, choices=TrialStatus.choices
    )
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    eligibility_text = BoundedTextField(
        _("eligibility criteria (verbatim)"), max_length=ELIGIBILITY_TEXT, blank=True
    )
    source = models.CharField(_("source"), max_length=10, choices=TrialSource.choices)
    retrieved_at = models.DateTimeField(_("retrieved on"))
    refresh_days = models.PositiveSmallIntegerField(_("refresh period (days)"), default=30)
    search_text = models.CharField(max_length=800, editable=False, default="")

    class Meta:
        verbose_name = _("clinical trial")
        verbose_name_plural = _("clinical trials")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["nct_id"], condition=Q(nct_id__isnull=False), name="trial_nct_unique"
            ),
            models.CheckConstraint(condition=Q(refresh_days__gte=1), name="trial_refresh_days"),
        ]
        indexes = [models.Index(fields=["overall_status", "title"], name="trial_status")]

    def __str__(self) -> str:
        return f"{self.identifier} — {self.title}"

    @property
    def identifier(self) -> str:
        return self.nct_id or self.eu_ct_number or self.eudract_number or self.sponsor_code

    def is_stale(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return now - self.retrieved_at > dt.timedelta(days=self.refresh_days)

    @property
    def is_open(self) -> bool:
        return self.overall_status in OPEN_STATUSES

    @property
    def by_invitation(self) -> bool:
        return self.overall_status == TrialStatus.ENROLLING_BY_INVITATION

    def save(self, *args, **kwargs) -> None:
        parts = [self.nct_id or "", self.eu_ct_number, self.sponsor_code, self.title, self.sponsor]
        self.search_text = " ".join(p for p in parts if p).lower()[:800]
        super().save(*args, **kwargs)


class TrialSite(BaseModel):
    """A French site of a trial: matched to our directory by name and city when possible."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="sites")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("site"), max_length=250)
    city = models.CharField(_("city"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    status = models.CharField(_("site status"), max_length=25, choices=TrialStatus.choices)
    contact = models.CharField(_("contact"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("trial site")
        verbose_name_plural = _("trial sites")
        ordering = ["city", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"

    @property
    def is_open(self) -> bool:
        """Recruiting: a site by invitation is not open to a referral (``by_invitation``)."""
        return self.status in RECRUITING_SITE_STATUSES

    @property
    def by_invitation(self) -> bool:
        return self.status == TrialStatus.ENROLLING_BY_INVITATION


class ArmStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class Arm(BaseModel):
    """An arm or cohort, with its own status and eligibility tree (latest ``ArmTreeVersion``)."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="arms")
    code = models.CharField(_("code"), max_length=40)
    description = models.CharField(_("description"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ArmStatus.choices)
    tree = models.JSONField(_("eligibility tree (current version)"), default=dict, editable=False)
    tree_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("arm")
        verbose_name_plural = _("arms")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["trial", "code"], name="arm_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.trial.identifier} — {self.label}"

    @property
    def label(self) -> str:
        """The arm's name as shown: the codes the ClinicalTrials.gov import gives a trial without
        named arms ("main", "arm 2") are said in words; the stored code keeps re-imports stable."""
        if self.code == "main":
            return str(_("single arm"))
        numbered = re.fullmatch(r"arm (\d+)", self.code)
        if numbered:
            return str(_("arm %(number)s")) % {"number": numbered.group(1)}
        return self.code


class ArmTreeVersion(AppendOnlyModel):
    """One version of an arm's eligibility tree; never changed (an edit adds a version)."""

    id = models.BigAutoField(primary_key=True)
    arm = models.ForeignKey(Arm, on_delete=models.PROTECT, related_name="tree_versions")
    number = models.PositiveIntegerField()
    document = models.JSONField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    note = BoundedTextField(_("note"), max_length=limits.REASON, blank=True)

    class Meta:
        verbose_name = _("eligibility tree version")
        verbose_name_plural = _("eligibility tree versions")
        ordering = ["arm", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["arm", "number"], name="arm_tree_version_unique"),
        ]


class MatchValue(models.IntegerChoices):
    TO_VERIFY = 1, _("to verify")
    MET = 2, _("met")


class PatientArmMatch(models.Model):
    """The last re-match's result for a patient and an open arm that is met or to verify (a
    derived table, rewritten by ``services.patient_rematch``; arms not met have no row). The
    trials worklist reads it; its changes raise the notices to the referring physician."""

    id = models.BigAutoField(primary_key=True)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="trial_matches"
    )
    arm = models.ForeignKey(Arm, on_delete=models.CASCADE, related_name="patient_matches")
    value = models.PositiveSmallIntegerField(choices=MatchValue.choices)
    unknowns = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("trial matching result")
        verbose_name_plural = _("trial matching results")
        constraints = [
            models.UniqueConstraint(fields=["patient", "arm"], name="patient_arm_match_once"),
        ]
        indexes = [models.Index(fields=["arm", "value"], name="patient_arm_match_arm")]

    def __str__(self) -> str:
        return f"{self.patient_id} — {self.arm_id}: {self.value}"
