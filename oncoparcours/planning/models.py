"""Nurse tours: the liberal nurses who take tours, and the day's plans (versions).

A plan is built as a draft, then published; a published plan is never changed — a change
(a cancelled or added visit, an absent nurse) makes a new version, copied from it, with only
the affected tours re-planned.
Tours, their visits and the unassigned visits are inserted once with their plan (append-only).
Times are minutes after midnight (local time), distances metres.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oncoparcours.core.models import AppendOnlyModel, BaseModel
from oncoparcours.directory.models import Organisation, Professional
from oncoparcours.pathways.models import ActivityInstance
from oncoparcours.patients.models import Patient


def hhmm(minutes: int | None) -> str:
    if minutes is None:
        return ""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class TourNurse(BaseModel):
    """A liberal nurse (IDEL) who takes tours: home (start and end of every tour) and shift.
    Her qualifications are those the directory records as valid on the day."""

    professional = models.OneToOneField(
        Professional,
        on_delete=models.PROTECT,
        related_name="tour_nurse",
        verbose_name=_("professional"),
    )
    home_latitude = models.FloatField(_("home latitude"))
    home_longitude = models.FloatField(_("home longitude"))
    shift_start = models.PositiveSmallIntegerField(_("shift start (minutes after midnight)"))
    shift_end = models.PositiveSmallIntegerField(_("shift end (minutes after midnight)"))
    lunch_minutes = models.PositiveSmallIntegerField(_("lunch break (minutes)"), default=30)
    is_active = models.BooleanField(_("takes tours"), default=True)

    class Meta:
        verbose_name = _("tour nurse")
        verbose_name_plural = _("tour nurses")
        ordering = ["professional__last_name", "professional__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(shift_start__lt=models.F("shift_end")) & Q(shift_end__lte=1440),
                name="tournurse_shift_order",
            ),
            models.CheckConstraint(
                condition=Q(home_latitude__gte=-90, home_latitude__lte=90)
                & Q(home_longitude__gte=-180, home_longitude__lte=180),
                name="tournurse_home_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.professional)

    @property
    def shift_label(self) -> str:
        return f"{hhmm(self.shift_start)}–{hhmm(self.shift_end)}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


PLAN_TRANSITIONS: dict[str, tuple[str, ...]] = {
    PlanStatus.DRAFT: (PlanStatus.PUBLISHED,),
    PlanStatus.PUBLISHED: (),
}


class TourPlan(BaseModel):
    day = models.DateField(_("day"))
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    change = models.CharField(_("change"), max_length=300, blank=True)
    rules_version = models.PositiveIntegerField(_("rules version"))
    seed = models.PositiveIntegerField(_("seed"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Nurses absent that day (carried to the later versions): no tour, never re-planned in.
    absent_nurses = models.ManyToManyField(
        TourNurse, blank=True, related_name="+", verbose_name=_("absent nurses")
    )

    class Meta:
        verbose_name = _("tour plan")
        verbose_name_plural = _("tour plans")
        ordering = ["-day", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["day", "version"], name="tourplan_day_version"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="tourplan_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            stored = TourPlan.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == PlanStatus.PUBLISHED:
                raise PermissionError("a published tour plan is never changed (new version)")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("tour plans are kept (a new version replaces one)")


class Tour(AppendOnlyModel):
    id = models.BigAutoField(primary_key=True)
    plan = models.ForeignKey(TourPlan, on_delete=models.PROTECT, related_name="tours")
    nurse = models.ForeignKey(TourNurse, on_delete=models.PROTECT, related_name="tours")
    depart = models.PositiveSmallIntegerField(_("leaves home"))
    back = models.PositiveSmallIntegerField(_("back home"))
    distance_m = models.PositiveIntegerField(_("distance (m)"))
    lunch_start = models.PositiveSmallIntegerField(_("lunch break"), null=True, blank=True)
    lunch_minutes = models.PositiveSmallIntegerField(default=0)
    lunch_after = models.PositiveSmallIntegerField(default=0)
    # Copied unchanged from the previous version (not re-planned).
    kept = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("tour")
        verbose_name_plural = _("tours")
        ordering = ["nurse__professional__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "nurse"], name="tour_plan_nurse"),
        ]

    def __str__(self) -> str:
        return f"{self.nurse} — {self.plan}"

    @property
    def distance_km(self) -> float:
        return round(self.distance_m / 1000, 1)


class TourVisit(AppendOnlyModel):
    id = models.BigAutoField(primary_key=True)
    tour = models.ForeignKey(Tour, on_delete=models.PROTECT, related_name="visits")
    activity = models.ForeignKey(ActivityInstance, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("order"))
    arrival = models.PositiveSmallIntegerField(_("arrival"))
    start = models.PositiveSmallIntegerField(_("start"))
    end = models.PositiveSmallIntegerField(_("end"))
    travel_minutes = models.PositiveSmallIntegerField(_("travel (minutes)"))
    distance_m = models.PositiveIntegerField(_("distance (m)"))
    latitude = models.FloatField()
    longitude = models.FloatField()
    # A double-staffed visit: the other nurse, there at the same start.
    partner = models.ForeignKey(
        TourNurse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("second nurse"),
    )
    # Set when the patient's preferred nurse could not take the visit (she is named).
    preferred_unavailable = models.ForeignKey(
        TourNurse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preferred nurse unavailable"),
    )

    class Meta:
        verbose_name = _("tour visit")
        verbose_name_plural = _("tour visits")
        ordering = ["tour", "order"]
        constraints = [
            models.UniqueConstraint(fields=["tour", "order"], name="tourvisit_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {hhmm(self.start)}"


class UnassignedReason(models.TextChoices):
    NO_QUALIFIED_NURSE = "no_qualified_nurse", _("no nurse holds the required qualification")
    OUTSIDE_SHIFTS = "outside_shifts", _("its time window is outside every nurse's shift")
    NO_ROOM = "no_room", _("no tour has room for it")
    NO_ADDRESS = "no_address", _("the patient's home has no coordinates")
    NO_SECOND_NURSE = "no_second_nurse", _("second nurse unavailable (two nurses needed)")
    NURSE_ABSENT = "nurse_absent", _("its nurse is absent and no other tour has room for it")
    CANCELLED = "cancelled", _("cancelled")


class UnassignedVisit(AppendOnlyModel):
    id = models.BigAutoField(primary_key=True)
    plan = models.ForeignKey(TourPlan, on_delete=models.PROTECT, related_name="unassigned")
    activity = models.ForeignKey(ActivityInstance, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=UnassignedReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("unassigned visit")
        verbose_name_plural = _("unassigned visits")
        ordering = ["plan", "reason"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "activity"], name="unassigned_once"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.reason}"


# --- Day-hospital chairs and EFS apheresis machines (issue 18) -----------------------------------


class ResourceKind(models.TextChoices):
    CHAIR = "chair", _("Day-hospital chair")
    APHERESIS = "apheresis", _("Apheresis machine")


class ChairCentre(BaseModel):
    """A day hospital or an EFS care centre whose chairs or machines are planned: opening hours
    and the nurses on duty (set-up and monitoring capacity). Minutes after midnight."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="chair_centre",
        verbose_name=_("organisation"),
    )
    opens = models.PositiveSmallIntegerField(_("opens (minutes after midnight)"), default=8 * 60)
    closes = models.PositiveSmallIntegerField(_("closes (minutes after midnight)"), default=18 * 60)
    slot_minutes = models.PositiveSmallIntegerField(_("slot (minutes)"), default=15)
    starts_per_slot = models.PositiveSmallIntegerField(
        _("set-ups per slot"),
        default=2,
        help_text=_("How many sessions the nurses can install in the same slot."),
    )
    nurses = models.PositiveSmallIntegerField(_("nurses on duty"), default=2)
    patients_per_nurse = models.PositiveSmallIntegerField(
        _("patients monitored per nurse"), default=4
    )
    is_active = models.BooleanField(_("planned"), default=True)

    class Meta:
        verbose_name = _("chair and machine centre")
        verbose_name_plural = _("chair and machine centres")
        ordering = ["organisation__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens__lt=models.F("closes")) & Q(closes__lte=1440),
                name="chaircentre_hours",
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5) & Q(starts_per_slot__gte=1),
                name="chaircentre_slot",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def hours_label(self) -> str:
        return f"{hhmm(self.opens)}–{hhmm(self.closes)}"


class Resource(BaseModel):
    """A chair of a day hospital or an apheresis machine of an EFS care centre."""

    centre = models.ForeignKey(
        ChairCentre, on_delete=models.PROTECT, related_name="resources", verbose_name=_("centre")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ResourceKind.choices)
    name = models.CharField(_("name"), max_length=60)
    is_active = models.BooleanField(_("in service"), default=True)

    class Meta:
        verbose_name = _("chair or machine")
        verbose_name_plural = _("chairs and machines")
        ordering = ["centre", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="resource_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ChairPlan(BaseModel):
    """A day's version of a centre's chair / machine plan: draft → published; a published plan is
    never changed (a re-plan is a new version ``based_on`` it)."""

    centre = models.ForeignKey(
        ChairCentre, on_delete=models.PROTECT, related_name="plans", verbose_name=_("centre")
    )
    day = models.DateField(_("day"))
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    change = models.CharField(_("change"), max_length=300, blank=True)
    rules_version = models.PositiveIntegerField(_("rules version"))
    seed = models.PositiveIntegerField(_("seed"), default=1)
    solver_status = models.CharField(_("solver status"), max_length=20, blank=True)
    gap = models.FloatField(_("gap to the bound"), default=0.0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("chair plan")
        verbose_name_plural = _("chair plans")
        ordering = ["-day", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "day", "version"], name="chairplan_centre_day_version"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="chairplan_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre} {self.day:%d/%m/%Y} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            stored = ChairPlan.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == PlanStatus.PUBLISHED:
                raise PermissionError("a published chair plan is never changed (new version)")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("chair plans are kept (a new version replaces one)")


class ChairSession(AppendOnlyModel):
    """A session placed on a chair or machine in a plan (inserted with its plan)."""

    id = models.BigAutoField(primary_key=True)
    plan = models.ForeignKey(ChairPlan, on_delete=models.PROTECT, related_name="sessions")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(ActivityInstance, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    start = models.PositiveSmallIntegerField(_("start"))
    end = models.PositiveSmallIntegerField(_("end"))
    ready = models.PositiveSmallIntegerField(_("preparation ready"))
    recurring = models.BooleanField(_("recurring programme"), default=False)
    moved = models.BooleanField(_("moved from the previous version"), default=False)

    class Meta:
        verbose_name = _("chair session")
        verbose_name_plural = _("chair sessions")
        ordering = ["plan", "resource__name", "start"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "activity"], name="chairsession_once"),
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="chairsession_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} {hhmm(self.start)}–{hhmm(self.end)}"


class ChairUnplacedReason(models.TextChoices):
    NO_RESOURCE = "no_resource", _("the centre has no chair or machine of the kind it needs")
    NO_WINDOW = "no_window", _("its preparation is ready too late to finish before closing")
    PATIENT_BUSY = "patient_busy", _("the patient's other appointments leave no time for it")
    RESOURCES_FULL = "resources_full", _("every chair or machine of its kind is taken")
    NURSES_FULL = "nurses_full", _("the nurses cannot set it up or monitor it (all busy)")
    NOT_SOLVED = "not_solved", _("the planning ran out of time")


class ChairUnplaced(AppendOnlyModel):
    """A session of the day not placed in a plan, with the reason."""

    id = models.BigAutoField(primary_key=True)
    plan = models.ForeignKey(ChairPlan, on_delete=models.PROTECT, related_name="unplaced")
    activity = models.ForeignKey(ActivityInstance, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=ChairUnplacedReason.choices)
    recurring = models.BooleanField(_("recurring programme"), default=False)

    class Meta:
        verbose_name = _("unplaced session")
        verbose_name_plural = _("unplaced sessions")
        ordering = ["plan", "reason"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "activity"], name="chairunplaced_once"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.reason}"
