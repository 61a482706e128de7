"""Patient timeline entries from cell therapy: the CAR-T infusion, the benefit–risk decision that
accepted an out-of-specification product, and the tocilizumab and corticosteroid administrations
of the CRS/ICANS episode (a wrong entry marked as entered in error is left out)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from oncoparcours.core.choices import label
from oncoparcours.directory.models import full_name
from oncoparcours.patients.models import Patient
from oncoparcours.patients.timeline import TimelineEntry

from .models import BenefitRiskCountersignature, CustodyEvent, EpisodeTreatment
from .record import patient_orders


def car_t_events(patient: Patient) -> Iterable[TimelineEntry]:
    """One query for a patient without a CAR-T order, four otherwise. The custody events,
    signatures and treatments are read as plain values (issue 19: their model instances, with
    the decision's physician and the pharmacist joined, cost the record ~2 ms)."""
    orders = {order.pk: order for order in patient_orders(patient)}
    if not orders:
        return
    urls = {pk: order.get_absolute_url() for pk, order in orders.items()}
    for at, order_id, actor_label in (
        CustodyEvent.objects.filter(order__in=orders, kind="infused")
        .order_by("-at")
        .values_list("at", "order_id", "actor_label")[:5]
    ):
        yield TimelineEntry(
            at,
            "car_t",
            _("CAR-T cells infused"),
            f"{orders[order_id].coi} — {actor_label}",
            urls[order_id],
        )
    for signed_at, order_id, *names in (
        BenefitRiskCountersignature.objects.filter(decision__order__in=orders)
        .order_by("-signed_at")
        .values_list(
            "signed_at",
            "decision__order_id",
            "decision__physician__first_name",
            "decision__physician__last_name",
            "pharmacist__first_name",
            "pharmacist__last_name",
        )[:5]
    ):
        physician, pharmacist = full_name(*names[:2]), full_name(*names[2:])
        yield TimelineEntry(
            signed_at,
            "car_t",
            _("Out-of-specification product accepted (benefit–risk decision)"),
            f"{orders[order_id].coi} — {physician} / {pharmacist}",
            urls[order_id] + "#benefit-risk",
        )
    treatments = (
        EpisodeTreatment.objects.filter(
            order__in=orders, entered_in_error=False, corrected_by__isnull=True
        )
        .order_by("-given_at")
        .values_list(
            "given_at", "order_id", "drug", "dose", "unit", "route", "indication", "grade",
            "given_by_label",
        )[:30]
    )  # fmt: skip
    for given_at, order_id, drug, dose, unit, route, indication, grade, given_by in treatments:
        yield TimelineEntry(
            given_at,
            "car_t_treatment",
            _("%(drug)s %(dose)s %(unit)s (%(route)s)")
            % {
                "drug": label(EpisodeTreatment, "drug", drug),
                "dose": f"{dose.normalize():f}",
                "unit": unit,
                "route": label(EpisodeTreatment, "route", route).lower(),
            },
            _("%(indication)s grade %(grade)s — %(who)s")
            % {
                "indication": label(EpisodeTreatment, "indication", indication),
                "grade": grade,
                "who": given_by,
            },
            urls[order_id] + "#episode",
        )
