"""CAR-T products through FHIR (BiologicallyDerivedProduct): identified by the chain of
identity, collected from the patient at the EFS, available only between the manufacturer's
release and the infusion, cryostorage shown; the patient's care team only, reads audited."""

from __future__ import annotations

import pytest
from django.test import Client
from fhir.resources.R4B.biologicallyderivedproduct import BiologicallyDerivedProduct

from oncoparcours.core.models import AuditEvent
from oncoparcours.testing.celltherapy import order_for, walk_to

pytestmark = pytest.mark.django_db


def logged_in(professional) -> Client:
    client = Client()
    client.force_login(professional.user)
    return client


def test_stored_product_is_available_with_its_chain_of_identity(patient, clinician):
    order = walk_to(order_for(patient), "in_cryostorage")
    product = logged_in(clinician).get(f"/fhir/BiologicallyDerivedProduct/{order.pk}").json()
    BiologicallyDerivedProduct.model_validate(product)
    assert product["status"] == "available"
    assert {"system": "https://oncoparcours.fr/fhir/NamingSystem/car-t-chain-of-identity",
            "value": order.coi} in product["identifier"]  # fmt: skip
    assert product["collection"]["source"] == {"reference": f"Patient/{patient.pk}"}
    assert "collectedDateTime" in product["collection"]
    (storage,) = product["storage"]
    assert "end" not in storage["duration"]
    # The tank's alarm threshold is not the temperature the product was stored at.
    assert "temperature" not in storage
    assert product["extension"][0]["valueCoding"]["code"] == "in_cryostorage"
    assert AuditEvent.objects.filter(
        action="view", patient_id=patient.pk, object_id=str(order.pk)
    ).exists()


def test_product_not_released_is_unavailable(patient, clinician):
    order = walk_to(order_for(patient), "in_manufacturing")
    product = logged_in(clinician).get(f"/fhir/BiologicallyDerivedProduct/{order.pk}").json()
    assert product["status"] == "unavailable"
    assert "storage" not in product


def test_search_by_patient_within_the_care_team_only(patient, clinician, outsider):
    order = order_for(patient)
    found = logged_in(clinician).get(f"/fhir/BiologicallyDerivedProduct?patient={patient.pk}")
    assert [e["resource"]["id"] for e in found.json()["entry"]] == [str(order.pk)]
    stranger = logged_in(outsider)
    assert stranger.get(f"/fhir/BiologicallyDerivedProduct/{order.pk}").status_code == 404
    assert (
        stranger.get(f"/fhir/BiologicallyDerivedProduct?patient={patient.pk}").json()["total"] == 0
    )
    seen_by_outsider = AuditEvent.objects.filter(actor=outsider.user, action="view")
    assert not seen_by_outsider.exists()
