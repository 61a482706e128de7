"""CAR-T orders: placing an order (chain of identity, eligibility) and moving it along its
lifecycle, each physical step appending its custody event and completing the pathway activity."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User
from oncoparcours.directory.models import Organisation, OrganisationKind
from oncoparcours.patients.models import Patient

from .. import catalogue
from ..models import (
    BedReservation,
    BenefitRiskDecision,
    CarTOrder,
    CustodyEvent,
    OrderState,
    OrderTransition,
)
from ..rules import identifiers, lifecycle
from . import bedside, care_team, gates, icu_beds, pathway_sync, storage
from .custody import CustodyDetails, custody_append

STATE_LABELS = dict(OrderState.choices)
COI_TEXT = re.compile(r"^[A-Z0-9][A-Z0-9*-]{5,39}$")


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


@dataclass(frozen=True)
class OrderInput:
    patient: Patient
    product: str
    indication: str
    eligibility: dict[str, bool]
    manufacturer_reference: str
    treating_centre: Organisation
    pharmacy: Organisation
    efs_centre: Organisation
    coi: str = ""
    din: str = ""
    decision: Any = None


def _din_error(din: str) -> str | None:
    problem = identifiers.din_problem(din)
    if problem == "format":
        return _(
            "A DIN is 13 characters (facility code, year, serial number), optional flags, then "
            "its check character."
        )
    if problem == "missing_check":
        return _("The DIN's check character (ISO/IEC 7064 mod 37-2) is missing.")
    if problem == "check":
        return _("The DIN's check character does not match: check for a typing error.")
    return None


def _validate(data: OrderInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if catalogue.product(data.product) is None:
        errors["product"] = [_("Unknown product: choose one of the configured list.")]
    missing = [
        label for key, label in catalogue.eligibility_items() if not data.eligibility.get(key)
    ]
    if missing:
        errors["eligibility"] = [_("Not checked: %(items)s.") % {"items": "; ".join(missing)}]
    if not data.indication.strip():
        errors["indication"] = [_("Give the indication.")]
    if not data.manufacturer_reference.strip():
        errors["manufacturer_reference"] = [_("Give the manufacturer's order reference.")]
    if data.din.strip() and (message := _din_error(data.din)):
        errors["din"] = [message]
    if data.coi.strip() and not COI_TEXT.match(data.coi.strip().upper()):
        errors["coi"] = [_("A COI is 6 to 40 capital letters, digits or dashes.")]
    kinds = {
        "pharmacy": (data.pharmacy, {OrganisationKind.PUI}),
        "efs_centre": (data.efs_centre, {OrganisationKind.EFS_CARE_CENTRE}),
    }
    for name, (organisation, allowed) in kinds.items():
        if organisation.kind not in allowed:
            errors[name] = [_("%(name)s is not of the expected kind.") % {"name": organisation}]
    if message := gates.decision_problem(data.decision, data.patient.pk):
        errors["decision"] = [message]
    if catalogue.product(data.product) is not None and not errors.keys() & set(kinds):
        errors.update(
            gates.qualification_errors(
                product=data.product,
                pharmacy=data.pharmacy,
                treating_centre=data.treating_centre,
                on=timezone.localdate(),
            )
        )
    if "product" not in errors and (
        message := pathway_sync.product_mismatch(data.patient, data.product)
    ):
        errors["product"] = [message]
    if "product" not in errors and (
        message := gates.indication_problem(data.product, data.patient, data.decision)
    ):
        errors["product"] = [message]
    return errors


def _new_coi(prefix: str) -> str:
    for _attempt in range(5):
        code = identifiers.new_coi(prefix)
        if not CarTOrder.objects.filter(coi=code).exists():
            return code
    raise RuntimeError("could not draw a free chain-of-identity code")


@transaction.atomic
def order_create(*, actor: User, data: OrderInput) -> CarTOrder:
    if actor.role != "clinician":
        raise ApplicationError(_("Only a physician of the care team can order a CAR-T product."))
    errors = _validate(data)
    if errors:
        raise ApplicationError(_("The order was not saved."), errors=errors)
    product = catalogue.product(data.product)
    assert product is not None
    coi = data.coi.strip().upper() or _new_coi(product.coi_prefix)
    if CarTOrder.objects.filter(coi=coi).exists():
        raise ApplicationError(_("This COI is already used by another order."), field="coi")
    order = CarTOrder(
        patient=data.patient,
        product=product.code,
        manufacturer=product.manufacturer,
        indication=data.indication.strip(),
        decision=data.decision,
        eligibility={
            key: bool(data.eligibility.get(key)) for key, _l in catalogue.eligibility_items()
        },
        manufacturer_reference=data.manufacturer_reference.strip(),
        coi=coi,
        din=re.sub(r"[\s-]", "", data.din.upper()),
        treating_centre=data.treating_centre,
        pharmacy=data.pharmacy,
        efs_centre=data.efs_centre,
        ordered_by=actor,
    )
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError as error:
        raise ApplicationError(
            _("This COI is already used by another order."), field="coi"
        ) from error
    care_team.add_order_teams(order, actor)
    pathway_sync.attach_instance(order, actor)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=data.patient.pk,
        obj=order,
        details={"coi": coi, "product": product.code},
    )
    pathway_sync.follow(order, "qualified", actor)
    return order


# Who holds the product after each custody step, and on whose behalf the step is recorded.
def _parties(order: CarTOrder, holder_key: str) -> str:
    return {
        "efs": order.efs_centre.name,
        "courier": "courier",
        "manufacturer": order.manufacturer,
        "pui": order.pharmacy.name,
        "ward": order.treating_centre.name,
        "patient": "patient",
    }.get(holder_key, "")


RECORDED_FOR = {
    "collected": ("efs", "efs"),
    "shipped_to_manufacturer": ("efs", None),
    "in_manufacturing": ("manufacturer", None),
    "released": ("manufacturer", None),
    "shipped_to_site": ("manufacturer", None),
    "received_at_pui": ("pui", "pui"),
    "in_cryostorage": ("pui", "pui"),
    "dispensed": ("pui", "pui"),
    "thawed": ("ward", "treating"),
    "infused": ("ward", "treating"),
}


def _recorder(
    order: CarTOrder, target: str, previous_holder: str
) -> tuple[str, Organisation | None]:
    if target == "out_of_specification":
        return previous_holder or order.manufacturer, None
    party, organisation = RECORDED_FOR[target]
    organisations = {
        "efs": order.efs_centre,
        "pui": order.pharmacy,
        "treating": order.treating_centre,
    }
    return _parties(order, party), organisations.get(organisation) if organisation else None


def _refuse(order: CarTOrder, target: str) -> None:
    options = lifecycle.allowed_next(order.state)
    raise ApplicationError(
        _(
            "An order that is “%(current)s” cannot become “%(target)s”. Possible next steps: "
            "%(options)s."
        )
        % {
            "current": state_label(order.state).lower(),
            "target": state_label(target).lower(),
            "options": ", ".join(state_label(o).lower() for o in options) or _("none"),
        },
        field="state",
        allowed=options,
    )


def _check_role(actor: User, step: lifecycle.Step, target: str) -> None:
    if actor.role not in step.roles:
        from oncoparcours.core.models import Role

        roles = dict(Role.choices)
        raise ApplicationError(
            _("Only %(roles)s can record “%(target)s”.")
            % {
                "roles": _(" or ").join(str(roles[r]).lower() for r in sorted(step.roles)),
                "target": state_label(target).lower(),
            },
            field="state",
        )


@dataclass(frozen=True)
class TransitionInput:
    to: str
    expected_version: int | None = None
    reason: str = ""
    custody: CustodyDetails = field(default_factory=CustodyDetails)
    tank: Any = None
    position: str = ""


@transaction.atomic
def order_transition(*, order: CarTOrder, actor: User, data: TransitionInput) -> CarTOrder:
    order = (
        CarTOrder.objects.select_for_update()
        .select_related("efs_centre", "pharmacy", "treating_centre")
        .get(pk=order.pk)
    )
    if data.expected_version is not None and order.version != data.expected_version:
        raise ApplicationError(
            _("This order was changed meanwhile (now: %(state)s). Reload the page.")
            % {"state": state_label(order.state).lower()}
        )
    step = lifecycle.step_for(order.state, data.to)
    if step is None:
        _refuse(order, data.to)
    assert step is not None
    _check_role(actor, step, data.to)
    if data.to in ("cancelled", "out_of_specification") and not data.reason.strip():
        raise ApplicationError(_("Say why (reason)."), field="reason")
    if data.to == "infused":
        infused_at = data.custody.at or timezone.now()
        bedside.require_passed_check(order, infused_at)
        infusion_gates(order, infused_at)
    if data.to == "in_cryostorage":
        storage.place(order=order, tank=data.tank, position=data.position, actor=actor)
    if data.to == "dispensed":
        storage.release(order=order, actor=actor)
    event = None
    if step.custody:
        previous = order.custody.order_by("-sequence").first()
        label, organisation = _recorder(order, data.to, previous.holder if previous else "")
        details = data.custody
        if data.to == "in_cryostorage" and data.tank is not None:
            details = CustodyDetails(
                **{**details.__dict__, "place": details.place or f"{data.tank} {data.position}"}
            )
        event = custody_append(
            order=order,
            kind=step.custody,
            actor=actor,
            organisation=organisation,
            organisation_label=label,
            holder=_parties(order, step.holder)
            if step.holder
            else (previous.holder if previous else ""),
            details=details,
        )
    # The status is dated at the custody event that caused it (a step recorded afterwards).
    at = event.at if event else step_time(order, data.custody.at)
    previous_state = order.state
    order.state = data.to
    order.version += 1
    order.save(update_fields=["state", "version", "updated_at"])
    OrderTransition.objects.create(
        order=order,
        from_state=previous_state,
        to_state=data.to,
        actor=actor,
        reason=data.reason,
        at=at,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=order.patient_id,
        obj=order,
        details={"from": previous_state, "to": data.to, "coi": order.coi},
    )
    pathway_sync.follow(order, data.to, actor, at=at)
    return order


def step_time(order: CarTOrder, at: dt.datetime | None) -> dt.datetime:
    """When a step without a custody event happened: the time given (a step recorded afterwards)
    or now; never in the future, never before the order's previous step."""
    now = timezone.now()
    if at is None:
        return now
    if at > now + dt.timedelta(minutes=5):
        raise ApplicationError(_("A step cannot be dated in the future."), field="at")
    last = order.transitions.order_by("-at", "-id").first()
    if last is not None and at < last.at:
        raise ApplicationError(
            _("This step cannot be dated before the previous one (%(time)s).")
            % {"time": timezone.localtime(last.at).strftime("%d/%m/%Y %H:%M")},
            field="at",
        )
    return at


def infusion_gates(order: CarTOrder, at: dt.datetime) -> None:
    """Refuse the infusion unless tocilizumab is confirmed for the patient, both sites are still
    qualified for the product, the thaw-to-infusion limit holds and a confirmed intensive-care
    bed covers the infusion day and the product's days after it."""
    errors = infusion_blockers(order, at)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, errors=errors, field=next(iter(errors)))


@dataclass(frozen=True)
class OrderReads:
    """What the order page has already read about the order (each relation once), so the
    gates below check the same rows instead of reading them again. Every gate still runs."""

    tocilizumab: gates.TocilizumabStatus  # at the same ``at``
    qualifications: list[gates.SiteQualification]  # on the same day
    custody_events: list[CustodyEvent]
    benefit_risk: list[BenefitRiskDecision]  # newest first, with their countersignature
    reservations: list[BedReservation]


def infusion_blockers(
    order: CarTOrder, at: dt.datetime, *, reads: OrderReads | None = None
) -> dict[str, list[str]]:
    """Why an infusion at ``at`` would be refused, by field (empty: the gates let it through).
    The order page offers "Record: infused" only when this is empty (``reads``: what the page
    read at ``at``)."""
    errors: dict[str, list[str]] = {}
    status = reads.tocilizumab if reads else gates.tocilizumab_status(order, at)
    if not status.ok:
        errors["tocilizumab"] = [gates.tocilizumab_message(status)]
    errors.update(
        gates.qualification_errors(
            product=order.product,
            pharmacy=order.pharmacy,
            treating_centre=order.treating_centre,
            on=timezone.localdate(at),
            qualifications=reads.qualifications if reads else None,
        )
    )
    if message := gates.thaw_problem(
        order,
        at,
        events=reads.custody_events if reads else None,
        decisions_read=reads.benefit_risk if reads else None,
    ):
        errors["at"] = [message]
    # No infusion without a confirmed intensive-care bed covering its day and the product's
    # days after it (a postponed infusion the reservation no longer covers is refused too).
    if message := icu_beds.bed_blocker(
        order, timezone.localdate(at), reservations=reads.reservations if reads else None
    ):
        errors["bed"] = [message]
    return errors
