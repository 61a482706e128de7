"""A CAR-T product as FHIR BiologicallyDerivedProduct: chain-of-identity and donation numbers,
the apheresis (collection from the patient, at the EFS centre), manufacturing, cryostorage
periods; available only from the manufacturer's release until infusion. Patient data: read and
searched within the reader's care teams, audited per patient like every record resource."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from oncoparcours.celltherapy.models import CarTOrder, CustodyKind, OrderState

from . import systems
from .builders import own_identifier, validated
from .readers import Reader
from .selectors import Page, _audit_reads, _id_and_patient, _row_read, page_of

PRODUCT_PARAMETERS = ("_id", "patient")
MANUFACTURED_BY = _("CAR-T cells manufactured by %(manufacturer)s")

# From the manufacturer's release until it is infused, the product exists and may be given.
AVAILABLE_STATES = {
    OrderState.RELEASED,
    OrderState.SHIPPED_TO_SITE,
    OrderState.RECEIVED_AT_PUI,
    OrderState.IN_CRYOSTORAGE,
    OrderState.DISPENSED,
    OrderState.THAWED,
}


def _french(label: Any) -> str:
    with translation.override("fr"):
        return str(label)


def _manufactured_by(manufacturer: str) -> str:
    with translation.override("fr"):
        return str(MANUFACTURED_BY) % {"manufacturer": manufacturer}


def _collection(order: CarTOrder) -> dict[str, Any]:
    collection: dict[str, Any] = {
        "source": {"reference": f"Patient/{order.patient_id}"},
        "collector": {"display": order.efs_centre.name},
    }
    collected = [event for event in order.custody.all() if event.kind == CustodyKind.COLLECTED]
    if collected:
        collection["collectedDateTime"] = collected[0].at.isoformat()
    return collection


def _storage(order: CarTOrder) -> list[dict[str, Any]]:
    periods = []
    for stored in order.storages.all():
        period = {"start": stored.stored_at.isoformat()}
        if stored.released_at:
            period["end"] = stored.released_at.isoformat()
        # No ``temperature``: the tank records its alarm threshold, not the temperature the
        # product was kept at, and FHIR's element is the storage temperature.
        periods.append({"description": f"{stored.tank.name} {stored.position}", "duration": period})
    return periods


def product_resource(order: CarTOrder) -> dict[str, Any]:
    identifiers = [own_identifier(order.pk), {"system": systems.OWN_COI, "value": order.coi}]
    if order.din:
        identifiers.append({"system": systems.ISBT128_DIN, "value": order.din})
    resource: dict[str, Any] = {
        "resourceType": "BiologicallyDerivedProduct",
        "id": str(order.pk),
        "extension": [
            {
                "url": systems.OWN_CAR_T_STATE,
                "valueCoding": {
                    "system": systems.OWN_CAR_T_STATE_CODES,
                    "code": order.state,
                    "display": _french(OrderState(order.state).label),
                },
            }
        ],
        "identifier": identifiers,
        "productCategory": "cells",
        "productCode": {"text": order.product},
        "status": "available" if order.state in AVAILABLE_STATES else "unavailable",
        "quantity": 1,
        "collection": _collection(order),
        "processing": [
            {"description": _manufactured_by(order.manufacturer)},
        ],
    }
    storage = _storage(order)
    if storage:
        resource["storage"] = storage
    return validated(resource)


def _orders() -> QuerySet[CarTOrder]:
    return CarTOrder.objects.select_related("efs_centre").prefetch_related(
        "custody", "storages__tank"
    )


def product_search(
    *, reader: Reader, params: Mapping[str, list[str]], count: int, page: int
) -> Page:
    queryset = (
        _orders()
        .filter(reader.patient_filter())
        .filter(_id_and_patient(params))
        .order_by("patient_id", "-created_at", "pk")
    )
    found = page_of(queryset, count, page)
    _audit_reads(
        reader, {o.patient_id for o in found.rows}, "FHIR BiologicallyDerivedProduct search"
    )
    return found


def product_read(*, reader: Reader, product_id: str) -> CarTOrder | None:
    found: CarTOrder | None = _row_read(
        _orders(), reader, product_id, "FHIR BiologicallyDerivedProduct"
    )
    return found
