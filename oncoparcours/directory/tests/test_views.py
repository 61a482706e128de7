import pytest
from django.urls import reverse

from oncoparcours.directory.models import Network, NetworkMembership
from oncoparcours.testing.factories import OrganisationFactory, ProfessionalFactory


def test_directory_pages_render(clinician_client, organisation):
    network = Network.objects.get(code="FEM-NET")
    NetworkMembership.objects.create(network=network, organisation=organisation, role="pilot")
    for url in [
        reverse("directory:organisations"),
        reverse("directory:organisation", args=[organisation.pk]),
        reverse("directory:networks"),
        reverse("directory:network", args=["FEM-NET"]),
        reverse("directory:professionals"),
    ]:
        assert clinician_client.get(url).status_code == 200
    page = clinician_client.get(reverse("directory:network", args=["FEM-NET"])).content.decode()
    assert "<svg" in page and "site--pilot" in page and organisation.name in page
    # the provenance in words: the public source and the referential's month, no internal code
    network.source = "INCa, Réseaux d'excellence clinique (mis à jour nov. 2024), seed 003"
    network.data_version = "networks-2026-12.1"
    network.save()
    page = clinician_client.get(reverse("directory:network", args=["FEM-NET"])).content.decode()
    assert "(référentiel des réseaux de décembre 2026)" in page
    visible = page.replace('title="networks-2026-12.1"', "")
    assert "seed 003" not in visible and "networks-2026-12.1" not in visible


@pytest.mark.parametrize("count", [5, 60])
def test_organisation_and_professional_lists_have_constant_query_counts(
    count, clinician_client, django_assert_max_num_queries
):
    for _ in range(count):
        ProfessionalFactory(organisation=OrganisationFactory())
    with django_assert_max_num_queries(8):
        assert clinician_client.get(reverse("directory:organisations")).status_code == 200
    with django_assert_max_num_queries(8):
        assert clinician_client.get(reverse("directory:professionals")).status_code == 200


def test_network_map_query_count_is_constant(clinician_client, django_assert_max_num_queries):
    network = Network.objects.get(code="RECAP")
    for _ in range(30):
        NetworkMembership.objects.create(
            network=network, organisation=OrganisationFactory(), role="expert"
        )
    with django_assert_max_num_queries(6):
        assert clinician_client.get(reverse("directory:network", args=["RECAP"])).status_code == 200


def test_import_page_is_reserved_to_managers(clinician_client, clinician):
    assert clinician_client.get(reverse("directory:import")).status_code == 403
    clinician.user.role = "centre_manager"
    clinician.user.save()
    assert clinician_client.get(reverse("directory:import")).status_code == 200


def test_import_page_shows_line_errors_and_imports_nothing(clinician_client, clinician):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from oncoparcours.directory.models import Organisation

    clinician.user.role = "administrator"
    clinician.user.save()
    before = Organisation.objects.count()
    upload = SimpleUploadedFile("orgs.csv", b"finess,name,kind,departement\n123,X,chu,69\n")
    response = clinician_client.post(
        reverse("directory:import"), {"kind": "organisations", "file": upload}
    )
    assert response.status_code == 400
    assert Organisation.objects.count() == before
    body = response.content.decode()
    assert "<td>2</td><td>finess</td>" in body


def test_svg_coordinates_are_not_localised_in_french(clinician_client, organisation):
    import re

    network = Network.objects.get(code="GLIOREC")
    organisation.latitude, organisation.longitude = 45.7512, 4.8333
    organisation.save()
    NetworkMembership.objects.create(network=network, organisation=organisation, role="expert")
    page = clinician_client.get(reverse("directory:network", args=["GLIOREC"])).content.decode()
    assert re.search(r'cx="\d+\.\d"', page)
    assert not re.search(r'(cx|cy)="\d+,\d', page)


def test_a_regional_network_counts_its_member_organisations_not_expert_centres(client, db):
    """ "ONCO-AURA — 0 centre expert" was shown: a regional network (DSRC) has members."""
    from oncoparcours.testing.factories import UserFactory

    network = Network.objects.get(code="ONCO-AURA")
    for _ in range(2):
        NetworkMembership.objects.create(
            network=network, organisation=OrganisationFactory(), role="member"
        )
    client.force_login(UserFactory(role="ars_evaluator"))
    home = client.get(reverse("core:home")).content.decode()
    line = home.split(">ONCO-AURA</a>")[1].split("</li>")[0]
    assert "2 établissements membres" in line and "centre expert" not in line
    assert "centres experts" in home.split(">FEM-NET</a>")[1].split("</li>")[0] or (
        "centre expert" in home.split(">FEM-NET</a>")[1].split("</li>")[0]
    )
