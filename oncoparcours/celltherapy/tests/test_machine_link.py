"""An EFS machine is linked to the planned machine of its centre's chair and machine plan
("planned as", issue 18): the link is kept at the same centre (service and admin name the field),
existing installs are linked by the former name rule (data migration), the EFS day grid shows it."""

import importlib

import pytest
from django.urls import reverse

from oncoparcours.celltherapy.models import Machine
from oncoparcours.celltherapy.services.machines import machine_link
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.planning.models import ChairCentre, Resource
from oncoparcours.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("oncoparcours.celltherapy.migrations.0008_machine_resource")


def _plan_centre(organisation, *names: str) -> ChairCentre:
    centre = ChairCentre.objects.create(organisation=organisation)
    for name in names:
        Resource.objects.create(centre=centre, kind="apheresis", name=name)
    return centre


def test_the_migration_links_machines_by_their_former_name_rule(setting):
    centre = _plan_centre(setting.efs_centre, " séparateur 1 ", "SÉPARATEUR 2", "Optia 7")
    other_efs = OrganisationFactory(name="EFS Autre", kind="efs_care_centre")
    elsewhere = Machine.objects.create(centre=other_efs, name="Optia 7", kind="apheresis")
    _plan_centre(other_efs)  # its plan has no "Optia 7": the one of another centre is not taken
    assert migration.link_machines_by_name(Machine, Resource) == 2

    resources = {r.name: r for r in Resource.objects.filter(centre=centre)}
    setting.apheresis.refresh_from_db()
    setting.second_apheresis.refresh_from_db()
    setting.chair.refresh_from_db()
    elsewhere.refresh_from_db()
    assert setting.apheresis.resource == resources[" séparateur 1 "]
    assert setting.second_apheresis.resource == resources["SÉPARATEUR 2"]
    assert setting.chair.resource is None and elsewhere.resource is None
    # Again: nothing more, and a link set by hand is kept.
    setting.apheresis.resource = resources["Optia 7"]
    setting.apheresis.save()
    assert migration.link_machines_by_name(Machine, Resource) == 0
    setting.apheresis.refresh_from_db()
    assert setting.apheresis.resource == resources["Optia 7"]


def test_a_link_to_another_centres_plan_is_refused_naming_the_field(setting):
    other_efs = OrganisationFactory(name="EFS Autre", kind="efs_care_centre")
    theirs = Resource.objects.get(centre=_plan_centre(other_efs, "Séparateur 1"))
    with pytest.raises(ApplicationError) as caught:
        machine_link(actor=setting.efs_staff.user, machine=setting.apheresis, resource=theirs)
    assert "resource" in caught.value.errors
    assert "EFS Autre" in caught.value.errors["resource"][0]
    setting.apheresis.refresh_from_db()
    assert setting.apheresis.resource is None


def test_a_planned_machine_is_one_efs_machine_and_links_are_audited(setting):
    ours = Resource.objects.get(centre=_plan_centre(setting.efs_centre, "Séparateur 1"))
    staff = setting.efs_staff.user
    machine_link(actor=staff, machine=setting.apheresis, resource=ours)
    with pytest.raises(ApplicationError) as caught:
        machine_link(actor=staff, machine=setting.second_apheresis, resource=ours)
    assert "resource" in caught.value.errors
    setting.second_apheresis.refresh_from_db()
    assert setting.second_apheresis.resource is None
    event = AuditEvent.objects.filter(object_id=str(setting.apheresis.pk)).latest("pk")
    assert event.actor == staff and event.details["planned_as"] == str(ours.pk)


def test_only_the_centres_staff_links_its_machines(setting, haematologist):
    ours = Resource.objects.get(centre=_plan_centre(setting.efs_centre, "Séparateur 1"))
    with pytest.raises(ApplicationError):
        machine_link(actor=haematologist, machine=setting.apheresis, resource=ours)
    setting.apheresis.refresh_from_db()
    assert setting.apheresis.resource is None


def test_the_admin_refuses_another_centres_machine(admin_client, setting):
    other_efs = OrganisationFactory(name="EFS Autre", kind="efs_care_centre")
    theirs = Resource.objects.get(centre=_plan_centre(other_efs, "Séparateur 9"))
    ours = Resource.objects.get(centre=_plan_centre(setting.efs_centre, "Séparateur A"))
    url = reverse("admin:celltherapy_machine_change", args=[setting.apheresis.pk])
    form = {
        "centre": setting.efs_centre.pk,
        "name": "Séparateur 1",
        "kind": "apheresis",
        "active": "on",
    }
    response = admin_client.post(url, {**form, "resource": theirs.pk})
    assert response.status_code == 200
    assert "EFS Autre" in response.content.decode()
    setting.apheresis.refresh_from_db()
    assert setting.apheresis.resource is None
    response = admin_client.post(url, {**form, "resource": ours.pk})
    assert response.status_code == 302
    setting.apheresis.refresh_from_db()
    assert setting.apheresis.resource == ours


def test_the_day_grid_shows_the_planned_machine(client, setting):
    ours = Resource.objects.get(centre=_plan_centre(setting.efs_centre, "Optia (plan)"))
    machine_link(actor=setting.efs_staff.user, machine=setting.apheresis, resource=ours)
    client.force_login(setting.efs_staff.user)
    page = client.get(reverse("celltherapy:efs_centre_day", args=[setting.efs_centre.pk]))
    row = page.content.decode().split("Séparateur 1", 1)[1].split("</th>", 1)[0]
    assert "Optia (plan)" in row
