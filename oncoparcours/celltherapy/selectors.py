"""Permission-scoped reads: orders of the user's patients, one order of a patient (404
otherwise), its custody chain with verification, tanks and their inventory, excursions, EFS
centre days, bed occupancy and turnaround figures."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from oncoparcours.boards.models import Decision
from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction, User
from oncoparcours.directory.models import Organisation
from oncoparcours.patients.selectors import PatientAccess, professional_for, visible_patient_filter

from . import catalogue
from .models import (
    BedsideCheck,
    BedsideConfirmation,
    BenefitRiskDecision,
    CarTOrder,
    CustodyEvent,
    EpisodeTreatment,
    OrderTransition,
    Storage,
    Tank,
    TankExcursion,
    TankReading,
    TocilizumabConfirmation,
)
from .rules import custody as ledger
from .rules import figures, safety
from .services import gates
from .services.custody import custody_verify


def user_organisation_ids(user: User) -> list[uuid.UUID]:
    """Organisations the user currently works at."""
    professional = professional_for(user)
    if professional is None:
        return []
    today = timezone.localdate()
    return list(
        professional.memberships.filter(start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .values_list("organisation_id", flat=True)
    )


def orders_for_user(
    user: User, *, state: str = "", manufacturer: str = "", query: str = ""
) -> QuerySet[CarTOrder]:
    orders = CarTOrder.objects.filter(visible_patient_filter(user)).select_related(
        "patient", "treating_centre", "pharmacy", "efs_centre"
    )
    if state == "active":
        orders = orders.exclude(state__in=["infused", "cancelled", "out_of_specification"])
    elif state:
        orders = orders.filter(state=state)
    if manufacturer:
        orders = orders.filter(manufacturer=manufacturer)
    if query.strip():
        orders = orders.filter(
            Q(coi__icontains=query.strip()) | Q(manufacturer_reference__icontains=query.strip())
        )
    # The last event: the latest status change (dated at the custody event that caused it), or
    # the order being placed; most recent activity first.
    latest = OrderTransition.objects.filter(order=OuterRef("pk")).order_by("-at", "-id")
    return orders.annotate(
        last_event=Subquery(latest.values("to_state")[:1]),
        last_event_at=Coalesce(Subquery(latest.values("at")[:1]), "created_at"),
    ).order_by("-last_event_at", "-created_at")


def order_for_patient(
    access: PatientAccess, order_id: uuid.UUID, *, with_amended: bool = False
) -> CarTOrder:
    """The order of the patient (404 otherwise), with the patient read by the access check.
    ``with_amended``: annotate ``decision_amended`` (a later version of its board decision
    exists), read in the same query for the order page."""
    orders = CarTOrder.objects.select_related(
        "treating_centre",
        "pharmacy",
        "efs_centre",
        "ordered_by",
        "decision__case__board",
        "decision__session",
        "decision__validated_by",
        "pathway_instance",
    )
    if with_amended:
        later = Decision.objects.filter(
            case_id=OuterRef("decision__case_id"), version__gt=OuterRef("decision__version")
        )
        orders = orders.annotate(decision_amended=Exists(later))
    try:
        # get(): no ORDER BY to compile over the ~150 columns of the joined rows (``first()``
        # ordered by the model's ordering cost a millisecond for one row found by its pk).
        order = orders.get(pk=order_id, patient=access.patient)
    except CarTOrder.DoesNotExist:
        raise Http404 from None
    order.patient = access.patient
    return order


@dataclass(frozen=True)
class ChainView:
    events: list[CustodyEvent]
    breaks: list[ledger.Break]

    @property
    def intact(self) -> bool:
        return not self.breaks

    @cached_property
    def broken_at(self) -> set[int]:
        return {b.sequence for b in self.breaks}


def custody_events(order: CarTOrder) -> list[CustodyEvent]:
    """The order's custody events as stored (insertion order), read once for the order page:
    its chain, its verification and the custody times its safety panel shows."""
    return list(CustodyEvent.objects.filter(order=order).order_by("id"))


def custody_chain(order: CarTOrder, events: list[CustodyEvent] | None = None) -> ChainView:
    """The chain by sequence and where its verification finds it broken (``events``: the
    order's events from :func:`custody_events` when already read; verified all the same)."""
    if events is None:
        events = custody_events(order)
    return ChainView(
        sorted(events, key=lambda e: (e.sequence, e.id)), custody_verify(order, events=events)
    )


# The order page's lists are a few rows of one order, sorted here rather than by the database:
# Django compiles an ORDER BY against every selected column of the joined rows (about a
# millisecond per query on the order page), the sort of a handful of rows costs nothing.


def transitions(order: CarTOrder) -> list:
    rows = order.transitions.select_related("actor").order_by()
    return sorted(rows, key=lambda t: (t.at, t.id))


def order_bookings(order: CarTOrder) -> list:
    """The order's EFS bookings (leukapheresis), with their time and machine when scheduled
    (by the EFS team or the centre's published machine plan)."""
    return list(
        order.bookings.select_related("centre", "machine").order_by("starts_at", "created_at")
    )


def current_storage(order: CarTOrder) -> Storage | None:
    # At most one (constraint storage_one_place_per_order): no ORDER BY needed.
    rows = Storage.objects.filter(order=order, released_at__isnull=True).select_related("tank")
    return next(iter(rows.order_by()[:1]), None)


@dataclass(frozen=True)
class BedsideView:
    pending: BedsideConfirmation | None
    checks: list[BedsideCheck]
    pending_problems: list[str] = field(default_factory=list)


def bedside(order: CarTOrder) -> BedsideView:
    """The order's bedside checks (newest attempt first) and the pending first confirmation."""
    checks = sorted(  # attempts are unique per order (constraint bedside_check_attempt)
        BedsideCheck.objects.filter(order=order)
        .select_related("first__professional", "second__professional")
        .order_by(),
        key=lambda c: c.attempt,
        reverse=True,
    )
    last_attempt = checks[0].attempt if checks else 0
    pending = (
        BedsideConfirmation.objects.filter(order=order, attempt=last_attempt + 1)
        .select_related("professional")
        .first()
    )
    from .services.bedside import confirmation_problems

    problems = confirmation_problems(order, pending) if pending else []
    return BedsideView(pending, checks, problems)


def pharmacy_tanks(user: User) -> QuerySet[Tank]:
    organisations = user_organisation_ids(user)
    if user.role == "administrator":
        return Tank.objects.select_related("organisation")
    return Tank.objects.filter(organisation_id__in=organisations).select_related("organisation")


def tank_get(user: User, tank_id: uuid.UUID) -> Tank:
    tank = pharmacy_tanks(user).filter(pk=tank_id).first()
    if tank is None:
        raise Http404
    return tank


@dataclass(frozen=True)
class Slot:
    position: str
    storage: Storage | None


def tank_inventory(tank: Tank, user: User) -> list[list[Slot]]:
    """Positions rack by rack; occupied ones carry their storage (COI and product only)."""
    stored = {
        s.position: s
        for s in Storage.objects.filter(tank=tank, released_at__isnull=True).select_related("order")
    }
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        details={"what": "cryostorage inventory", "tank": str(tank.pk), "products": len(stored)},
    )
    racks: list[list[Slot]] = []
    for position in tank.positions():
        rack = int(position[1 : position.index("-")])
        if len(racks) < rack:
            racks.append([])
        racks[rack - 1].append(Slot(position, stored.get(position)))
    return racks


def tank_readings(tank: Tank, days: int = 14) -> list[TankReading]:
    since = timezone.now() - dt.timedelta(days=days)
    return list(tank.readings.filter(at__gte=since).order_by("at"))


def open_excursions_for(user: User) -> QuerySet[TankExcursion]:
    return (
        TankExcursion.objects.filter(
            tank__organisation_id__in=user_organisation_ids(user), acknowledgement__isnull=True
        )
        .select_related("tank", "reading")
        .order_by("-at")
    )


def tank_excursions(tank: Tank) -> QuerySet[TankExcursion]:
    return (
        tank.excursions.select_related("reading", "acknowledgement__actor")
        .prefetch_related("notified")
        .order_by("-at")
    )


def order_dates_by_id(orders: QuerySet[CarTOrder]) -> list[tuple[uuid.UUID, figures.OrderDates]]:
    """The custody times each figure needs, in one grouped query, with each order's id."""
    rows = (
        CustodyEvent.objects.filter(order__in=orders)
        .values("order_id", "order__manufacturer", "order__state")
        .annotate(
            collected=Min("at", filter=Q(kind="collected")),
            released=Min("at", filter=Q(kind="released")),
            stored=Min("at", filter=Q(kind="stored")),
            dispensed=Max("at", filter=Q(kind="dispensed")),
            infused=Min("at", filter=Q(kind="infused")),
            quarantined=Min("at", filter=Q(kind="quarantined")),
        )
        .order_by()
    )
    return [
        (
            row["order_id"],
            figures.OrderDates(
                row["order__manufacturer"],
                row["order__state"],
                row["collected"],
                row["released"],
                row["stored"],
                row["dispensed"],
                row["infused"],
                row["quarantined"],
            ),
        )
        for row in rows
    ]


def order_dates(orders: QuerySet[CarTOrder]) -> list[figures.OrderDates]:
    return [dates for _order_id, dates in order_dates_by_id(orders)]


def manufacturer_figures(user: User) -> list[figures.ManufacturerFigures]:
    """Aggregates only (no patient identity) over the orders the user can see."""
    return figures.by_manufacturer(order_dates(orders_for_user(user)))


def organisation_options(kind: str) -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=kind, is_active=True).order_by("name")


@dataclass(frozen=True)
class TankSummary:
    tank: Tank
    positions: int
    occupied: int
    last_reading: TankReading | None
    open_excursions: int


def tank_summaries(tanks: list[Tank]) -> list[TankSummary]:
    """Occupancy, last reading and open excursions of each tank, in three grouped queries."""
    ids = [t.pk for t in tanks]
    occupied = dict(
        Storage.objects.filter(tank_id__in=ids, released_at__isnull=True)
        .values("tank_id")
        .annotate(n=Count("id"))
        .values_list("tank_id", "n")
    )
    open_excursions = dict(
        TankExcursion.objects.filter(tank_id__in=ids, acknowledgement__isnull=True)
        .values("tank_id")
        .annotate(n=Count("id"))
        .values_list("tank_id", "n")
    )
    last_ids = (
        TankReading.objects.filter(tank_id__in=ids)
        .values("tank_id")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    last = {r.tank_id: r for r in TankReading.objects.filter(id__in=list(last_ids))}
    return [
        TankSummary(
            t,
            t.racks * t.slots_per_rack,
            occupied.get(t.pk, 0),
            last.get(t.pk),
            open_excursions.get(t.pk, 0),
        )
        for t in tanks
    ]


def reading_chart(
    readings: list[TankReading], threshold: float, width: int = 720, height: int = 140
) -> dict:
    """A line of the temperatures (−200 to −100 °C) with the alarm threshold as a dashed line."""
    low, high = -200.0, -100.0

    def y(value: float) -> float:
        clamped = min(high, max(low, value))
        return round(height - (clamped - low) / (high - low) * height, 1)

    if not readings:
        return {
            "width": width,
            "height": height,
            "points": [],
            "line": "",
            "threshold_y": y(threshold),
        }
    step = width / max(len(readings) - 1, 1)
    points = [
        {
            "x": round(i * step, 1),
            "y": y(r.temperature_c),
            "excursion": r.excursion,
            "label": f"{timezone.localtime(r.at):%d/%m %H:%M} : {r.temperature_c} °C",
        }
        for i, r in enumerate(readings)
    ]
    return {
        "width": width,
        "height": height,
        "points": points,
        "line": " ".join(f"{p['x']},{p['y']}" for p in points),
        "threshold_y": y(threshold),
    }


# --- the order's safety panel ---------------------------------------------------------------------


@dataclass(frozen=True)
class ThawView:
    thawed_at: dt.datetime
    limit_minutes: int
    elapsed_minutes: int
    exceeded: bool
    deadline: dt.datetime
    covered: bool  # a benefit–risk decision countersigned after the thaw accepts the delay
    infused_at: dt.datetime | None = None  # once infused, no countdown: when it was infused


@dataclass(frozen=True)
class OrderSafety:
    """What the order page shows about the gates: the board decision, the sites' qualifications,
    tocilizumab, the label values, the monitoring plan from the (planned or actual) infusion, the
    thaw clock."""

    label: catalogue.ProductLabel | None
    decision_amended: bool
    qualifications: list[gates.SiteQualification]
    tocilizumab: gates.TocilizumabStatus
    infusion_at: dt.datetime | None
    plan: safety.MonitoringPlan | None
    plan_is_planned: bool
    near_centre_weeks: int
    no_driving_weeks: int
    # pathway parameters below the label (pathways applied before the floor was enforced): the
    # label's weeks apply and the page says so; {parameter: weeks the pathway set}
    periods_below_label: dict[str, int]
    thaw: ThawView | None
    tocilizumab_expires_before_infusion: bool = False


def order_qualifications(order: CarTOrder, on: dt.date) -> list[gates.SiteQualification]:
    """The treating centre's and the pharmacy's qualifications for the product (one query)."""
    return gates.site_qualifications(
        [("treating_centre", order.treating_centre), ("pharmacy", order.pharmacy)],
        order.product,
        on,
    )


def order_safety(
    order: CarTOrder,
    *,
    now: dt.datetime | None = None,
    events: list[CustodyEvent] | None = None,
    decisions_read: list[BenefitRiskDecision] | None = None,
    qualifications: list[gates.SiteQualification] | None = None,
    tocilizumab: gates.TocilizumabStatus | None = None,
) -> OrderSafety:
    """The safety panel; the keyword arguments are what the order page already read at
    ``now`` (the order's custody events, benefit–risk decisions newest first, the sites'
    qualifications, the tocilizumab status), computed here when not given."""
    product = catalogue.product(order.product)
    label = product.label if product else None
    now = now or timezone.now()
    today = timezone.localdate(now)
    if qualifications is None:
        qualifications = order_qualifications(order, today)
    parameters = order.pathway_instance.parameters if order.pathway_instance else {}
    floors = label.periods() if label else {"near_centre_weeks": 4, "no_driving_weeks": 8}
    # The label is the floor: a shorter pathway parameter never shortens what the page shows.
    periods = safety.effective_periods(parameters, floors)
    near, driving = periods["near_centre_weeks"], periods["no_driving_weeks"]
    below = {name: parameters[name] for name in safety.periods_below_label(parameters, floors)}
    infused = gates.custody_time(order, "infused", events)
    day = timezone.localdate(infused) if infused else order.planned_infusion_on
    plan = (
        safety.monitoring_plan(
            day,
            monitoring_days=label.monitoring_days,
            near_centre_weeks=near,
            no_driving_weeks=driving,
        )
        if day and label
        else None
    )
    thaw = None
    thawed = gates.custody_time(order, "thawed", events)
    if thawed is not None and label is not None:
        until = infused or now
        thaw = ThawView(
            thawed_at=thawed,
            limit_minutes=label.thaw_limit_minutes,
            elapsed_minutes=safety.minutes_since_thaw(thawed, until),
            exceeded=safety.thaw_limit_exceeded(thawed, until, label.thaw_limit_minutes),
            deadline=thawed + dt.timedelta(minutes=label.thaw_limit_minutes),
            covered=gates.effective_decision(order, since=thawed, decisions_read=decisions_read)
            is not None,
            infused_at=infused,
        )
    amended = order.decision is not None and (
        order.decision_amended
        if hasattr(order, "decision_amended")
        else order.decision.case.decisions.filter(version__gt=order.decision.version).exists()
    )
    if tocilizumab is None:
        tocilizumab = gates.tocilizumab_status(order, now)
    valid_until = tocilizumab.valid_until
    expires_first = bool(
        tocilizumab.ok
        and infused is None
        and order.planned_infusion_on
        and valid_until is not None
        and timezone.localdate(valid_until) < order.planned_infusion_on
    )
    return OrderSafety(
        label=label,
        decision_amended=amended,
        qualifications=qualifications,
        tocilizumab=tocilizumab,
        tocilizumab_expires_before_infusion=expires_first,
        infusion_at=infused,
        plan=plan,
        plan_is_planned=infused is None,
        near_centre_weeks=near,
        no_driving_weeks=driving,
        periods_below_label=below,
        thaw=thaw,
    )


def tocilizumab_history(order: CarTOrder) -> list[TocilizumabConfirmation]:
    return list(order.tocilizumab.select_related("confirmed_by").order_by("-at", "-id"))


def benefit_risk_decisions(order: CarTOrder) -> list[BenefitRiskDecision]:
    rows = order.benefit_risk_decisions.select_related(
        "physician", "countersignature__pharmacist"
    ).order_by()
    return sorted(rows, key=lambda d: (d.signed_at, d.id), reverse=True)


def pending_benefit_risk(order: CarTOrder) -> BenefitRiskDecision | None:
    return (
        order.benefit_risk_decisions.filter(countersignature__isnull=True)
        .select_related("physician")
        .order_by("-signed_at")
        .first()
    )


def episode_treatments(order: CarTOrder) -> list[EpisodeTreatment]:
    """The administrations, newest first; a corrected one carries ``corrected_by``."""
    rows = sorted(
        EpisodeTreatment.objects.filter(order=order).select_related("corrects").order_by(),
        key=lambda row: (row.given_at, row.id),
        reverse=True,
    )
    corrected = {row.corrects_id: row for row in rows if row.corrects_id}
    for row in rows:
        row.correction = corrected.get(row.pk)  # type: ignore[attr-defined]
    return [row for row in rows if not row.entered_in_error]
