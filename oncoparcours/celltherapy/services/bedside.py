"""The bedside check: two professionals each confirm the patient's identity and scan or type the
product's COI; both must match the order and each other, and a thawed product must be within its
label's thaw-to-infusion limit at the scan — or the infusion is blocked and an alert raised to the
care team."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User

from ..models import BedsideCheck, BedsideConfirmation, CarTOrder
from . import bedside_alert, gates

CHECK_STATES = ("dispensed", "thawed")
BEDSIDE_ROLES = frozenset({"clinician", "coordination_nurse", "pharmacist"})
PROBLEM_LABELS = {
    "identity_first": gettext_lazy("the first professional did not confirm the patient's identity"),
    "identity_second": gettext_lazy(
        "the second professional did not confirm the patient's identity"
    ),
    "coi_first": gettext_lazy("the COI scanned by the first professional is not this order's"),
    "coi_second": gettext_lazy("the COI scanned by the second professional is not this order's"),
    "coi_differ": gettext_lazy("the two scanned COIs differ"),
    "thaw_limit": gettext_lazy("the product's thaw-to-infusion limit is exceeded"),
}


def _normalise(coi: str) -> str:
    return "".join(coi.split()).upper()


def _attempt(order: CarTOrder) -> int:
    last = order.bedside_checks.order_by("-attempt").first()
    return (last.attempt + 1) if last else 1


def confirmation_problems(order: CarTOrder, confirmation: BedsideConfirmation) -> list[str]:
    """What is already wrong with the first confirmation, shown to its author at once (the
    check cannot pass this attempt; the second professional's confirmation closes it)."""
    problems = []
    if not confirmation.identity_confirmed:
        problems.append("identity_first")
    if _normalise(confirmation.scanned_coi) != order.coi:
        problems.append("coi_first")
    return problems


def compare(order: CarTOrder, first: BedsideConfirmation, second: BedsideConfirmation) -> list[str]:
    problems = []
    for name, confirmation in (("first", first), ("second", second)):
        if not confirmation.identity_confirmed:
            problems.append(f"identity_{name}")
        if _normalise(confirmation.scanned_coi) != order.coi:
            problems.append(f"coi_{name}")
    if _normalise(first.scanned_coi) != _normalise(second.scanned_coi):
        problems.append("coi_differ")
    return problems


@transaction.atomic
def bedside_confirm(
    *,
    order: CarTOrder,
    actor: User,
    identity_confirmed: bool,
    scanned_coi: str,
    at: dt.datetime | None = None,
) -> BedsideConfirmation | BedsideCheck:
    """Record one confirmation; the second one (by another professional) decides the check.
    ``at`` is for a check entered after the fact (paper record, demo history): never future."""
    at = at or timezone.now()
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise ApplicationError(_("A check cannot be dated in the future."), field="at")
    order = CarTOrder.objects.select_for_update().get(pk=order.pk)
    if order.state not in CHECK_STATES:
        raise ApplicationError(
            _("The bedside check is done once the product is dispensed to the ward."), field="state"
        )
    if actor.role not in BEDSIDE_ROLES:
        raise ApplicationError(_("Only a physician, a nurse or a pharmacist can take part."))
    if not scanned_coi.strip():
        raise ApplicationError(_("Scan or type the COI printed on the bag."), field="scanned_coi")
    attempt = _attempt(order)
    pending = order.confirmations.filter(attempt=attempt).first()
    if pending is not None and pending.professional_id == actor.pk:
        raise ApplicationError(
            _("A second professional must confirm: the same person cannot check twice."),
            field="scanned_coi",
        )
    confirmation = BedsideConfirmation.objects.create(
        order=order,
        attempt=attempt,
        professional=actor,
        identity_confirmed=identity_confirmed,
        scanned_coi=_normalise(scanned_coi),
        at=at,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=order.patient_id,
        obj=confirmation,
        details={
            "attempt": attempt,
            "identity": identity_confirmed,
            "coi_matches": _normalise(scanned_coi) == order.coi,
        },
    )
    if pending is None:
        return confirmation
    problems = compare(order, pending, confirmation)
    if order.state == "thawed" and gates.thaw_problem(order, confirmation.at):
        problems.append("thaw_limit")
    check = BedsideCheck.objects.create(
        order=order,
        attempt=attempt,
        first=pending,
        second=confirmation,
        passed=not problems,
        problems=problems,
        at=at,
    )
    if problems:
        bedside_alert.raise_alert(order, check, at)
    return check


def latest_check(order: CarTOrder) -> BedsideCheck | None:
    return order.bedside_checks.order_by("-attempt").first()


def require_passed_check(order: CarTOrder, at: dt.datetime | None = None) -> None:
    """The infusion needs a passed two-person check, and happens after it: an infusion time
    before the check (back-dating) is refused — it would also dodge the thaw-to-infusion limit
    measured at the check."""
    check = latest_check(order)
    if check is None or not check.passed:
        raise ApplicationError(
            _("Infusion blocked: the bedside identity check by two professionals has not passed."),
            field="state",
        )
    if at is not None and at < check.at:
        raise ApplicationError(
            _("The infusion cannot be dated before the bedside check (%(time)s).")
            % {"time": timezone.localtime(check.at).strftime("%d/%m/%Y %H:%M")},
            field="at",
        )
