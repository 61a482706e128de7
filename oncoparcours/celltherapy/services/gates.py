"""The CAR-T gates read from the database: the board decision behind an order, the regional
health agency's qualification of the pharmacy and the care unit for the product, the tocilizumab
doses confirmed by the pharmacy, the benefit–risk decision that covers a deviation. Each gives a
status for the order page and, when it refuses, a message naming what is missing."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.directory.models import Capability, CapabilityKind, Organisation

from .. import catalogue
from ..models import BenefitRiskDecision, CarTOrder, CustodyEvent, TocilizumabConfirmation
from ..rules import safety

ARS_NAME = re.compile(r"\bARS\b|agence r[ée]gionale de sant[ée]", re.IGNORECASE)
SITE_KINDS = {
    "pharmacy": CapabilityKind.CAR_T_QUALIFIED_PUI,
    "treating_centre": CapabilityKind.CAR_T_QUALIFIED_WARD,
}


def product_name(code: str) -> str:
    product = catalogue.product(code)
    return str(product) if product else code


# --- board decision -------------------------------------------------------------------------------


def decision_problem(decision: Any, patient_id: Any) -> str | None:
    """A message when ``decision`` (a boards Decision, or None) cannot support a CAR-T order."""
    if decision is None:
        return _(
            "Choose the validated tumour board decision that recommends CAR-T cells: an order "
            "cannot be placed without one."
        )
    latest = decision.case.decisions.order_by("-version").values_list("pk", flat=True).first()
    problem = safety.decision_problem(
        modalities=decision.modalities,
        same_patient=decision.case.patient_id == patient_id,
        latest_version=latest == decision.pk,
    )
    return {
        None: None,
        "other_patient": _("This decision is about another patient."),
        "amended": _("This decision was corrected by a later version: choose the current version."),
        "not_car_t": _(
            "This decision does not recommend CAR-T cells (treatment modality “CAR-T cell "
            "therapy”): the board must decide it first."
        ),
    }[problem]


def indication_problem(product_code: str, patient: Any, decision: Any) -> str | None:
    """A message when none of the patient's diagnoses is an indication of the product's marketing
    authorisation (at the patient's age) — unless the board decided it outside guidelines, with
    its justification (an off-label use decided by the board)."""
    product = catalogue.product(product_code)
    if product is None or not product.indication_codes:
        return None
    if decision is not None and decision.outside_guideline:
        return None
    today = timezone.localdate()
    born = patient.birth_date
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    codes = patient.diagnoses.values_list("icd10", flat=True)
    if safety.indication_matches(product.indication_codes, codes, age):
        return None
    return _(
        "%(product)s is indicated for: %(indications)s. None of the patient's diagnoses matches "
        "(at %(age)s years): choose another product, or the board must decide it outside "
        "guidelines with its justification."
    ) % {"product": product.brand, "indications": "; ".join(product.indications), "age": age}


# --- qualification of the sites -------------------------------------------------------------------


@dataclass(frozen=True)
class SiteQualification:
    site: str  # pharmacy | treating_centre
    organisation: Organisation
    status: safety.QualificationStatus
    capability: Capability | None

    @property
    def ok(self) -> bool:
        return self.status.ok


def _issued_by_ars(capability: Capability) -> bool:
    if capability.issuer is not None:
        return capability.issuer.kind == "ars"
    return bool(ARS_NAME.search(capability.issuer_name or ""))


def site_qualification(
    site: str, organisation: Organisation, product: str, on: dt.date
) -> SiteQualification:
    """The organisation's (or its parent establishment's) qualification of kind ``site``."""
    capabilities = list(
        Capability.objects.filter(kind=SITE_KINDS[site])
        .filter(Q(organisation=organisation) | Q(organisation_id=organisation.parent_id))
        .select_related("issuer")
        .order_by("-valid_from")
    )
    return _qualification(site, organisation, capabilities, product, on)


def site_qualifications(
    sites: list[tuple[str, Organisation]], product: str, on: dt.date
) -> list[SiteQualification]:
    """:func:`site_qualification` of each ``(site, organisation)``, read in one query (the
    order page shows the pharmacy's and the care unit's)."""
    ids = {o.pk for _site, o in sites} | {o.parent_id for _site, o in sites if o.parent_id}
    capabilities = list(
        Capability.objects.filter(
            kind__in={SITE_KINDS[site] for site, _o in sites}, organisation_id__in=ids
        )
        .select_related("issuer")
        .order_by("-valid_from")
    )
    found = []
    for site, organisation in sites:
        own = [
            c
            for c in capabilities
            if c.kind == SITE_KINDS[site]
            and c.organisation_id in (organisation.pk, organisation.parent_id)
        ]
        found.append(_qualification(site, organisation, own, product, on))
    return found


def _qualification(
    site: str, organisation: Organisation, capabilities: list[Capability], product: str, on: dt.date
) -> SiteQualification:
    rows = {
        id(c): safety.Qualification(
            products=tuple(c.products or ()),
            valid_from=c.valid_from,
            valid_until=c.valid_until,
            issued_by_ars=_issued_by_ars(c),
        )
        for c in capabilities
    }
    status = safety.qualification_status(rows.values(), product, on)
    capability = next((c for c in capabilities if rows[id(c)] is status.qualification), None)
    return SiteQualification(site, organisation, status, capability)


def qualification_message(qualification: SiteQualification, product: str, on: dt.date) -> str:
    what = {
        "pharmacy": _("the pharmacy's CAR-T qualification"),
        "treating_centre": _("the care unit's CAR-T qualification"),
    }[qualification.site]
    values = {
        "organisation": qualification.organisation.name,
        "what": what,
        "product": product_name(product),
        "day": on.strftime("%d/%m/%Y"),
    }
    capability = qualification.capability
    if capability is not None:
        values["until"] = (
            capability.valid_until.strftime("%d/%m/%Y") if capability.valid_until else ""
        )
        values["from"] = capability.valid_from.strftime("%d/%m/%Y")
        values["products"] = capability.products_label
    messages = {
        "none": _(
            "%(organisation)s: no record of %(what)s issued by the regional health agency (ARS)."
        ),
        "not_ars": _("%(organisation)s: %(what)s is not issued by a regional health agency (ARS)."),
        "other_products": _("%(organisation)s: %(what)s covers %(products)s, not %(product)s."),
        "expired": _("%(organisation)s: %(what)s for %(product)s expired on %(until)s."),
        "not_yet": _("%(organisation)s: %(what)s for %(product)s starts on %(from)s."),
    }
    return messages[qualification.status.status] % values


def qualification_errors(
    *,
    product: str,
    pharmacy: Organisation,
    treating_centre: Organisation,
    on: dt.date,
    qualifications: list[SiteQualification] | None = None,
) -> dict[str, list[str]]:
    """``qualifications``: the two sites' qualifications on ``on`` when already read."""
    errors: dict[str, list[str]] = {}
    by_site = {q.site: q for q in qualifications or ()}
    for site, organisation in (("pharmacy", pharmacy), ("treating_centre", treating_centre)):
        qualification = by_site.get(site) or site_qualification(site, organisation, product, on)
        if not qualification.ok:
            errors[site] = [qualification_message(qualification, product, on)]
    return errors


# --- tocilizumab ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TocilizumabStatus:
    required_doses: int
    further_within_hours: int
    valid_hours: int  # a confirmation counts for an infusion within these hours after it
    at: dt.datetime  # the moment the status is for (the infusion, or now on the order page)
    latest: TocilizumabConfirmation | None
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def valid_until(self) -> dt.datetime | None:
        if self.latest is None:
            return None
        return safety.confirmation_valid_until(self.latest.at, self.valid_hours)


def tocilizumab_status(order: CarTOrder, at: dt.datetime | None = None) -> TocilizumabStatus:
    """The pharmacy's latest confirmation recorded at or before ``at`` (now by default) and
    whether it lets the product be infused then."""
    product = catalogue.product(order.product)
    assert product is not None
    at = at or timezone.now()
    hours = catalogue.tocilizumab_confirmation_hours()
    latest = (
        order.tocilizumab.filter(at__lte=at)
        .select_related("confirmed_by")
        .order_by("-at", "-id")
        .first()
    )
    problem = safety.tocilizumab_problem(
        doses_reserved=latest.doses_reserved if latest else None,
        further_dose_access=latest.further_dose_access if latest else False,
        required_doses=product.label.tocilizumab_doses,
        confirmed_at=latest.at if latest else None,
        at=at,
        valid_hours=hours,
    )
    return TocilizumabStatus(
        product.label.tocilizumab_doses,
        product.label.tocilizumab_further_within_hours,
        hours,
        at,
        latest,
        problem,
    )


def tocilizumab_message(status: TocilizumabStatus) -> str:
    values: dict[str, object] = {
        "n": status.required_doses,
        "hours": status.further_within_hours,
        "valid": status.valid_hours,
    }
    if status.latest is not None:
        values["when"] = timezone.localtime(status.latest.at).strftime("%d/%m/%Y %H:%M")
    return {
        "not_confirmed": _(
            "Infusion refused: the pharmacy has not confirmed the tocilizumab doses reserved for "
            "this patient (label: %(n)s dose(s) on site before infusion, a further dose within "
            "%(hours)s hours)."
        ),
        "too_few": _(
            "Infusion refused: fewer tocilizumab doses reserved for this patient than the "
            "label's %(n)s before infusion."
        ),
        "no_further_access": _(
            "Infusion refused: the pharmacy has not confirmed that a further dose of "
            "tocilizumab can be obtained within %(hours)s hours."
        ),
        "expired": _(
            "Infusion refused: the last tocilizumab confirmation (%(when)s) is more than "
            "%(valid)s hours old. The pharmacy must confirm again that the doses are on site for "
            "this patient (valid %(valid)s hours before the infusion)."
        ),
    }[str(status.problem)] % values


# --- benefit-risk decision ------------------------------------------------------------------------


def effective_decision(
    order: CarTOrder,
    since: dt.datetime | None = None,
    *,
    decisions_read: list[BenefitRiskDecision] | None = None,
) -> BenefitRiskDecision | None:
    """The latest countersigned benefit–risk decision (signed after ``since`` when given).
    ``decisions_read``: all the order's decisions already read with their countersignature,
    newest first (signed_at, id), as ``selectors.benefit_risk_decisions`` gives them."""
    if decisions_read is not None:
        for decision in decisions_read:
            countersignature = _countersignature(decision)
            if countersignature is not None and (
                since is None or countersignature.signed_at >= since
            ):
                return decision
        return None
    decisions = order.benefit_risk_decisions.filter(countersignature__isnull=False)
    if since is not None:
        decisions = decisions.filter(countersignature__signed_at__gte=since)
    return decisions.select_related("countersignature").order_by("-signed_at", "-id").first()


def _countersignature(decision: BenefitRiskDecision) -> Any:
    try:
        return decision.countersignature
    except ObjectDoesNotExist:
        return None


# --- thaw to infusion ----------------------------------------------------------------------------


def thaw_time(order: CarTOrder, events: list[CustodyEvent] | None = None) -> dt.datetime | None:
    """When the product's thaw started (the time recorded at the "thawed" step).
    ``events``: the order's custody events when already read."""
    return custody_time(order, "thawed", events)


def custody_time(
    order: CarTOrder, kind: str, events: list[CustodyEvent] | None = None
) -> dt.datetime | None:
    """The time of the order's last custody event of ``kind`` (highest sequence), from
    ``events`` when the order's events are already read."""
    if events is not None:
        matching = [e for e in events if e.kind == kind]
        return max(matching, key=lambda e: e.sequence).at if matching else None
    event = order.custody.filter(kind=kind).order_by("-sequence").first()
    return event.at if event else None


def thaw_problem(
    order: CarTOrder,
    at: dt.datetime,
    *,
    events: list[CustodyEvent] | None = None,
    decisions_read: list[BenefitRiskDecision] | None = None,
) -> str | None:
    """A message when more than the label's thaw-to-infusion limit has passed at ``at`` and no
    benefit–risk decision signed after the thaw covers it (``events``, ``decisions_read``: the
    order's custody events and benefit–risk decisions when already read)."""
    thawed = thaw_time(order, events)
    product = catalogue.product(order.product)
    if thawed is None or product is None:
        return None
    limit = product.label.thaw_limit_minutes
    if not safety.thaw_limit_exceeded(thawed, at, limit):
        return None
    if effective_decision(order, since=thawed, decisions_read=decisions_read) is not None:
        return None
    return _(
        "Thaw-to-infusion limit exceeded: %(elapsed)s min since the thaw started at %(thawed)s, "
        "the label of %(product)s allows %(limit)s min. Do not infuse: declare the product out of "
        "specification; the treating physician may then record a benefit–risk decision."
    ) % {
        "elapsed": safety.minutes_since_thaw(thawed, at),
        "thawed": timezone.localtime(thawed).strftime("%H:%M"),
        "product": product,
        "limit": limit,
    }
