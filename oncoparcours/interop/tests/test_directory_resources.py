"""The directory through FHIR: Practitioner by RPPS, Organization by FINESS with its parent,
PractitionerRole linking them; French labels; scopes apply to systems."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole

from oncoparcours.directory.models import OrganisationMembership
from oncoparcours.testing.factories import OrganisationFactory, ProfessionalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    client = Client()
    client.force_login(ProfessionalFactory().user)
    return client


def test_practitioner_found_by_rpps(staff):
    doctor = ProfessionalFactory(last_name="Vasseur", first_name="Hélène")
    bundle = staff.get(f"/fhir/Practitioner?identifier=urn:oid:1.2.250.1.71.4.2.1|{doctor.rpps}")
    resource = bundle.json()["entry"][0]["resource"]
    Practitioner.model_validate(resource)
    assert resource["name"] == [{"family": "Vasseur", "given": ["Hélène"]}]
    assert resource["identifier"][0]["value"] == doctor.rpps
    assert "Médecin" in resource["qualification"][0]["code"]["text"]
    assert staff.get("/fhir/Practitioner?family=vass").json()["total"] == 1


def test_organization_with_its_parent_and_roles(staff):
    parent = OrganisationFactory(name="Hospices civils de Lyon")
    site = OrganisationFactory(name="Hôpital Lyon Sud", parent=parent)
    doctor = ProfessionalFactory()
    role = OrganisationMembership.objects.create(
        professional=doctor, organisation=site, function="Oncologue", start=dt.date(2024, 1, 1)
    )
    resource = staff.get(f"/fhir/Organization/{site.pk}").json()
    Organization.model_validate(resource)
    assert resource["identifier"][0] == {
        "system": "urn:oid:1.2.250.1.71.4.2.2",
        "value": site.finess,
    }
    assert resource["partOf"] == {"reference": f"Organization/{parent.pk}"}
    assert resource["type"][0]["text"] == "Centre hospitalier universitaire (CHU/CHRU)"
    children = staff.get(f"/fhir/Organization?partof=Organization/{parent.pk}").json()
    assert [e["resource"]["name"] for e in children["entry"]] == ["Hôpital Lyon Sud"]
    roles = staff.get(f"/fhir/PractitionerRole?organization={site.pk}").json()
    found = roles["entry"][0]["resource"]
    PractitionerRole.model_validate(found)
    assert found["id"] == str(role.pk) and found["active"] is True
    assert found["practitioner"] == {"reference": f"Practitioner/{doctor.pk}"}


def test_bad_identifier_system_is_refused_by_name(staff):
    answer = staff.get("/fhir/Organization?identifier=urn:oid:1.2.250.1.71.4.2.1|123").json()
    assert answer["issue"][0]["expression"] == ["identifier"]
    assert staff.get("/fhir/Practitioner/not-a-uuid").status_code == 404
