"""Patients: identity, diagnoses (mCODE-aligned), staging, performance status, biomarkers,
care team (who may see the patient), consent records and break-the-glass accesses."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oncoparcours.core import fields as limits
from oncoparcours.core.fields import BoundedTextField
from oncoparcours.core.models import AppendOnlyModel, BaseModel
from oncoparcours.directory.models import Organisation, Professional
from oncoparcours.directory.referential import icd10_label


def search_key(*parts: str) -> str:
    """Lower-case, accent-free text used for searching names."""
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    UNDETERMINED = "X", _("Undetermined")


def display_first_names(first_names: str) -> str:
    """First names as entered; those stored in INS capitals are shown as "Marie-Claire"."""
    if not first_names.isupper():
        return first_names
    return re.sub(r"[A-Z]+", lambda m: m.group(0).capitalize(), first_names)


def list_label(
    *, birth_last_name: str, used_last_name: str, first_names: str, birth_date: dt.date
) -> str:
    """``Patient.label`` from the columns alone, for lists that read values rather than models:
    "DUPONT Marie (12/03/1957)"."""
    last_name = used_last_name or birth_last_name
    return f"{last_name.upper()} {display_first_names(first_names)} ({birth_date:%d/%m/%Y})"


class Patient(BaseModel):
    ins = models.CharField(  # noqa: DJ001 (NULL = not known yet; unique when set)
        _("INS"),
        max_length=15,
        null=True,
        blank=True,
        help_text=_("National health identifier: 13 characters + 2-digit key."),
    )
    birth_last_name = models.CharField(_("birth name"), max_length=100)
    used_last_name = models.CharField(_("used name"), max_length=100, blank=True)
    first_names = models.CharField(_("first names"), max_length=150)
    used_first_name = models.CharField(_("used first name"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"))
    birth_place_code = models.CharField(
        _("birth place code"),
        max_length=5,
        blank=True,
        help_text=_("INSEE code of the birth commune; 99 + country code if born abroad."),
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    address = models.CharField(_("address"), max_length=250, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    departement = models.CharField(_("département"), max_length=3, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    gp = models.ForeignKey(
        Professional,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gp_patients",
        verbose_name=_("general practitioner"),
    )
    expert_centre = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("expert centre"),
    )
    proximity_centre = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proximity centre"),
    )
    deceased_on = models.DateField(_("date of death"), null=True, blank=True)
    search_text = models.CharField(max_length=400, editable=False, default="")
    sort_name = models.CharField(max_length=260, editable=False, default="")

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ["sort_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ins"], condition=Q(ins__isnull=False), name="patient_ins_unique"
            ),
            models.CheckConstraint(
                condition=Q(deceased_on__isnull=True) | Q(deceased_on__gte=models.F("birth_date")),
                name="patient_death_after_birth",
            ),
        ]
        indexes = [
            models.Index(fields=["sort_name"], name="patient_sort_name"),
            models.Index(fields=["birth_date"], name="patient_birth_date"),
            models.Index(fields=["expert_centre"], name="patient_expert_centre"),
            models.Index(fields=["proximity_centre"], name="patient_proximity_centre"),
            # The indicators' incremental refresh finds what changed since its last run (issue 13).
            models.Index(fields=["updated_at"], name="patient_updated"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("patients:detail", kwargs={"patient_id": self.pk})

    @classmethod
    def field_label(cls, name: str) -> str:
        """A field's verbose name (for the rectification trail and the access export)."""
        return str(getattr(cls._meta.get_field(name), "verbose_name", name))

    @property
    def last_name(self) -> str:
        return self.used_last_name or self.birth_last_name

    @property
    def display_first_names(self) -> str:
        """First names as entered; those stored in INS capitals are shown as "Marie-Claire"."""
        return display_first_names(self.first_names)

    @property
    def display_name(self) -> str:
        return f"{self.last_name.upper()} {self.display_first_names}"

    @property
    def label(self) -> str:
        """Name and birth date, for lists: "DUPONT Marie (12/03/1957)"."""
        return list_label(
            birth_last_name=self.birth_last_name,
            used_last_name=self.used_last_name,
            first_names=self.first_names,
            birth_date=self.birth_date,
        )

    def age_on(self, day: dt.date | None = None) -> int:
        day = day or timezone.localdate()
        had_birthday = (day.month, day.day) >= (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - (0 if had_birthday else 1)

    def refresh_search_fields(self) -> None:
        self.search_text = search_key(
            self.used_last_name, self.birth_last_name, self.first_names, self.ins or ""
        )
        self.sort_name = search_key(self.last_name, self.first_names)

    def save(self, *args, **kwargs) -> None:
        self.refresh_search_fields()
        super().save(*args, **kwargs)


class Laterality(models.TextChoices):
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")
    BILATERAL = "bilateral", _("Bilateral")
    MIDLINE = "midline", _("Midline")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    UNKNOWN = "unknown", _("Unknown")


class PrognosisStatus(models.TextChoices):
    POOR = "poor", _("Poor prognosis")
    NOT_POOR = "not_poor", _("Not a poor-prognosis cancer")
    TO_CHECK = "to_check", _("Not determined — to check")
    NOT_IN_TABLE = "not_in_table", _("Not determined — not in the survival table")


class Diagnosis(BaseModel):
    """A primary cancer condition (mCODE PrimaryCancerCondition) or a secondary one."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="diagnoses", verbose_name=_("patient")
    )
    icd10 = models.CharField(_("ICD-10 code"), max_length=6)
    icdo3_topography = models.CharField(_("ICD-O-3 topography"), max_length=5, blank=True)
    icdo3_morphology = models.CharField(
        _("ICD-O-3 morphology"),
        max_length=6,
        blank=True,
        help_text=_("E.g. 8140/3 (adenocarcinoma)."),
    )
    laterality = models.CharField(
        _("laterality"),
        max_length=20,
        choices=Laterality.choices,
        default=Laterality.NOT_APPLICABLE,
    )
    diagnosed_on = models.DateField(_("date of diagnosis"))
    is_primary = models.BooleanField(_("primary cancer"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    poor_prognosis = models.BooleanField(_("poor prognosis"), null=True, editable=False)
    five_year_survival = models.FloatField(_("5-year net survival (%)"), null=True, editable=False)
    survival_reference = models.CharField(max_length=200, blank=True, editable=False)
    survival_table_version = models.CharField(max_length=40, blank=True, editable=False)
    survival_entry = models.CharField(max_length=80, blank=True, editable=False)
    # Facts missing to decide the prognosis (codes of patients.rules.prognosis): not empty
    # exactly when the prognosis is "to check".
    prognosis_missing = models.JSONField(default=list, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")
        ordering = ["-diagnosed_on"]
        indexes = [
            models.Index(fields=["icd10"], name="diagnosis_icd10"),
            models.Index(fields=["patient", "-diagnosed_on"], name="diagnosis_patient"),
            # The indicators' incremental refresh finds what changed since its last run (issue 13).
            models.Index(fields=["updated_at"], name="diagnosis_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.icd10} {self.label}"

    @property
    def label(self) -> str:
        return icd10_label(self.icd10)

    @property
    def prognosis_status(self) -> str:
        if self.poor_prognosis is not None:
            return PrognosisStatus.POOR if self.poor_prognosis else PrognosisStatus.NOT_POOR
        return PrognosisStatus.TO_CHECK if self.prognosis_missing else PrognosisStatus.NOT_IN_TABLE

    @property
    def prognosis_status_label(self) -> str:
        return str(PrognosisStatus(self.prognosis_status).label)


class StagingKind(models.TextChoices):
    CLINICAL = "clinical", _("Clinical (cTNM)")
    PATHOLOGICAL = "pathological", _("Pathological (pTNM)")


class Staging(BaseModel):
    """TNM staging (mCODE TNMClinical/PathologicalStageGroup and categories)."""

    diagnosis = models.ForeignKey(
        Diagnosis, on_delete=models.CASCADE, related_name="stagings", verbose_name=_("diagnosis")
    )
    kind = models.CharField(_("kind"), max_length=15, choices=StagingKind.choices)
    # A category may be blank only in a stage group received from another system (FHIR import)
    # that did not send it; it is then shown as not given, never as TX/NX/MX.
    t = models.CharField("T", max_length=20, blank=True)
    n = models.CharField("N", max_length=20, blank=True)
    m = models.CharField("M", max_length=10, blank=True)
    stage_group = models.CharField(_("stage group"), max_length=10, blank=True)
    edition = models.PositiveSmallIntegerField(_("TNM edition"), default=8)
    staged_on = models.DateField(_("date"))

    class Meta:
        verbose_name = _("staging")
        verbose_name_plural = _("stagings")
        ordering = ["-staged_on"]

    def __str__(self) -> str:
        prefix = "c" if self.kind == StagingKind.CLINICAL else "p"
        categories = " ".join(f"{prefix}{value}" for value in (self.t, self.n, self.m) if value)
        if not self.stage_group:
            return categories
        if self.t and self.n and self.m:
            return f"{categories} — {self.stage_group}"
        group = _("stage %(group)s") % {"group": self.stage_group}
        missing = _("TNM not all given")
        return f"{categories} — {group} ({missing})" if categories else f"{group} ({missing})"


class PerformanceScale(models.TextChoices):
    ECOG = "ecog", _("ECOG / WHO")
    KARNOFSKY = "karnofsky", _("Karnofsky")


class PerformanceStatus(BaseModel):
    patient = models.ForeignKey(
        Patient,
        on_delete=models.CASCADE,
        related_name="performance_statuses",
        verbose_name=_("patient"),
    )
    scale = models.CharField(
        _("scale"), max_length=10, choices=PerformanceScale.choices, default=PerformanceScale.ECOG
    )
    value = models.PositiveSmallIntegerField(_("value"))
    recorded_on = models.DateField(_("date"))

    class Meta:
        verbose_name = _("performance status")
        verbose_name_plural = _("performance statuses")
        ordering = ["-recorded_on"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(scale="ecog", value__lte=4) | Q(scale="karnofsky", value__lte=100)),
                name="performance_status_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scale_display()} {self.value}"


class BiomarkerResult(models.TextChoices):
    POSITIVE = "positive", _("Positive / altered")
    NEGATIVE = "negative", _("Negative / wild type")
    EQUIVOCAL = "equivocal", _("Equivocal")
    NOT_ASSESSABLE = "not_assessable", _("Not assessable")


class Biomarker(BaseModel):
    """A tumour marker or genomic variant result (mCODE TumorMarkerTest / GenomicVariant)."""

    diagnosis = models.ForeignKey(
        Diagnosis, on_delete=models.CASCADE, related_name="biomarkers", verbose_name=_("diagnosis")
    )
    marker = models.CharField(
        _("gene or marker"), max_length=40, help_text=_("E.g. EGFR, ALK, PD-L1, HER2, MGMT.")
    )
    alteration = models.CharField(
        _("alteration"),
        max_length=100,
        blank=True,
        help_text=_("E.g. L858R, fusion, promoter methylation."),
    )
    result = models.CharField(_("result"), max_length=20, choices=BiomarkerResult.choices)
    value = models.CharField(_("value"), max_length=60, blank=True, help_text=_("E.g. TPS 60 %."))
    tested_on = models.DateField(_("date"))

    class Meta:
        verbose_name = _("biomarker")
        verbose_name_plural = _("biomarkers")
        ordering = ["-tested_on"]

    def __str__(self) -> str:
        return f"{self.marker} {self.alteration} {self.result_label}".replace("  ", " ").strip()

    @property
    def result_label(self) -> str:
        """ "positif" for PD-L1, "non muté (sauvage)" for EGFR (``rules.biomarker_wording``)."""
        from .rules.biomarker_wording import result_label

        return result_label(self.marker, self.result, self.alteration)


class CareTeamRole(models.TextChoices):
    REFERRING_ONCOLOGIST = "referring_oncologist", _("Referring oncologist")
    HAEMATOLOGIST = "haematologist", _("Haematologist")
    ORGAN_SPECIALIST = "organ_specialist", _("Organ specialist")
    SURGEON = "surgeon", _("Surgeon")
    RADIOTHERAPIST = "radiotherapist", _("Radiation oncologist")
    GP = "gp", _("General practitioner")
    COORDINATION_NURSE = "coordination_nurse", _("Coordination nurse (IDEC)")
    LIBERAL_NURSE = "liberal_nurse", _("Liberal nurse (IDEL)")
    PHARMACIST = "pharmacist", _("Pharmacist")
    EFS_PHYSICIAN = "efs_physician", _("EFS physician")
    HAD_TEAM = "had_team", _("Hospital-at-home team")
    SUPPORTIVE_CARE = "supportive_care", _("Supportive care")
    ON_CALL = "on_call", _("On-call physician")
    TUMOUR_BOARD = "tumour_board", _("Tumour board (RCP) member")
    EXPERT_CENTRE = "expert_centre", _("Expert centre physician (network referral)")
    OTHER = "other", _("Other")


class CareTeamMember(BaseModel):
    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="care_team", verbose_name=_("patient")
    )
    professional = models.ForeignKey(
        Professional,
        on_delete=models.PROTECT,
        related_name="care_teams",
        verbose_name=_("professional"),
    )
    role = models.CharField(_("role"), max_length=30, choices=CareTeamRole.choices)
    is_lead = models.BooleanField(_("care team lead"), default=False)
    start = models.DateField(_("from"), default=timezone.localdate)
    end = models.DateField(_("until"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    reason = models.CharField(_("reason"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("care team member")
        verbose_name_plural = _("care team members")
        ordering = ["-is_lead", "role", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="care_team_period",
            ),
        ]
        indexes = [
            # Covers the access check (index-only on PostgreSQL): who, whom, and when.
            models.Index(
                fields=["professional", "patient", "start", "end"], name="care_team_access"
            ),
            models.Index(fields=["patient", "professional"], name="care_team_patient_prof"),
        ]

    def __str__(self) -> str:
        return f"{self.professional} ({self.get_role_display()})"

    def is_current(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.start <= day and (self.end is None or day <= self.end)


class ConsentKind(models.TextChoices):
    DATA_SHARING = "data_sharing", _("Sharing and reuse of health data")
    RCP_INFORMATION = "rcp_information", _("Informed of the tumour board review")


class ConsentDecision(models.TextChoices):
    NON_OPPOSITION = "non_opposition", _("Does not object")
    OPPOSITION = "opposition", _("Objects")


class ConsentScope(models.TextChoices):
    """What the patient's decision is about. Every scope but the care team is an export purpose:
    an opposition in force removes the patient from every export of that purpose
    (``patients/data/consent_purposes.yaml`` gives each one's legal basis)."""

    CARE_TEAM = "care_team", _("Care team")
    NETWORK = "network", _("Sharing with a network (expert centres, regional cancer network)")
    RESEARCH = "research", _("Reuse of the data for research")
    REGISTRY = "registry", _("Transmission to a cancer registry")
    EVALUATION = (
        "evaluation",
        _("Evaluation and steering (indicators, Article 51 evaluation, evaluators' extracts)"),
    )


class ConsentRecord(AppendOnlyModel):
    """The patient's non-opposition or opposition, as recorded; never edited. The latest per
    kind/scope holds: latest decision date, then latest entry (``patients.rules.consent``)."""

    id = models.BigAutoField(primary_key=True)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="consents", verbose_name=_("patient")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ConsentKind.choices)
    scope = models.CharField(_("scope"), max_length=20, choices=ConsentScope.choices)
    decision = models.CharField(_("decision"), max_length=20, choices=ConsentDecision.choices)
    recorded_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("note"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-recorded_on", "-recorded_at", "-id"]
        indexes = [
            # The decision in force per patient and scope (exports' exclusion query).
            models.Index(
                fields=["patient", "kind", "scope", "recorded_on", "recorded_at", "id"],
                name="consent_in_force",
            ),
        ]


class BreakGlassAccess(BaseModel):
    """Temporary, reasoned access to a patient outside the care team (emergency)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_accesses"
    )
    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="break_glass_accesses"
    )
    reason = BoundedTextField(_("reason"), max_length=limits.REASON)
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("break-the-glass access")
        verbose_name_plural = _("break-the-glass accesses")
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["user", "patient", "expires_at"], name="break_glass_lookup")
        ]

    def is_active(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.started_at <= now < self.expires_at


class TreatmentKind(models.TextChoices):
    """Kinds of anticancer treatment, as the care team records them (mCODE: cancer-related
    medication, radiotherapy course). Home follow-up grades a report for every kind in course."""

    CHEMOTHERAPY = "chemotherapy", _("Chemotherapy")
    IMMUNOTHERAPY = "immune_checkpoint_inhibitor", _("Immunotherapy (immune checkpoint inhibitor)")
    CAR_T = "car_t", _("CAR-T cells")
    T_CELL_ENGAGER = "t_cell_engager", _("Bispecific T-cell engager antibody")
    ANTIBODY_DRUG_CONJUGATE = "antibody_drug_conjugate", _("Antibody–drug conjugate")
    TARGETED = "targeted_therapy", _("Targeted therapy")
    HORMONE = "hormone_therapy", _("Hormone therapy")
    RADIOTHERAPY = "radiotherapy", _("Radiotherapy")
    OTHER = "other", _("Other anticancer treatment")


class TreatmentEndReason(models.TextChoices):
    COMPLETED = "completed", _("Completed as planned")
    TOXICITY = "toxicity", _("Stopped for toxicity")
    PROGRESSION = "progression", _("Stopped for progression")
    PATIENT_CHOICE = "patient_choice", _("Stopped at the patient's request")
    OTHER = "other", _("Other reason")


class TreatmentCourse(BaseModel):
    """A course of anticancer treatment the patient is on (or was on): its kind, regimen and
    dates. A course is in progress from its start until its end date (included)."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="treatments", verbose_name=_("patient")
    )
    kind = models.CharField(_("kind of treatment"), max_length=30, choices=TreatmentKind.choices)
    regimen = models.CharField(
        _("regimen or drugs"),
        max_length=200,
        help_text=_("E.g. FOLFOX, carboplatin–paclitaxel, pembrolizumab, axicabtagene ciloleucel."),
    )
    line = models.PositiveSmallIntegerField(_("line of treatment"), null=True, blank=True)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for ending"), max_length=20, choices=TreatmentEndReason.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("anticancer treatment")
        verbose_name_plural = _("anticancer treatments")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="treatment_course_period",
            ),
            models.CheckConstraint(
                condition=Q(line__isnull=True) | Q(line__gte=1), name="treatment_course_line"
            ),
        ]
        indexes = [models.Index(fields=["patient", "ended_on"], name="treatment_course_current")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.regimen}"

    def in_progress(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


class IdentityCorrection(AppendOnlyModel):
    """Rectification trail (GDPR art. 16): one row per corrected field of the patient's identity,
    with the previous and the new value, who corrected it, when and why. Never edited; shown on
    the record and included in the patient's access export."""

    id = models.BigAutoField(primary_key=True)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="identity_corrections"
    )
    field = models.CharField(_("field"), max_length=40)
    previous_value = models.CharField(_("previous value"), max_length=300, blank=True)
    new_value = models.CharField(_("new value"), max_length=300, blank=True)
    reason = BoundedTextField(_("reason"), max_length=limits.REASON)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("identity correction")
        verbose_name_plural = _("identity corrections")
        ordering = ["-corrected_at", "-id"]
        indexes = [models.Index(fields=["patient", "-corrected_at"], name="identity_correction")]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="identity_correction_reason")
        ]


class MolecularKind(models.TextChoices):
    """Kinds of tumour molecular result (value domains and their sources: docs/trials.md)."""

    VARIANT = "variant", _("Somatic variant")
    TMB = "tmb", _("Tumour mutational burden")
    MSI = "msi", _("Microsatellite instability / MMR")
    IHC = "ihc", _("Immunohistochemistry")
    NEGATIVE = "negative", _("Gene tested without alteration (wild type / negative)")
    # A former free-text biomarker that could not be structured without guessing: shown as such,
    # to be entered again; ignored by trial matching and prognosis (never met).
    TO_VERIFY = "to_verify", _("To verify: enter again as a structured result")


class MolecularMethod(models.TextChoices):
    """How a gene result was obtained, when the report says so (blank: not recorded). Only an
    ERBB2 amplification result by in situ hybridisation decides a HER2 IHC 2+ (ASCO/CAP 2018,
    Wolff et al., J Clin Oncol 2018): by sequencing, or by a method not recorded, the 2+ stays to
    verify (trials.rules.criteria)."""

    ISH = "ish", _("In situ hybridisation (FISH, CISH, SISH)")
    NGS = "ngs", _("Sequencing (NGS)")
    PCR = "pcr", _("PCR")
    OTHER = "other", _("Other method")


class AlterationType(models.TextChoices):
    SNV = "snv", _("Single-nucleotide variant")
    INDEL = "indel", _("Insertion / deletion")
    MUTATION = "mutation", _("Mutation (SNV or indel, not reported which)")
    FUSION = "fusion", _("Fusion")
    AMPLIFICATION = "amplification", _("Amplification (CNV)")
    DELETION = "deletion", _("Deep deletion (CNV)")


class MsiStatus(models.TextChoices):
    MSI_H = "msi_h", _("MSI-H (high instability)")
    MSI_L = "msi_l", _("MSI-L (low instability)")
    MSS = "mss", _("MSS (stable)")
    DMMR = "dmmr", _("dMMR (deficient mismatch repair)")
    PMMR = "pmmr", _("pMMR (proficient mismatch repair)")


class IhcScale(models.TextChoices):
    HER2_SCORE = "her2_score", _("HER2 score 0 to 3+ (ASCO/CAP)")
    PERCENT = "percent", _("Percentage of stained tumour cells (ER, PR, PD-L1 TPS)")
    CPS = "cps", _("PD-L1 combined positive score (CPS)")


class VariantClass(models.IntegerChoices):
    """Pathogenicity / oncogenicity class of a variant, five tiers (ACMG/AMP, Richards et al.,
    Genet Med 2015; somatic: AMP/ASCO/CAP, Li et al., J Mol Diagn 2017; docs/clinical-rules.md)."""

    PATHOGENIC = 5, _("Class 5: pathogenic / oncogenic")
    LIKELY_PATHOGENIC = 4, _("Class 4: likely pathogenic / likely oncogenic")
    UNCERTAIN = 3, _("Class 3: variant of uncertain significance")
    LIKELY_BENIGN = 2, _("Class 2: likely benign")
    BENIGN = 1, _("Class 1: benign")


class MolecularFindingQuerySet(models.QuerySet["MolecularFinding"]):
    def current(self) -> MolecularFindingQuerySet:
        """The results in force: neither replaced by a correction nor withdrawn."""
        return self.filter(replaced_by__isnull=True, withdrawn=False)


class MolecularFinding(BaseModel):
    """One structured molecular result of the patient's tumour: a somatic variant (SNV, indel,
    fusion, copy-number change), a TMB, an MSI/MMR status or an IHC result, with its sample date
    and source. Validated by ``patients.rules.molecular``; trial matching reads these."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="molecular", verbose_name=_("patient")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MolecularKind.choices)
    gene = models.CharField(_("gene (HGNC symbol)"), max_length=20, blank=True)
    alteration_type = models.CharField(
        _("alteration type"), max_length=15, choices=AlterationType.choices, blank=True
    )
    exon = models.PositiveSmallIntegerField(_("exon"), null=True, blank=True)
    protein_change = models.CharField(_("protein change"), max_length=40, blank=True)
    fusion_partner = models.CharField(_("fusion partner"), max_length=20, blank=True)
    tmb = models.FloatField(_("TMB (mutations/Mb)"), null=True, blank=True)
    msi_status = models.CharField(
        _("MSI / MMR status"), max_length=5, choices=MsiStatus.choices, blank=True
    )
    ihc_marker = models.CharField(_("IHC marker"), max_length=20, blank=True)
    ihc_scale = models.CharField(
        _("IHC scale"), max_length=12, choices=IhcScale.choices, blank=True
    )
    ihc_value = models.FloatField(_("IHC value"), null=True, blank=True)
    classification = models.PositiveSmallIntegerField(
        _("variant class"), choices=VariantClass.choices, null=True, blank=True
    )
    method = models.CharField(
        _("method"), max_length=5, choices=MolecularMethod.choices, blank=True, default=""
    )
    # Append-only history: a correction or a withdrawal is a new row replacing the previous
    # version (a withdrawal keeps its values, flagged ``withdrawn``); current = not replaced.
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    withdrawn = models.BooleanField(_("withdrawn (entered in error)"), default=False)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    sampled_on = models.DateField(_("sample date"))
    source = models.CharField(
        _("source"), max_length=120, help_text=_("Laboratory or report, e.g. NGS panel, PFMG.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    # The wording of a simple entry ("EGFR muté", "HER2 3+") or of a former free-text biomarker,
    # kept as reported; the structured fields above are what the platform reads.
    reported_marker = models.CharField(_("reported marker"), max_length=40, blank=True)
    reported_alteration = models.CharField(_("reported alteration"), max_length=100, blank=True)
    reported_result = models.CharField(_("reported result"), max_length=20, blank=True)
    reported_value = models.CharField(_("reported value"), max_length=60, blank=True)
    from_biomarker = models.ForeignKey(
        Biomarker,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="structured",
        editable=False,
        verbose_name=_("converted from the free-text biomarker"),
    )

    objects = MolecularFindingQuerySet.as_manager()

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A correction or a withdrawal stays with the patient of the result it replaces: the
        # record links the versions among the patient's own results (``selectors.
        # molecular_record``), so a replacement filed under another patient would leave the
        # replaced result shown as in force.
        replaced = self.replaces if self.replaces_id is not None else None
        if replaced is not None and replaced.patient_id != self.patient_id:
            raise ValueError("A molecular result can only replace a result of the same patient.")
        super().save(*args, **kwargs)

    class Meta:
        verbose_name = _("molecular result")
        verbose_name_plural = _("molecular results")
        ordering = ["-sampled_on", "kind", "gene"]
        indexes = [models.Index(fields=["patient", "-sampled_on"], name="molecular_patient")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="variant") | (~Q(gene="") & ~Q(alteration_type="")),
                name="molecular_variant_fields",
            ),
            models.CheckConstraint(
                condition=~Q(kind="negative") | ~Q(gene=""), name="molecular_negative_gene"
            ),
            models.CheckConstraint(
                condition=~Q(kind="tmb") | Q(tmb__gte=0), name="molecular_tmb_value"
            ),
            models.CheckConstraint(
                condition=~Q(kind="msi") | ~Q(msi_status=""), name="molecular_msi_value"
            ),
            models.CheckConstraint(
                condition=~Q(kind="ihc") | (~Q(ihc_marker="") & Q(ihc_value__gte=0)),
                name="molecular_ihc_value",
            ),
            models.CheckConstraint(
                condition=~Q(kind="to_verify") | ~Q(reported_marker=""),
                name="molecular_to_verify_reported",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == MolecularKind.VARIANT:
            detail = self.protein_change or (
                f"{self.gene}::{self.fusion_partner}" if self.fusion_partner else ""
            )
            return f"{self.gene} {self.get_alteration_type_display()} {detail}".strip()
        if self.kind == MolecularKind.NEGATIVE:
            from .rules.biomarker_wording import gene_scope

            scope = self.get_alteration_type_display() if self.alteration_type else ""
            return str(_("%(gene)s: no alteration found %(scope)s")) % {
                "gene": gene_scope(self.gene, self.exon),
                "scope": f"({scope})" if scope else "",
            }
        if self.kind == MolecularKind.TMB:
            from django.utils.formats import number_format

            value = float(self.tmb or 0)
            return f"TMB {number_format(int(value) if value.is_integer() else value)} mut/Mb"
        if self.kind == MolecularKind.MSI:
            return str(self.get_msi_status_display())
        if self.kind == MolecularKind.TO_VERIFY:
            return str(_("%(reported)s (to verify: enter again)")) % {"reported": self.reported}
        return f"{self.ihc_marker} {self.ihc_value_text}"

    @property
    def summary(self) -> str:
        """One line for the board case and its PDF: the result, and for a variant its class
        ("classe non notée (à vérifier)" when not given: matching does not count it)."""
        text = str(self)
        if self.kind == MolecularKind.VARIANT:
            if self.exon:
                text += " · " + str(_("exon %(exon)s")) % {"exon": self.exon}
            text += " · " + (
                str(self.get_classification_display())
                if self.classification
                else str(_("class not recorded (to verify)"))
            )
        if self.method and self.kind in (MolecularKind.VARIANT, MolecularKind.NEGATIVE):
            text += " · " + str(self.get_method_display())
        return text

    @property
    def ihc_value_text(self) -> str:
        """ "IHC 3+", "TPS 50 %" (PD-L1), "80 %" (ER, PR), "CPS 10"."""
        value = self.ihc_value or 0
        if self.ihc_scale == IhcScale.HER2_SCORE:
            return f"IHC {value:g}+" if value else "IHC 0"
        if self.ihc_scale == IhcScale.CPS:
            return f"CPS {value:g}"
        prefix = "TPS " if self.ihc_marker == "PD-L1" else ""
        return f"{prefix}{value:g} %".replace(".", ",")

    @property
    def reported(self) -> str:
        """The result as it was reported ("EGFR mutation exon 19/21 positive (…)")."""
        from .rules.biomarker_wording import result_label

        result = (
            result_label(self.reported_marker, self.reported_result, self.reported_alteration)
            if self.reported_result
            else ""
        )
        text = " ".join(
            part for part in (self.reported_marker, self.reported_alteration, result) if part
        )
        return f"{text} ({self.reported_value})" if self.reported_value else text
