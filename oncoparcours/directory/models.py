"""Referential of the care network: organisations and their capabilities, networks,
professionals with their memberships and qualifications."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from oncoparcours.core import fields as limits
from oncoparcours.core.fields import BoundedTextField
from oncoparcours.core.models import BaseModel
from oncoparcours.core.rules.identifiers import normalise_identifier
from oncoparcours.core.validators import validate_finess, validate_rpps

from . import referential
from .rules import accreditation
from .rules.dates import add_months


class OrganisationKind(models.TextChoices):
    CHU = "chu", _("University hospital (CHU/CHRU)")
    CLCC = "clcc", _("Comprehensive cancer centre (CLCC)")
    CH = "ch", _("General hospital (CH)")
    PRIVATE_CLINIC = "private_clinic", _("Private clinic")
    EFS_CARE_CENTRE = "efs_care_centre", _("EFS care centre")
    HAD = "had", _("Hospital at home (HAD)")
    PUI = "pui", _("Hospital pharmacy (PUI)")
    CITY_PRACTICE = "city_practice", _("City practice")
    THREE_C = "3c", _("Cancer coordination centre (3C)")
    DSRC = "dsrc", _("Regional cancer network (DSRC)")
    ARS = "ars", _("Regional health agency (ARS)")
    MANUFACTURER = "manufacturer", _("Manufacturer")


FINESS_REQUIRED_KINDS = {
    OrganisationKind.CHU,
    OrganisationKind.CLCC,
    OrganisationKind.CH,
    OrganisationKind.PRIVATE_CLINIC,
    OrganisationKind.EFS_CARE_CENTRE,
    OrganisationKind.HAD,
    OrganisationKind.PUI,
    OrganisationKind.ARS,
}

CARE_SITE_KINDS = {
    OrganisationKind.CHU,
    OrganisationKind.CLCC,
    OrganisationKind.CH,
    OrganisationKind.PRIVATE_CLINIC,
    OrganisationKind.EFS_CARE_CENTRE,
    OrganisationKind.HAD,
}


def validate_departement(value: str) -> None:
    if value not in referential.departements():
        raise ValidationError(_("Unknown département code %(code)s."), params={"code": value})


class Organisation(BaseModel):
    # Every dropdown of organisations lists them in French alphabetical order (core/form_renderer).
    sort_choices_by_name = True

    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    finess = models.CharField(  # noqa: DJ001 (NULL = none; unique when set)
        _("FINESS"),
        max_length=9,
        null=True,
        blank=True,
        validators=[validate_finess],
        help_text=_("9 characters; required for health establishments."),
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("parent organisation"),
        help_text=_("E.g. the hospital a pharmacy (PUI) belongs to."),
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    departement = models.CharField(
        _("département"), max_length=3, validators=[validate_departement]
    )
    region = models.CharField(_("region"), max_length=2, editable=False)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=40, default="Europe/Paris")
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["finess"],
                condition=Q(finess__isnull=False),
                name="organisation_finess_unique",
                violation_error_message=_("An organisation with this FINESS already exists."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="organisation_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="organisation_longitude_range",
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"], name="organisation_kind_name")]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.finess:
            self.finess = normalise_identifier(self.finess)
        if self.kind in FINESS_REQUIRED_KINDS and not self.finess:
            errors["finess"] = _("A FINESS number is required for this kind of organisation.")
        dep = referential.departements().get(self.departement)
        if self.postcode and dep is not None:
            prefix = dep.postcode_prefix
            if not (self.postcode.isdigit() and len(self.postcode) == 5):
                errors["postcode"] = _("A postcode has 5 digits.")
            elif not self.postcode.startswith(prefix):
                errors["postcode"] = _("The postcode does not belong to the département.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = _(
                "Give both latitude and longitude, or neither."
            )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        dep = referential.departements().get(self.departement)
        if dep:
            self.region = dep.region_code
            if not self.time_zone or self.time_zone == "Europe/Paris":
                self.time_zone = dep.time_zone
        super().save(*args, **kwargs)

    @property
    def departement_name(self) -> str:
        dep = referential.departements().get(self.departement)
        return dep.name if dep else self.departement

    @property
    def region_name(self) -> str:
        if not self.region:  # an overseas collectivity: no region, its own territory
            return self.departement_name
        return referential.regions().get(self.region, {}).get("name", self.region)

    @property
    def position(self) -> tuple[float, float]:
        if self.latitude is not None and self.longitude is not None:
            return self.latitude, self.longitude
        dep = referential.departements()[self.departement]
        return dep.latitude, dep.longitude


class CapabilityKind(models.TextChoices):
    CAR_T_QUALIFIED_PUI = "car_t_qualified_pui", _("CAR-T qualified pharmacy (ARS)")
    CAR_T_QUALIFIED_WARD = "car_t_qualified_ward", _("CAR-T qualified care unit (ARS)")
    JACIE = "jacie", _("JACIE accreditation")
    ICU_BEDS = "icu_beds", _("Intensive-care beds")
    APHERESIS_MACHINES = "apheresis_machines", _("Apheresis machines")
    DAY_HOSPITAL_PLACES = "day_hospital_places", _("Day-hospital places")
    PET_CT = "pet_ct", _("PET-CT")
    PET_MRI = "pet_mri", _("PET-MRI")
    CYCLOTRON = "cyclotron", _("Cyclotron")
    CANCER_TREATMENT = "cancer_treatment", _("Authorised cancer-treatment activity")


COUNTABLE_CAPABILITIES = {
    CapabilityKind.ICU_BEDS,
    CapabilityKind.APHERESIS_MACHINES,
    CapabilityKind.DAY_HOSPITAL_PLACES,
    CapabilityKind.PET_CT,
    CapabilityKind.PET_MRI,
}


class CancerTreatmentActivity(models.TextChoices):
    """Authorisation modalities of the 2022 reform of cancer-treatment authorisations."""

    ONCOLOGICAL_SURGERY = "oncological_surgery", _("Oncological surgery")
    EXTERNAL_RADIOTHERAPY = "external_radiotherapy", _("External radiotherapy")
    BRACHYTHERAPY = "brachytherapy", _("Brachytherapy")
    SYSTEMIC_TREATMENT = "systemic_treatment", _("Systemic cancer treatments")
    RADIOPHARMACEUTICALS = "radiopharmaceuticals", _("Internal radiotherapy (radiopharmaceuticals)")


# Qualifications for CAR-T cells: issued by the regional health agency, product by product.
CAR_T_QUALIFICATIONS = {CapabilityKind.CAR_T_QUALIFIED_PUI, CapabilityKind.CAR_T_QUALIFIED_WARD}

# Default warning window before a validity ends. Capabilities with an accreditation cycle (JACIE:
# 4 years with an interim audit at 2 years) take their windows from data/accreditation_cycles.yaml.
EXPIRY_WARNING_DAYS = 90


class Capability(BaseModel):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="capabilities",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("capability"), max_length=32, choices=CapabilityKind.choices)
    activity = models.CharField(
        _("authorised activity"),
        max_length=40,
        choices=CancerTreatmentActivity.choices,
        blank=True,
    )
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    issuer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issuer_name = models.CharField(
        _("issuer (if not in the referential)"), max_length=200, blank=True
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    products = models.JSONField(
        _("products covered"),
        default=list,
        blank=True,
        help_text=_("CAR-T qualifications: the codes of the products the qualification covers."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    interim_audit_on = models.DateField(
        _("interim audit done on"),
        null=True,
        blank=True,
        help_text=_("Accreditations with an interim audit (JACIE: at 2 years of a 4-year cycle)."),
    )
    note = models.CharField(_("note"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("capability")
        verbose_name_plural = _("capabilities")
        ordering = ["kind", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="capability_valid_period",
            ),
        ]
        indexes = [models.Index(fields=["kind", "valid_until"], name="capability_kind_until")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.organisation}"

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.kind == CapabilityKind.CANCER_TREATMENT and not self.activity:
            errors["activity"] = _("Choose the authorised activity.")
        if self.kind != CapabilityKind.CANCER_TREATMENT and self.activity:
            errors["activity"] = _("Only cancer-treatment authorisations have an activity.")
        if self.kind in COUNTABLE_CAPABILITIES and not self.quantity:
            errors["quantity"] = _("Give the number (beds, machines, places...).")
        if self.kind in CAR_T_QUALIFICATIONS and not (self.issuer_id or self.issuer_name):
            errors["issuer"] = _(
                "CAR-T qualification is issued by the regional health agency (ARS)."
            )
        if self.kind in CAR_T_QUALIFICATIONS and not (
            isinstance(self.products, list)
            and self.products
            and all(isinstance(code, str) and code.strip() for code in self.products)
        ):
            errors["products"] = _("Name the CAR-T products this qualification covers.")
        if self.kind not in CAR_T_QUALIFICATIONS and self.products:
            errors["products"] = _("Only CAR-T qualifications cover products.")
        cycle = referential.accreditation_cycles().get(self.kind)
        if cycle is not None and self.valid_from:
            longest = add_months(self.valid_from, cycle.cycle_months)
            if not self.valid_until:
                errors["valid_until"] = _(
                    "This accreditation lasts %(months)s months: give its expiry."
                ) % {"months": cycle.cycle_months}
            elif self.valid_until > longest:
                errors["valid_until"] = _(
                    "This accreditation lasts at most %(months)s months: it ends by %(date)s."
                ) % {"months": cycle.cycle_months, "date": longest.strftime("%d/%m/%Y")}
        if self.interim_audit_on:
            if cycle is None or cycle.interim_audit_months is None:
                errors["interim_audit_on"] = _("This capability has no interim audit.")
            elif self.valid_from and self.interim_audit_on < self.valid_from:
                errors["interim_audit_on"] = _("The interim audit is before the accreditation.")
            elif self.valid_until and self.interim_audit_on > self.valid_until:
                errors["interim_audit_on"] = _("The interim audit is after the expiry.")
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The end of validity is before its start.")
        if errors:
            raise ValidationError(errors)

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    @property
    def products_label(self) -> str:
        """The products covered, by their international non-proprietary names (French spelling
        on French pages: "tisagenlécleucel")."""
        from oncoparcours.core.medicines import inn_label

        return ", ".join(inn_label(code) for code in self.products or [])

    @property
    def expiry_status(self) -> str:
        """ "expired", "expiring" (within the warning window), "valid" or "permanent"."""
        if self.valid_until is None:
            return "permanent"
        today = timezone.localdate()
        if self.valid_until < today:
            return "expired"
        cycle = referential.accreditation_cycles().get(self.kind)
        window = cycle.renewal_warning_days if cycle is not None else EXPIRY_WARNING_DAYS
        if self.valid_until <= today + dt.timedelta(days=window):
            return "expiring"
        return "valid"

    @property
    def cycle_alerts(self) -> list[accreditation.CycleAlert]:
        """What the accreditation cycle asks for now (interim audit due, renewal due...)."""
        cycle = referential.accreditation_cycles().get(self.kind)
        if cycle is None:
            return []
        return accreditation.alerts(
            cycle,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            interim_audit_on=self.interim_audit_on,
            today=timezone.localdate(),
        )


class NetworkKind(models.TextChoices):
    INCA_EXCELLENCE = "inca_excellence", _("INCa network of excellence")
    REGIONAL = "regional", _("Regional cancer network")


class Network(BaseModel):
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=NetworkKind.choices)
    description = BoundedTextField(_("description"), blank=True, max_length=limits.COMMENT)
    region = models.CharField(_("region"), max_length=2, blank=True)
    icd10_ranges = models.JSONField(
        _("ICD-10 scope"),
        default=list,
        blank=True,
        help_text=_("List of [first, last] ICD-10 codes, inclusive."),
    )
    expected_expert_centres = models.PositiveIntegerField(
        _("expected expert centres"), null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    data_version = models.CharField(_("referential version"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        from .rules import icd10

        for index, pair in enumerate(self.icd10_ranges or []):
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                raise ValidationError(
                    {"icd10_ranges": _("Range %(n)s must be [first, last].") % {"n": index + 1}}
                )
            for code in pair:
                if referential.icd10_problem(code):
                    raise ValidationError(
                        {"icd10_ranges": _("Unknown ICD-10 code %(code)s.") % {"code": code}}
                    )
            if not icd10.range_is_ordered(pair[0], pair[1]):
                raise ValidationError(
                    {"icd10_ranges": _("Range %(n)s ends before it starts.") % {"n": index + 1}}
                )

    @property
    def scope_ranges(self) -> list[tuple[str, str]]:
        return [(start, end) for start, end in self.icd10_ranges or []]

    @property
    def scope_display(self) -> str:
        return ", ".join(
            start if start == end else f"{start}–{end}" for start, end in self.scope_ranges
        )


class NetworkRole(models.TextChoices):
    PILOT = "pilot", _("Pilot centre")
    EXPERT = "expert", _("Expert centre")
    MEMBER = "member", _("Member")


class NetworkMembership(BaseModel):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("network")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="network_memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=10, choices=NetworkRole.choices)
    labelled_on = models.DateField(_("labelled on"), null=True, blank=True)
    label_until = models.DateField(_("label valid until"), null=True, blank=True)
    service = models.CharField(_("department/service"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        ordering = ["role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "organisation"], name="network_membership_unique"
            ),
            models.UniqueConstraint(
                fields=["network"], condition=Q(role="pilot"), name="network_single_pilot"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network} — {self.organisation} ({self.get_role_display()})"


class Profession(models.TextChoices):
    PHYSICIAN = "physician", _("Physician")
    PHARMACIST = "pharmacist", _("Pharmacist")
    NURSE = "nurse", _("Nurse")
    RADIOGRAPHER = "radiographer", _("Radiographer")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    DIETITIAN = "dietitian", _("Dietitian")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    ADMINISTRATIVE = "administrative", _("Administrative staff")


class Specialty(models.TextChoices):
    MEDICAL_ONCOLOGY = "medical_oncology", _("Medical oncology")
    HAEMATOLOGY = "haematology", _("Haematology")
    SURGERY = "surgery", _("Surgery (oncological)")
    THORACIC_SURGERY = "thoracic_surgery", _("Thoracic surgery")
    DIGESTIVE_SURGERY = "digestive_surgery", _("Digestive surgery")
    GYNAECOLOGICAL_SURGERY = "gynaecological_surgery", _("Gynaecological surgery")
    NEUROSURGERY = "neurosurgery", _("Neurosurgery")
    UROLOGY = "urology", _("Urology")
    ENT_SURGERY = "ent_surgery", _("ENT and head and neck surgery")
    MAXILLOFACIAL_SURGERY = "maxillofacial_surgery", _("Maxillofacial surgery")
    PLASTIC_SURGERY = "plastic_surgery", _("Plastic, reconstructive and aesthetic surgery")
    ORTHOPAEDIC_SURGERY = "orthopaedic_surgery", _("Orthopaedic and trauma surgery")
    PAEDIATRIC_SURGERY = "paediatric_surgery", _("Paediatric surgery")
    RADIOTHERAPY = "radiotherapy", _("Radiation oncology")
    RADIOLOGY = "radiology", _("Radiology")
    NUCLEAR_MEDICINE = "nuclear_medicine", _("Nuclear medicine")
    PATHOLOGY = "pathology", _("Pathology")
    NEUROLOGY = "neurology", _("Neurology")
    NEURO_ONCOLOGY = "neuro_oncology", _("Neuro-oncology")
    PULMONOLOGY = "pulmonology", _("Pulmonology")
    GASTROENTEROLOGY = "gastroenterology", _("Gastroenterology")
    GYNAECOLOGY = "gynaecology", _("Gynaecology")
    DERMATOLOGY = "dermatology", _("Dermatology")
    INTENSIVE_CARE = "intensive_care", _("Intensive care")
    PALLIATIVE_CARE = "palliative_care", _("Palliative care")
    PAEDIATRIC_ONCOLOGY = "paediatric_oncology", _("Paediatric oncology")
    GENERAL_PRACTICE = "general_practice", _("General practice (GP)")
    TRANSFUSION_MEDICINE = "transfusion_medicine", _("Transfusion medicine (EFS physician)")
    GERIATRIC_ONCOLOGY = "geriatric_oncology", _("Geriatric oncology")
    HOSPITAL_PHARMACY = "hospital_pharmacy", _("Hospital pharmacy")
    COORDINATION_NURSING = "coordination_nursing", _("Coordination nurse (IDEC)")
    LIBERAL_NURSING = "liberal_nursing", _("Liberal nurse (IDEL)")
    HOSPITAL_NURSING = "hospital_nursing", _("Hospital nurse")
    NONE = "none", _("None")


# Surgical specialties that operate cancers (French specialist training in surgery, arrêté of
# 21 April 2017 on the DES programmes): each fills the surgeon's place in a tumour board's
# quorum (boards/data/compositions.yaml, role "surgeon"); the board's required specialties say
# which one an organ board needs.
SURGICAL_SPECIALTIES = frozenset(
    {
        Specialty.SURGERY,
        Specialty.THORACIC_SURGERY,
        Specialty.DIGESTIVE_SURGERY,
        Specialty.GYNAECOLOGICAL_SURGERY,
        Specialty.NEUROSURGERY,
        Specialty.UROLOGY,
        Specialty.ENT_SURGERY,
        Specialty.MAXILLOFACIAL_SURGERY,
        Specialty.PLASTIC_SURGERY,
        Specialty.ORTHOPAEDIC_SURGERY,
        Specialty.PAEDIATRIC_SURGERY,
    }
)

SPECIALTIES_BY_PROFESSION: dict[str, set[Specialty]] = {
    Profession.PHYSICIAN: {
        s
        for s in Specialty
        if s
        not in {
            Specialty.HOSPITAL_PHARMACY,
            Specialty.COORDINATION_NURSING,
            Specialty.LIBERAL_NURSING,
            Specialty.HOSPITAL_NURSING,
        }
    },
    Profession.PHARMACIST: {Specialty.HOSPITAL_PHARMACY, Specialty.NONE},
    Profession.NURSE: {
        Specialty.COORDINATION_NURSING,
        Specialty.LIBERAL_NURSING,
        Specialty.HOSPITAL_NURSING,
    },
}
PROFESSIONS_WITH_RPPS = {Profession.PHYSICIAN, Profession.PHARMACIST, Profession.NURSE}


class Civility(models.TextChoices):
    """How the professional is addressed; decides the feminine form of a job title shown with
    their name (core/french.py ``title_for``). Optional: unknown keeps the generic title."""

    MADAME = "mme", _("Ms")
    MONSIEUR = "m", _("Mr")


def full_name(first_name: str, last_name: str) -> str:
    """A professional's name as pages print it (``Professional.full_name``, ``str()``), from the
    two columns (rows read as plain values)."""
    return f"{first_name} {last_name.upper()}"


class Professional(BaseModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="professional",
        verbose_name=_("user account"),
    )
    rpps = models.CharField(  # noqa: DJ001 (NULL = none; unique when set)
        _("RPPS"), max_length=11, null=True, blank=True, validators=[validate_rpps]
    )
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    civility = models.CharField(
        _("civility"), max_length=3, choices=Civility.choices, blank=True, default=""
    )
    profession = models.CharField(_("profession"), max_length=20, choices=Profession.choices)
    specialty = models.CharField(
        _("specialty"), max_length=30, choices=Specialty.choices, default=Specialty.NONE
    )
    email = models.EmailField(_("email"), blank=True)
    secure_mail_address = models.EmailField(
        _("secure health mail address (MSSanté)"),
        blank=True,
        help_text=_("Board decisions and care programmes are sent to this address."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Clinical-trial criteria curation is a delegated task (the site's research unit names its
    # curators): not every physician edits the eligibility trees the matching reads.
    is_trial_curator = models.BooleanField(
        _("clinical-trial curator"),
        default=False,
        help_text=_("May edit the eligibility criteria of clinical-trial arms."),
    )

    class Meta:
        verbose_name = _("professional")
        verbose_name_plural = _("professionals")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["rpps"],
                condition=Q(rpps__isnull=False),
                name="professional_rpps_unique",
                violation_error_message=_("A professional with this RPPS already exists."),
            ),
        ]
        indexes = [models.Index(fields=["last_name", "first_name"], name="professional_name")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return full_name(self.first_name, self.last_name)

    def clean(self) -> None:
        errors = {}
        if self.rpps:
            self.rpps = normalise_identifier(self.rpps)
        if self.profession in PROFESSIONS_WITH_RPPS and not self.rpps:
            errors["rpps"] = _("An RPPS number is required for physicians, pharmacists and nurses.")
        allowed = SPECIALTIES_BY_PROFESSION.get(self.profession)
        if allowed is not None and self.specialty not in allowed:
            errors["specialty"] = _("This specialty does not fit the profession.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_surgeon(self) -> bool:
        return self.specialty in SURGICAL_SPECIALTIES

    @property
    def recognised_specialties(self) -> frozenset[str]:
        """The main specialty and the additional recognised ones (prefetch
        ``additional_specialties`` in lists). The only specialties this professional may
        represent, e.g. in a tumour board's quorum."""
        held = {self.specialty, *(a.specialty for a in self.additional_specialties.all())}
        held.discard(Specialty.NONE)
        return frozenset(held)


def specialty_problem(profession: str, specialty: str) -> StrOrPromise | None:
    """Why ``specialty`` cannot be an additional recognised specialty of ``profession``."""
    if specialty not in Specialty.values or specialty == Specialty.NONE:
        return _("Unknown specialty %(code)s.") % {"code": specialty}
    allowed = SPECIALTIES_BY_PROFESSION.get(profession)
    if allowed is None:
        return _("This profession has no recognised specialty.")
    if specialty not in allowed:
        return _("%(specialty)s does not fit the profession.") % {
            "specialty": Specialty(specialty).label
        }
    return None


class SpecialtyEntry(models.TextChoices):
    """How an additional specialty came into the directory."""

    FORM = "form", _("the professional's page of the directory")
    IMPORT = "import", _("a CSV import")
    UNKNOWN = "unknown", _("before who recorded it was kept")


class AdditionalSpecialty(BaseModel):
    """A specialty recognised to a professional besides the main one (a second specialist
    qualification, a competence or option recognised by the professional order). Typed into the
    directory by an administrator or a centre manager — who and when are kept (``recorded_by``,
    ``created_at``) and audited; nothing checks it against the RPPS (an RPPS import would be the
    source of truth). A double-qualified physician may represent either, but counts for one
    only."""

    professional = models.ForeignKey(
        Professional,
        on_delete=models.CASCADE,
        related_name="additional_specialties",
        verbose_name=_("professional"),
    )
    specialty = models.CharField(_("specialty"), max_length=30, choices=Specialty.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_via = models.CharField(
        _("recorded through"),
        max_length=10,
        choices=SpecialtyEntry.choices,
        default=SpecialtyEntry.UNKNOWN,
    )

    class Meta:
        verbose_name = _("additional recognised specialty")
        verbose_name_plural = _("additional recognised specialties")
        ordering = ["specialty"]
        constraints = [
            models.UniqueConstraint(
                fields=["professional", "specialty"], name="additional_specialty_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_specialty_display()} — {self.professional}"

    def clean(self) -> None:
        problem = specialty_problem(self.professional.profession, self.specialty)
        if problem is None and self.specialty == self.professional.specialty:
            problem = _("This is already the main specialty.")
        if problem is not None:
            raise ValidationError({"specialty": problem})


class OrganisationMembership(BaseModel):
    professional = models.ForeignKey(
        Professional,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("professional"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="staff", verbose_name=_("organisation")
    )
    function = models.CharField(_("function"), max_length=150, blank=True)
    start = models.DateField(_("from"), default=timezone.localdate)
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("organisation membership")
        verbose_name_plural = _("organisation memberships")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="membership_period",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "professional"], name="membership_org_prof")
        ]

    def __str__(self) -> str:
        return f"{self.professional} @ {self.organisation}"

    def is_current(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.start <= day and (self.end is None or day <= self.end)


class QualificationType(BaseModel):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    validity_months = models.PositiveIntegerField(_("validity (months)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("qualification type")
        verbose_name_plural = _("qualification types")
        ordering = ["code"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "fr").startswith("en") else self.name_fr


class ProfessionalQualification(BaseModel):
    professional = models.ForeignKey(
        Professional,
        on_delete=models.CASCADE,
        related_name="qualifications",
        verbose_name=_("professional"),
    )
    qualification = models.ForeignKey(
        QualificationType,
        on_delete=models.PROTECT,
        related_name="holders",
        verbose_name=_("qualification"),
    )
    obtained_on = models.DateField(_("obtained on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    reference = models.CharField(_("certificate reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("qualification held")
        verbose_name_plural = _("qualifications held")
        ordering = ["qualification__code", "-obtained_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("obtained_on")),
                name="qualification_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.qualification} — {self.professional}"

    def is_valid_on(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.obtained_on <= day and (self.expires_on is None or day <= self.expires_on)

    @property
    def expiry_status(self) -> str:
        if self.expires_on is None:
            return "permanent"
        today = timezone.localdate()
        if self.expires_on < today:
            return "expired"
        if self.expires_on <= today + dt.timedelta(days=EXPIRY_WARNING_DAYS):
            return "expiring"
        return "valid"
