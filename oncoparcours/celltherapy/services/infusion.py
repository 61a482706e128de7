"""Around the infusion: the pharmacy's confirmation of the tocilizumab doses reserved for the
patient; the informed benefit–risk decision that lets an out-of-specification product be infused
(signed by the treating physician, countersigned by a pharmacist — two different people — and
recorded in the chain of custody); the tocilizumab and corticosteroid administrations of the
post-infusion CRS/ICANS episode."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.french import contract
from oncoparcours.core.models import AuditAction, User
from oncoparcours.directory.models import Professional
from oncoparcours.patients.selectors import professional_for

from .. import catalogue
from ..models import (
    BenefitRiskCountersignature,
    BenefitRiskDecision,
    CarTOrder,
    CustodyKind,
    EpisodeTreatment,
    OrderTransition,
    TocilizumabConfirmation,
)
from ..rules import lifecycle, safety
from .custody import CustodyDetails, custody_append

MAX_DOSES = 20
TREATMENT_ROLES = frozenset({"clinician", "coordination_nurse"})


def _locked(order: CarTOrder) -> CarTOrder:
    return (
        CarTOrder.objects.select_for_update()
        .select_related("pharmacy", "treating_centre", "patient")
        .get(pk=order.pk)
    )


def _pharmacist_of(order: CarTOrder, actor: User) -> Professional:
    from ..selectors import user_organisation_ids

    professional = professional_for(actor)
    if (
        actor.role != "pharmacist"
        or professional is None
        or professional.profession != "pharmacist"
        or order.pharmacy_id not in user_organisation_ids(actor)
    ):
        raise ApplicationError(
            contract(
                _("Only a pharmacist of %(pharmacy)s can do this.") % {"pharmacy": order.pharmacy}
            )
        )
    return professional


# --- tocilizumab ----------------------------------------------------------------------------------


@transaction.atomic
def tocilizumab_confirm(
    *,
    order: CarTOrder,
    actor: User,
    doses_reserved: int,
    further_dose_access: bool,
    note: str = "",
    at: dt.datetime | None = None,
) -> TocilizumabConfirmation:
    """``at`` is for importing past confirmations (and the demo history); now otherwise."""
    order = _locked(order)
    professional = _pharmacist_of(order, actor)
    if order.state in lifecycle.TERMINAL and order.state != "out_of_specification":
        raise ApplicationError(_("This order is closed: nothing to reserve."), field="state")
    if not 0 <= doses_reserved <= MAX_DOSES:
        raise ApplicationError(
            _("Give the number of doses reserved (0 to %(max)s).") % {"max": MAX_DOSES},
            field="doses_reserved",
        )
    confirmation = TocilizumabConfirmation.objects.create(
        order=order,
        doses_reserved=doses_reserved,
        further_dose_access=further_dose_access,
        note=note.strip(),
        confirmed_by=actor,
        confirmed_by_label=str(professional),
        at=min(at, timezone.now()) if at else timezone.now(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=order.patient_id,
        obj=confirmation,
        details={
            "coi": order.coi,
            "doses_reserved": doses_reserved,
            "further_dose_access": further_dose_access,
        },
    )
    return confirmation


# --- benefit-risk decision for an out-of-specification product ----------------------------------


@dataclass(frozen=True)
class BenefitRiskInput:
    deviation: str
    rationale: str
    patient_informed: bool
    patient_informed_on: dt.date | None


def _check_benefit_risk(data: BenefitRiskInput) -> None:
    errors: dict[str, list[str]] = {}
    if len(data.deviation.strip()) < 5:
        errors["deviation"] = [_("Say what is out of specification (release certificate).")]
    if len(data.rationale.strip()) < 20:
        errors["rationale"] = [
            _("Write the benefit–risk assessment (at least a sentence): why infuse anyway.")
        ]
    if not data.patient_informed:
        errors["patient_informed"] = [
            _("The patient must be informed of the deviation and of the decision.")
        ]
    if data.patient_informed_on is None:
        errors["patient_informed_on"] = [_("Give the day the patient was informed.")]
    elif data.patient_informed_on > timezone.localdate():
        errors["patient_informed_on"] = [_("This day is in the future.")]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)


@transaction.atomic
def benefit_risk_record(
    *, order: CarTOrder, actor: User, data: BenefitRiskInput, at: dt.datetime | None = None
) -> BenefitRiskDecision:
    """The treating physician's signed decision; it takes effect when a pharmacist countersigns.
    ``at`` is for importing past decisions (and the demo history)."""
    order = _locked(order)
    professional = professional_for(actor)
    if actor.role != "clinician" or professional is None or professional.profession != "physician":
        raise ApplicationError(_("The treating physician records the benefit–risk decision."))
    if order.state != "out_of_specification":
        raise ApplicationError(
            _("A benefit–risk decision is recorded for a product declared out of specification."),
            field="state",
        )
    if order.benefit_risk_decisions.filter(countersignature__isnull=True).exists():
        raise ApplicationError(
            _("A benefit–risk decision already awaits the pharmacist's countersignature."),
            field="state",
        )
    _check_benefit_risk(data)
    assert data.patient_informed_on is not None
    decision = BenefitRiskDecision.objects.create(
        order=order,
        deviation=data.deviation.strip(),
        rationale=data.rationale.strip(),
        patient_informed=True,
        patient_informed_on=data.patient_informed_on,
        physician=professional,
        physician_user=actor,
        signed_at=min(at, timezone.now()) if at else timezone.now(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=order.patient_id,
        obj=decision,
        details={"coi": order.coi, "signed_by": "physician"},
    )
    return decision


def _state_before_quarantine(order: CarTOrder) -> str:
    last = order.transitions.filter(to_state="out_of_specification").order_by("-at", "-id").first()
    if last is None or last.from_state not in lifecycle.OUT_OF_SPEC_FROM:
        raise ApplicationError(_("The state before the quarantine is unknown."), field="state")
    return last.from_state


@transaction.atomic
def benefit_risk_countersign(
    *, decision: BenefitRiskDecision, actor: User, at: dt.datetime | None = None
) -> BenefitRiskCountersignature:
    """A pharmacist countersigns: the chain of custody records the product's acceptance and the
    order resumes where it was quarantined. ``at`` is for importing past decisions."""
    signed_at = min(at, timezone.now()) if at else timezone.now()
    order = _locked(decision.order)
    decision = BenefitRiskDecision.objects.select_related("physician").get(pk=decision.pk)
    pharmacist = _pharmacist_of(order, actor)
    if BenefitRiskCountersignature.objects.filter(decision=decision).exists():
        raise ApplicationError(_("This decision is already countersigned."), field="state")
    if pharmacist.pk == decision.physician_id or actor.pk == decision.physician_user_id:
        raise ApplicationError(
            _("The countersignature is another person's: a pharmacist other than the physician.")
        )
    if order.state != "out_of_specification":
        raise ApplicationError(_("This order is no longer out of specification."), field="state")
    resume = _state_before_quarantine(order)
    if signed_at < decision.signed_at:
        raise ApplicationError(_("The countersignature follows the physician's signature."))
    signature = BenefitRiskCountersignature.objects.create(
        decision=decision, pharmacist=pharmacist, pharmacist_user=actor, signed_at=signed_at
    )
    previous = order.custody.order_by("-sequence").first()
    custody_append(
        order=order,
        kind=CustodyKind.OOS_ACCEPTED,
        actor=actor,
        organisation=order.pharmacy,
        organisation_label=order.pharmacy.name,
        holder=previous.holder if previous else "",
        details=CustodyDetails(
            at=signed_at,
            note=_(
                "Benefit–risk decision: %(physician)s (physician, %(signed)s) and %(pharmacist)s "
                "(pharmacist); patient informed on %(informed)s. Deviation: %(deviation)s"
            )
            % {
                "physician": decision.physician,
                "signed": timezone.localtime(decision.signed_at).strftime("%d/%m/%Y %H:%M"),
                "pharmacist": pharmacist,
                "informed": decision.patient_informed_on.strftime("%d/%m/%Y"),
                "deviation": decision.deviation,
            },
        ),
    )
    OrderTransition.objects.create(
        order=order,
        from_state=order.state,
        to_state=resume,
        actor=actor,
        reason=_("Benefit–risk decision countersigned: the product may be infused."),
        at=signed_at,
    )
    order.state = resume
    order.version += 1
    order.save(update_fields=["state", "version", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=order.patient_id,
        obj=signature,
        details={"coi": order.coi, "signed_by": "pharmacist", "resumed": resume},
    )
    return signature


# --- CRS/ICANS episode ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TreatmentInput:
    drug: str
    dose: Decimal | None
    unit: str
    route: str
    given_at: dt.datetime | None
    indication: str
    grade: int | None
    note: str = ""


def _infusion_time(order: CarTOrder) -> dt.datetime | None:
    event = order.custody.filter(kind="infused").order_by("-sequence").first()
    return event.at if event else None


def _check_treatment(order: CarTOrder, data: TreatmentInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    drug = catalogue.drug(data.drug)
    if drug is None:
        errors["drug"] = [_("Choose tocilizumab or a corticosteroid of the list.")]
    if data.dose is None:
        errors["dose"] = [_("Give the dose.")]
    elif drug is not None:
        problem = safety.dose_problem(dose=data.dose, unit=data.unit, limits=drug.limits)
        if problem == "unit":
            errors["unit"] = [
                _("%(drug)s is recorded in %(units)s.")
                % {"drug": drug, "units": " / ".join(drug.units)}
            ]
        elif problem == "not_positive":
            errors["dose"] = [_("The dose must be above 0.")]
        elif problem == "above_limit":
            limit = drug.limits[data.unit]
            errors["dose"] = [
                _(
                    "%(dose)s %(unit)s is above the plausible single dose of %(drug)s (%(limit)s "
                    "%(unit)s): check for a typing error."
                )
                % {"dose": data.dose, "unit": data.unit, "drug": drug, "limit": limit}
            ]
    if drug is not None and data.route not in drug.routes:
        errors["route"] = [_("This route is not one of %(drug)s's.") % {"drug": drug}]
    if data.indication not in safety.INDICATIONS:
        errors["indication"] = [_("Say whether it treats a CRS or an ICANS.")]
    if data.grade not in safety.GRADES:
        errors["grade"] = [_("Give the grade (1 to 4, ASTCT 2019).")]
    infused = _infusion_time(order)
    if data.given_at is None:
        errors["given_at"] = [_("Give the time of administration.")]
    elif data.given_at > timezone.now() + dt.timedelta(minutes=5):
        errors["given_at"] = [_("This time is in the future.")]
    elif infused is not None and data.given_at < infused.replace(second=0, microsecond=0):
        # Times are entered to the minute: the infusion's own minute belongs to the episode.
        errors["given_at"] = [
            _("The episode starts at the infusion (%(time)s).")
            % {"time": timezone.localtime(infused).strftime("%d/%m/%Y %H:%M")}
        ]
    return errors


@transaction.atomic
def treatment_record(*, order: CarTOrder, actor: User, data: TreatmentInput) -> EpisodeTreatment:
    order = _locked(order)
    if actor.role not in TREATMENT_ROLES:
        raise ApplicationError(_("A physician or a nurse of the ward records administrations."))
    if order.state != "infused":
        raise ApplicationError(
            _("Administrations are recorded after the infusion (CRS/ICANS episode)."),
            field="state",
        )
    errors = _check_treatment(order, data)
    if errors:
        raise ApplicationError(_("The administration was not saved."), errors=errors)
    return _treatment_row(order, actor, data, note=data.note)


# What an administration says (the same on a record and on the row that marks it wrong).
ADMINISTRATION_FIELDS = ("drug", "dose", "unit", "route", "given_at", "indication", "grade")


def _treatment_row(
    order: CarTOrder,
    actor: User,
    source: TreatmentInput | EpisodeTreatment,
    *,
    note: str,
    corrects: EpisodeTreatment | None = None,
) -> EpisodeTreatment:
    professional = professional_for(actor)
    row = EpisodeTreatment.objects.create(
        order=order,
        **{name: getattr(source, name) for name in ADMINISTRATION_FIELDS},
        given_by=actor,
        given_by_label=str(professional) if professional else actor.display_name,
        note=note.strip(),
        corrects=corrects,
        entered_in_error=corrects is not None,
    )
    details = {name: getattr(row, name) for name in ("drug", "indication", "grade")}
    if corrects is not None:
        details["entered_in_error"] = corrects.pk
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=order.patient_id,
        obj=row,
        details={"coi": order.coi, **details},
    )
    return row


@transaction.atomic
def treatment_entered_in_error(
    *, treatment: EpisodeTreatment, actor: User, reason: str
) -> EpisodeTreatment:
    """A wrong entry is never changed: a new row marks it entered in error, with the reason."""
    order = _locked(treatment.order)
    if actor.role not in TREATMENT_ROLES:
        raise ApplicationError(_("A physician or a nurse of the ward records administrations."))
    if EpisodeTreatment.objects.filter(corrects=treatment).exists() or treatment.entered_in_error:
        raise ApplicationError(_("This entry is already corrected."))
    if len(reason.strip()) < 5:
        raise ApplicationError(_("Say why the entry is wrong."), field="note")
    return _treatment_row(order, actor, treatment, note=reason, corrects=treatment)
