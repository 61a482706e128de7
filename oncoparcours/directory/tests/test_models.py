import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from oncoparcours.directory.models import Capability, Professional
from oncoparcours.testing.factories import OrganisationFactory, valid_rpps


@pytest.mark.django_db
def test_car_t_qualification_needs_its_issuer_and_jacie_its_expiry():
    pharmacy = OrganisationFactory(kind="pui")
    capability = Capability(
        organisation=pharmacy, kind="car_t_qualified_pui", valid_from=dt.date(2024, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        capability.full_clean()
    assert "issuer" in error.value.message_dict
    jacie = Capability(organisation=pharmacy, kind="jacie", valid_from=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        jacie.full_clean()
    assert "valid_until" in error.value.message_dict


@pytest.mark.django_db
def test_expiry_status_warns_90_days_ahead_without_a_cycle():
    centre = OrganisationFactory(kind="chu")
    today = timezone.localdate()

    def authorisation(days: int) -> Capability:
        return Capability.objects.create(
            organisation=centre,
            kind="cancer_treatment",
            activity="systemic_treatment",
            valid_from=today - dt.timedelta(days=800),
            valid_until=today + dt.timedelta(days=days),
        )

    assert [authorisation(d).expiry_status for d in (30, 90, 91, -1)] == [
        "expiring",
        "expiring",
        "valid",
        "expired",
    ]


@pytest.mark.django_db
def test_jacie_follows_its_4_year_cycle():
    centre = OrganisationFactory(kind="efs_care_centre")
    start = dt.date(2024, 1, 10)
    four_years = Capability(
        organisation=centre, kind="jacie", valid_from=start, valid_until=dt.date(2028, 1, 10)
    )
    four_years.full_clean()
    longer = Capability(
        organisation=centre, kind="jacie", valid_from=start, valid_until=dt.date(2028, 1, 11)
    )
    with pytest.raises(ValidationError) as error:
        longer.full_clean()
    assert "48" in error.value.message_dict["valid_until"][0]
    four_years.interim_audit_on = dt.date(2023, 12, 1)
    with pytest.raises(ValidationError) as error:
        four_years.full_clean()
    assert "interim_audit_on" in error.value.message_dict
    other = Capability(
        organisation=centre,
        kind="apheresis_machines",
        quantity=3,
        valid_from=start,
        interim_audit_on=dt.date(2026, 1, 10),
    )
    with pytest.raises(ValidationError) as error:
        other.full_clean()
    assert "interim_audit_on" in error.value.message_dict


@pytest.mark.django_db
def test_jacie_renewal_is_announced_a_year_ahead():
    centre = OrganisationFactory(kind="efs_care_centre")
    today = timezone.localdate()
    capability = Capability.objects.create(
        organisation=centre,
        kind="jacie",
        valid_from=today - dt.timedelta(days=1100),
        valid_until=today + dt.timedelta(days=300),
        interim_audit_on=today - dt.timedelta(days=370),
    )
    assert capability.expiry_status == "expiring"
    assert [a.code for a in capability.cycle_alerts] == ["renewal_due"]


@pytest.mark.django_db
def test_overseas_organisation_gets_its_time_zone_and_region():
    centre = OrganisationFactory(departement="972", finess=None, kind="city_practice")
    assert (centre.region, centre.time_zone) == ("02", "America/Martinique")


@pytest.mark.django_db
def test_a_nurse_cannot_have_a_physician_specialty():
    nurse = Professional(
        rpps=valid_rpps(),
        last_name="A",
        first_name="B",
        profession="nurse",
        specialty="medical_oncology",
    )
    with pytest.raises(ValidationError) as error:
        nurse.full_clean(exclude=["user"])
    assert "specialty" in error.value.message_dict


@pytest.mark.django_db
def test_car_t_qualifications_name_the_products_they_cover():
    hospital = OrganisationFactory(kind="chu")
    ward = Capability(
        organisation=hospital,
        kind="car_t_qualified_ward",
        valid_from=dt.date(2024, 1, 1),
        issuer_name="ARS Centre-Val de Loire",
    )
    with pytest.raises(ValidationError) as error:
        ward.full_clean()
    assert "products" in error.value.message_dict
    ward.products = ["tisagenlecleucel", "axicabtagene_ciloleucel"]
    ward.full_clean()
    with translation.override("fr"):  # the French INN, with its accents
        assert ward.products_label == "tisagenlécleucel, axicabtagène ciloleucel"
    with translation.override("en"):
        assert ward.products_label == "tisagenlecleucel, axicabtagene ciloleucel"
    beds = Capability(
        organisation=hospital,
        kind="icu_beds",
        quantity=8,
        valid_from=dt.date(2024, 1, 1),
        products=["tisagenlecleucel"],
    )
    with pytest.raises(ValidationError) as error:
        beds.full_clean()
    assert "products" in error.value.message_dict
