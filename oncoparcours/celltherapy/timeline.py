"""Patient timeline entries from cell therapy: the CAR-T infusion, the benefit–risk decision that
accepted an out-of-specification product, and the tocilizumab and corticosteroid administrations
of the CRS/ICANS episode (a wrong entry marked as entered in error is left out)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from oncoparcours.patients.models import Patient
from oncoparcours.patients.timeline import TimelineEntry

from .models import BenefitRiskCountersignature, CustodyEvent, EpisodeTreatment
from .record import patient_orders


def car_t_events(patient: Patient) -> Iterable[TimelineEntry]:
    """One query for a patient without a CAR-T order, four otherwise."""
    orders = {order.pk: order for order in patient_orders(patient)}
    if not orders:
        return
    for event in CustodyEvent.objects.filter(order__in=orders, kind="infused").order_by("-at")[:5]:
        order = orders[event.order_id]
        yield TimelineEntry(
            event.at,
            "car_t",
            _("CAR-T cells infused"),
            f"{order.coi} — {event.actor_label}",
            order.get_absolute_url(),
        )
    for signature in (
        BenefitRiskCountersignature.objects.filter(decision__order__in=orders)
        .select_related("decision__physician", "pharmacist")
        .order_by("-signed_at")[:5]
    ):
        decision = signature.decision
        order = orders[decision.order_id]
        yield TimelineEntry(
            signature.signed_at,
            "car_t",
            _("Out-of-specification product accepted (benefit–risk decision)"),
            f"{order.coi} — {decision.physician} / {signature.pharmacist}",
            order.get_absolute_url() + "#benefit-risk",
        )
    treatments = EpisodeTreatment.objects.filter(
        order__in=orders, entered_in_error=False, corrected_by__isnull=True
    ).order_by("-given_at")[:30]
    for treatment in treatments:
        yield TimelineEntry(
            treatment.given_at,
            "car_t_treatment",
            _("%(drug)s %(dose)s %(unit)s (%(route)s)")
            % {
                "drug": treatment.get_drug_display(),
                "dose": f"{treatment.dose.normalize():f}",
                "unit": treatment.unit,
                "route": treatment.get_route_display().lower(),
            },
            _("%(indication)s grade %(grade)s — %(who)s")
            % {
                "indication": treatment.get_indication_display(),
                "grade": treatment.grade,
                "who": treatment.given_by_label,
            },
            orders[treatment.order_id].get_absolute_url() + "#episode",
        )
