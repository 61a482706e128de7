"""Cell therapy: CAR-T orders (chain of identity, lifecycle, append-only transitions and custody
ledger), pharmacy cryostorage (tanks, positions, temperature log, excursions), the bedside
identity check, EFS care-centre resources and bookings, and beds for the monitoring window."""

from __future__ import annotations

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
from oncoparcours.directory.models import Organisation, Professional
from oncoparcours.patients.models import Patient


class OrderState(models.TextChoices):
    QUALIFIED = "qualified", _("Qualified")
    APHERESIS_SCHEDULED = "apheresis_scheduled", _("Apheresis scheduled")
    COLLECTED = "collected", _("Cells collected")
    SHIPPED_TO_MANUFACTURER = "shipped_to_manufacturer", _("Shipped to the manufacturer")
    IN_MANUFACTURING = "in_manufacturing", _("In manufacturing")
    RELEASED = "released", _("Released by the manufacturer")
    SHIPPED_TO_SITE = "shipped_to_site", _("Shipped to the hospital")
    RECEIVED_AT_PUI = "received_at_pui", _("Received at the pharmacy")
    IN_CRYOSTORAGE = "in_cryostorage", _("In cryostorage")
    DISPENSED = "dispensed", _("Dispensed to the ward")
    THAWED = "thawed", _("Thawed")
    INFUSED = "infused", _("Infused")
    CANCELLED = "cancelled", _("Cancelled")
    OUT_OF_SPECIFICATION = "out_of_specification", _("Out of specification")


class CarTOrder(BaseModel):
    """One CAR-T product ordered for one patient, identified by its chain-of-identity code."""

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="car_t_orders", verbose_name=_("patient")
    )
    product = models.CharField(_("product"), max_length=60)
    manufacturer = models.CharField(_("manufacturer"), max_length=100)
    indication = models.CharField(_("indication"), max_length=200)
    decision = models.ForeignKey(
        "boards.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="car_t_orders",
        verbose_name=_("tumour board decision"),
    )
    eligibility = models.JSONField(_("eligibility checklist"), default=dict)
    manufacturer_reference = models.CharField(_("manufacturer order reference"), max_length=60)
    coi = models.CharField(_("chain of identity (COI)"), max_length=40, unique=True)
    din = models.CharField(_("ISBT 128 donation number (DIN)"), max_length=20, blank=True)
    state = models.CharField(
        _("state"), max_length=30, choices=OrderState.choices, default=OrderState.QUALIFIED
    )
    treating_centre = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("treating centre")
    )
    pharmacy = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("hospital pharmacy (PUI)"),
    )
    efs_centre = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("EFS care centre"),
    )
    pathway_instance = models.ForeignKey(
        "pathways.PathwayInstance",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    planned_infusion_on = models.DateField(_("planned infusion"), null=True, blank=True)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("CAR-T order")
        verbose_name_plural = _("CAR-T orders")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["patient", "-created_at"], name="cart_order_patient"),
            models.Index(fields=["state", "-created_at"], name="cart_order_state"),
        ]

    def __str__(self) -> str:
        return self.coi

    def get_absolute_url(self) -> str:
        return reverse(
            "celltherapy:order", kwargs={"patient_id": self.patient_id, "order_id": self.pk}
        )


class OrderTransition(AppendOnlyModel):
    id = models.BigAutoField(primary_key=True)
    order = models.ForeignKey(CarTOrder, on_delete=models.PROTECT, related_name="transitions")
    from_state = models.CharField(max_length=30)
    to_state = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = BoundedTextField(_("reason"), blank=True, max_length=limits.REASON)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class CustodyKind(models.TextChoices):
    COLLECTED = "collected", _("Collected (apheresis)")
    SHIPPED = "shipped", _("Handed to the courier")
    RECEIVED_BY_MANUFACTURER = "received_by_manufacturer", _("Received by the manufacturer")
    RELEASED = "released", _("Released by the manufacturer")
    RECEIVED = "received", _("Received at the pharmacy")
    STORED = "stored", _("Placed in cryostorage")
    DISPENSED = "dispensed", _("Dispensed to the ward")
    THAWED = "thawed", _("Thawed")
    INFUSED = "infused", _("Infused")
    QUARANTINED = "quarantined", _("Quarantined (out of specification)")
    OOS_ACCEPTED = "oos_accepted", _("Accepted for infusion (benefit–risk decision)")
    CRYOPRESERVED = "cryopreserved", _("Apheresis material cryopreserved")
    INSPECTION = "inspection", _("Inspection / temperature check")
    HANDOVER = "handover", _("Handover")


class CustodyEvent(AppendOnlyModel):
    """One link of the chain of custody. ``hash`` = HMAC-SHA256 under the ledger key ``key_id``
    of (prev_hash + canonical event), see ``rules.custody``."""

    id = models.BigAutoField(primary_key=True)
    order = models.ForeignKey(CarTOrder, on_delete=models.PROTECT, related_name="custody")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(_("event"), max_length=30, choices=CustodyKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(_("who"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation_label = models.CharField(_("organisation"), max_length=200)
    holder = models.CharField(_("holder afterwards"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    at = models.DateTimeField(_("time"))
    container = models.CharField(_("container / shipper id"), max_length=60, blank=True)
    seal = models.CharField(_("seal number"), max_length=60, blank=True)
    temperature_c = models.FloatField(_("temperature (°C)"), null=True, blank=True)
    logger = models.CharField(_("temperature logger reference"), max_length=60, blank=True)
    note = BoundedTextField(_("note"), blank=True, max_length=limits.REASON)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=32, blank=True, default="")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("custody event")
        verbose_name_plural = _("custody events")
        ordering = ["order", "sequence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "sequence"], name="custody_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} #{self.sequence} {self.kind}"

    def as_chain_dict(self) -> dict:
        from .rules.custody import FIELDS

        skip = ("order", "actor", "organisation")
        values = {name: getattr(self, name) for name in FIELDS if name not in skip}
        values["order"] = str(self.order_id)
        values["actor"] = self.actor_label
        values["organisation"] = self.organisation_label
        values["at"] = self.at.isoformat()
        values["prev_hash"], values["hash"] = self.prev_hash, self.hash
        values["key_id"] = self.key_id
        return values


class Tank(BaseModel):
    """A cryostorage tank (dewar) of a hospital pharmacy, with racks × slots positions."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="tanks", verbose_name=_("pharmacy")
    )
    name = models.CharField(_("name"), max_length=100)
    racks = models.PositiveSmallIntegerField(_("racks"), default=6)
    slots_per_rack = models.PositiveSmallIntegerField(_("slots per rack"), default=10)
    alarm_above_c = models.FloatField(_("alarm above (°C)"), default=-150.0)
    active = models.BooleanField(_("in service"), default=True)

    class Meta:
        verbose_name = _("cryostorage tank")
        verbose_name_plural = _("cryostorage tanks")
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return self.name

    def positions(self) -> list[str]:
        return [
            f"R{rack}-{slot:02d}"
            for rack in range(1, self.racks + 1)
            for slot in range(1, self.slots_per_rack + 1)
        ]


class Storage(BaseModel):
    """A product in a tank position, from placement until dispensing releases the position."""

    order = models.ForeignKey(CarTOrder, on_delete=models.PROTECT, related_name="storages")
    tank = models.ForeignKey(Tank, on_delete=models.PROTECT, related_name="storages")
    position = models.CharField(_("position"), max_length=12)
    stored_at = models.DateTimeField(default=timezone.now)
    stored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["tank", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["tank", "position"],
                condition=Q(released_at__isnull=True),
                name="storage_position_occupied_once",
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(released_at__isnull=True),
                name="storage_one_place_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tank} {self.position}"


class TankReading(AppendOnlyModel):
    id = models.BigAutoField(primary_key=True)
    tank = models.ForeignKey(Tank, on_delete=models.PROTECT, related_name="readings")
    at = models.DateTimeField(_("time"))
    temperature_c = models.FloatField(_("temperature (°C)"))
    source = models.CharField(_("source"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    excursion = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["tank", "-at"], name="tank_reading_time")]

    def __str__(self) -> str:
        return f"{self.tank_id} {self.at:%Y-%m-%d %H:%M} {self.temperature_c} °C"


class TankExcursion(AppendOnlyModel):
    """A temperature above the tank's alarm threshold, notified to the pharmacists on duty."""

    id = models.BigAutoField(primary_key=True)
    tank = models.ForeignKey(Tank, on_delete=models.PROTECT, related_name="excursions")
    reading = models.OneToOneField(TankReading, on_delete=models.PROTECT, related_name="+")
    threshold_c = models.FloatField()
    notified = models.ManyToManyField(Professional, related_name="+", blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.tank} {self.at:%Y-%m-%d %H:%M}"


class ExcursionAcknowledgement(AppendOnlyModel):
    id = models.BigAutoField(primary_key=True)
    excursion = models.OneToOneField(
        TankExcursion, on_delete=models.PROTECT, related_name="acknowledgement"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    action_taken = BoundedTextField(_("action taken"), max_length=limits.REASON)

    def __str__(self) -> str:
        return f"{self.excursion_id} acknowledged"


class BedsideConfirmation(AppendOnlyModel):
    """One professional's confirmation at the bedside: patient identity and the COI scanned."""

    id = models.BigAutoField(primary_key=True)
    order = models.ForeignKey(CarTOrder, on_delete=models.PROTECT, related_name="confirmations")
    attempt = models.PositiveSmallIntegerField()
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    identity_confirmed = models.BooleanField(_("patient identity confirmed"))
    scanned_coi = models.CharField(_("COI scanned or typed"), max_length=40)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["attempt", "at"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "attempt", "professional"], name="bedside_one_per_professional"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} #{self.attempt} {self.professional_id}"


class BedsideCheck(AppendOnlyModel):
    """The outcome of two confirmations: passed, or failed with the reasons (infusion blocked)."""

    id = models.BigAutoField(primary_key=True)
    order = models.ForeignKey(CarTOrder, on_delete=models.PROTECT, related_name="bedside_checks")
    attempt = models.PositiveSmallIntegerField()
    first = models.OneToOneField(BedsideConfirmation, on_delete=models.PROTECT, related_name="+")
    second = models.OneToOneField(BedsideConfirmation, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField()
    problems = models.JSONField(default=list)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-attempt"]
        constraints = [
            models.UniqueConstraint(fields=["order", "attempt"], name="bedside_check_attempt")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} #{self.attempt} {'ok' if self.passed else 'failed'}"


class TocilizumabConfirmation(AppendOnlyModel):
    """The pharmacy confirms the tocilizumab doses reserved on site for this patient (the latest
    confirmation counts; a release of the doses is a new confirmation with 0 doses)."""

    id = models.BigAutoField(primary_key=True)
    order = models.ForeignKey(CarTOrder, on_delete=models.PROTECT, related_name="tocilizumab")
    doses_reserved = models.PositiveSmallIntegerField(_("doses reserved for the patient"))
    further_dose_access = models.BooleanField(
        _("a further dose can be obtained within the label's delay")
    )
    note = models.CharField(_("note (batch, place)"), max_length=200, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by_label = models.CharField(max_length=200)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.doses_reserved}"


class BenefitRiskDecision(AppendOnlyModel):
    """The treating physician's informed decision to infuse an out-of-specification product,
    effective once a pharmacist countersigns it."""

    id = models.BigAutoField(primary_key=True)
    order = models.ForeignKey(
        CarTOrder, on_delete=models.PROTECT, related_name="benefit_risk_decisions"
    )
    deviation = BoundedTextField(_("what is out of specification"), max_length=limits.REASON)
    rationale = BoundedTextField(_("benefit–risk assessment"), max_length=limits.COMMENT)
    patient_informed = models.BooleanField(_("patient informed"))
    patient_informed_on = models.DateField(_("patient informed on"))
    physician = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="+", verbose_name=_("physician")
    )
    physician_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(patient_informed=True), name="benefit_risk_patient_informed"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} benefit-risk {self.signed_at:%Y-%m-%d}"


class BenefitRiskCountersignature(AppendOnlyModel):
    """The pharmacist's signature that makes a benefit–risk decision effective."""

    id = models.BigAutoField(primary_key=True)
    decision = models.OneToOneField(
        BenefitRiskDecision, on_delete=models.PROTECT, related_name="countersignature"
    )
    pharmacist = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="+", verbose_name=_("pharmacist")
    )
    pharmacist_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.decision_id} countersigned"


class TreatmentDrug(models.TextChoices):
    TOCILIZUMAB = "tocilizumab", _("Tocilizumab")
    DEXAMETHASONE = "dexamethasone", _("Dexamethasone")
    METHYLPREDNISOLONE = "methylprednisolone", _("Methylprednisolone")


class TreatmentRoute(models.TextChoices):
    IV = "iv", _("Intravenous")
    ORAL = "oral", _("Oral")


class TreatmentIndication(models.TextChoices):
    CRS = "crs", _("Cytokine release syndrome (CRS)")
    ICANS = "icans", _("Neurotoxicity (ICANS)")


class EpisodeTreatment(AppendOnlyModel):
    """A tocilizumab or corticosteroid administration during the post-infusion CRS/ICANS episode
    of an order. A wrong entry is corrected by a new row that points to it (``corrects``)."""

    id = models.BigAutoField(primary_key=True)
    order = models.ForeignKey(CarTOrder, on_delete=models.PROTECT, related_name="treatments")
    drug = models.CharField(_("drug"), max_length=30, choices=TreatmentDrug.choices)
    dose = models.DecimalField(_("dose"), max_digits=7, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=8)
    route = models.CharField(_("route"), max_length=8, choices=TreatmentRoute.choices)
    given_at = models.DateTimeField(_("given at"))
    indication = models.CharField(
        _("indication"), max_length=8, choices=TreatmentIndication.choices
    )
    grade = models.PositiveSmallIntegerField(_("grade (ASTCT)"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_by_label = models.CharField(_("given by"), max_length=200)
    note = models.CharField(_("note"), max_length=300, blank=True)
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )
    entered_in_error = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=4), name="episode_treatment_grade"
            ),
            models.CheckConstraint(condition=Q(dose__gt=0), name="episode_treatment_dose"),
        ]

    def __str__(self) -> str:
        return f"{self.drug} {self.dose} {self.unit}"


class Machine(BaseModel):
    """A machine (or chair) of an EFS care centre."""

    class Kind(models.TextChoices):
        APHERESIS = "apheresis", _("Apheresis separator")
        PHOTOPHERESIS = "photopheresis", _("Photopheresis system")
        CHAIR = "chair", _("Treatment chair")
        BED = "bed", _("Bed")

    centre = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="machines", verbose_name=_("centre")
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    active = models.BooleanField(_("in service"), default=True)
    resource = models.OneToOneField(
        "planning.Resource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="efs_machine",
        verbose_name=_("planned as"),
        help_text=_(
            "The machine of the centre's chair and machine plan that is this machine: a "
            "published plan places the bookings on it."
        ),
    )

    class Meta:
        ordering = ["centre", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="machine_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.resource_id is not None and self.centre_id is not None:
            resource = self.resource
            assert resource is not None
            if resource.centre.organisation_id != self.centre_id:
                raise ValidationError(
                    {
                        "resource": _(
                            "“%(resource)s” is a machine of another centre's plan (%(centre)s): "
                            "link a machine of this centre's plan."
                        )
                        % {"resource": resource.name, "centre": resource.centre.organisation}
                    }
                )


class CentreSchedule(BaseModel):
    """Opening hours (local time) and staff on duty of an EFS care centre."""

    centre = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="schedule")
    hours = models.JSONField(
        _("opening hours"),
        default=dict,
        help_text=_('Weekday (0 = Monday) → ["08:00", "17:00"].'),
    )
    staff = models.PositiveSmallIntegerField(_("staff on duty"), default=2)

    def __str__(self) -> str:
        return str(self.centre)


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", pgettext_lazy("booking", "Done")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", pgettext_lazy("booking", "Cancelled")


class Booking(BaseModel):
    """A procedure at an EFS care centre: a referral from a hospital, then a machine slot."""

    centre = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("centre")
    )
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="efs_bookings", verbose_name=_("patient")
    )
    procedure = models.CharField(_("procedure"), max_length=40)
    status = models.CharField(
        _("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requesting_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by (hospital)"),
    )
    wanted_from = models.DateField(_("wanted from"))
    wanted_until = models.DateField(_("wanted until"))
    note = BoundedTextField(_("note"), blank=True, max_length=limits.REASON)
    mobile_site = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mobile session at"),
        help_text=_("The EFS team goes to this hospital: the patient cannot travel."),
    )
    machine = models.ForeignKey(
        Machine, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    order = models.ForeignKey(
        CarTOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    activity = models.ForeignKey(
        "pathways.ActivityInstance",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decline_reason = BoundedTextField(_("reason"), blank=True, max_length=limits.REASON)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["starts_at", "wanted_from"]
        indexes = [
            models.Index(fields=["centre", "status", "starts_at"], name="booking_centre_day"),
            models.Index(fields=["machine", "starts_at"], name="booking_machine_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="booking_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure} {self.starts_at or self.wanted_from}"

    @property
    def reference(self) -> str:
        """A short reference that names the booking without naming the patient (planner's
        notes, booking page)."""
        return f"EFS-{self.pk.hex[:8].upper()}"


class HaemoglobinResult(AppendOnlyModel):
    """A haemoglobin value (g/dL) and the day it was measured, recorded for an EFS procedure with
    a haemoglobin gate (at the request, the scheduling or the session)."""

    id = models.BigAutoField(primary_key=True)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="haemoglobins"
    )
    value_g_dl = models.DecimalField(_("haemoglobin (g/dL)"), max_digits=4, decimal_places=1)
    measured_on = models.DateField(_("measured on"))
    moment = models.CharField(max_length=10)  # request | schedule | session
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-measured_on", "-id"]
        indexes = [models.Index(fields=["patient", "-measured_on"], name="haemoglobin_patient_day")]

    def __str__(self) -> str:
        return f"{self.value_g_dl} g/dL {self.measured_on}"


class BedUnit(BaseModel):
    """Intensive-care or haematology beds of a site that receive CAR-T patients."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="bed_units"
    )
    name = models.CharField(_("unit"), max_length=120)
    beds = models.PositiveSmallIntegerField(_("beds"))
    intensive_care = models.BooleanField(
        _("intensive care unit"),
        default=False,
        help_text=_("Receives bed reservations for the days after a CAR-T infusion."),
    )
    staff = models.ManyToManyField(
        Professional,
        blank=True,
        related_name="icu_units",
        verbose_name=_("staff answering reservations"),
    )

    class Meta:
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.beds})"


class BedStay(BaseModel):
    unit = models.ForeignKey(BedUnit, on_delete=models.PROTECT, related_name="stays")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    start = models.DateField(_("from"))
    end = models.DateField(_("until (expected)"), null=True, blank=True)
    order = models.ForeignKey(
        CarTOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="stays"
    )

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["unit", "start"], name="bed_stay_unit_start")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.start}"


class ReservationStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("reservation", "Requested")
    CONFIRMED = "confirmed", pgettext_lazy("reservation", "Confirmed")
    REFUSED = "refused", pgettext_lazy("reservation", "Refused")
    RELEASED = "released", pgettext_lazy("reservation", "Released")
    CANCELLED = "cancelled", pgettext_lazy("reservation", "Cancelled")


class BedReservation(BaseModel):
    """An intensive-care bed held for a CAR-T patient from the infusion day for the days the
    product needs (``rules.icu_beds``): requested by the cell-therapy team, answered by the ICU."""

    order = models.ForeignKey(CarTOrder, on_delete=models.PROTECT, related_name="bed_reservations")
    unit = models.ForeignKey(
        BedUnit, on_delete=models.PROTECT, related_name="reservations", verbose_name=_("unit")
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    first_day = models.DateField(_("infusion day"))
    last_day = models.DateField(_("held until"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ReservationStatus.choices,
        default=ReservationStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("bed reservation")
        verbose_name_plural = _("bed reservations")
        ordering = ["first_day", "created_at"]
        indexes = [
            models.Index(fields=["unit", "status", "first_day"], name="bed_reservation_unit_day")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="bed_reservation_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.first_day}–{self.last_day} {self.status}"


class BedReservationEvent(AppendOnlyModel):
    """One move of a reservation (append-only): who, when, from which status to which, why."""

    id = models.BigAutoField(primary_key=True)
    reservation = models.ForeignKey(BedReservation, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=200)
    reason = BoundedTextField(_("reason"), blank=True, max_length=limits.REASON)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bed reservation event")
        verbose_name_plural = _("bed reservation events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.reservation_id} {self.from_status} → {self.to_status}"

    @property
    def to_status_label(self) -> str:
        return str(dict(ReservationStatus.choices).get(self.to_status, self.to_status))
