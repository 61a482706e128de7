"""Placing CAR-T orders and moving them along the lifecycle: roles, refusals, custody events,
cryostorage, the pathway following the order."""

import datetime as dt

import pytest
from django.utils import timezone

from oncoparcours.celltherapy.models import CarTOrder, CustodyEvent, OrderTransition, Storage
from oncoparcours.celltherapy.rules.identifiers import coi_problem, mod37_2
from oncoparcours.celltherapy.services.custody import CustodyDetails, custody_verify
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.patients.models import CareTeamMember
from oncoparcours.testing.celltherapy import ALL_CHECKED, advance, place_order, walk_to

pytestmark = pytest.mark.django_db


def test_an_order_gets_a_valid_coi_and_brings_the_pharmacy_and_efs_into_the_care_team(
    car_t_patient, setting, haematologist
):
    order = place_order(car_t_patient, haematologist)
    assert order.state == "qualified"
    assert order.manufacturer == "Novartis"
    assert coi_problem(order.coi) is None and order.coi.startswith("COI-TIS-")
    team = set(
        CareTeamMember.objects.filter(patient=car_t_patient).values_list("professional", "role")
    )
    assert (setting.pharmacist.pk, "pharmacist") in team
    assert (setting.efs_staff.pk, "efs_physician") in team
    assert AuditEvent.objects.filter(object_id=str(order.pk), action="create").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"product": "unknown_product"}, "product"),
        ({"eligibility": {**ALL_CHECKED, "consent": False}}, "eligibility"),
        ({"din": "A999926123456 00 X"}, "din"),
        ({"din": "A9999261234560"}, "din"),
        ({"manufacturer_reference": " "}, "manufacturer_reference"),
        ({"coi": "bad coi!"}, "coi"),
    ],
)
def test_bad_orders_name_the_field_and_save_nothing(car_t_patient, haematologist, overrides, field):
    with pytest.raises(ApplicationError) as caught:
        place_order(car_t_patient, haematologist, **overrides)
    assert field in caught.value.errors
    assert CarTOrder.objects.count() == 0


def test_a_valid_din_is_accepted_and_a_duplicate_coi_refused(car_t_patient, haematologist):
    body = "A9999" + "26" + "123456"
    din = f"{body}00{mod37_2(body)}"
    first = place_order(car_t_patient, haematologist, din=din, coi="COI-MANUF-0001")
    assert first.din == din
    with pytest.raises(ApplicationError) as caught:
        place_order(car_t_patient, haematologist, coi="coi-manuf-0001")
    assert "coi" in caught.value.errors
    assert CarTOrder.objects.count() == 1


def test_only_a_physician_orders(car_t_patient, setting):
    with pytest.raises(ApplicationError):
        place_order(car_t_patient, setting.pharmacist.user)


def test_an_illegal_transition_is_refused_with_the_allowed_next_steps(
    car_t_patient, setting, haematologist
):
    order = place_order(car_t_patient, haematologist)
    with pytest.raises(ApplicationError) as caught:
        advance(order, "received_at_pui", setting.pharmacist.user)
    assert caught.value.allowed == ["apheresis_scheduled", "cancelled"]
    order.refresh_from_db()
    assert order.state == "qualified" and order.version == 1
    assert not OrderTransition.objects.exists()


def test_each_step_is_for_its_team(car_t_patient, setting, haematologist):
    order = walk_to(place_order(car_t_patient, haematologist), "shipped_to_site")
    with pytest.raises(ApplicationError, match="pharmac"):
        advance(order, "received_at_pui", setting.efs_staff.user)
    assert advance(order, "received_at_pui", setting.pharmacist.user).state == "received_at_pui"


def test_the_whole_lifecycle_leaves_an_intact_chain_and_frees_the_position(
    car_t_patient, setting, haematologist
):
    order = walk_to(place_order(car_t_patient, haematologist), "in_cryostorage")
    stored = Storage.objects.get(order=order, released_at__isnull=True)
    assert (stored.tank, stored.position) == (setting.tank, "R1-01")
    order = walk_to(order, "thawed")
    assert not Storage.objects.filter(order=order, released_at__isnull=True).exists()
    kinds = list(CustodyEvent.objects.filter(order=order).values_list("kind", "holder"))
    assert kinds[0] == ("collected", "EFS Test")
    assert ("received", "PUI CHU Test") in kinds
    assert kinds[-1] == ("thawed", "CHU Test CAR-T")
    assert custody_verify(order) == []


def test_occupied_position_is_refused_and_nothing_changes(car_t_patient, setting, haematologist):
    first = walk_to(place_order(car_t_patient, haematologist), "in_cryostorage")
    second = walk_to(place_order(car_t_patient, haematologist), "received_at_pui")
    events = CustodyEvent.objects.filter(order=second).count()
    with pytest.raises(ApplicationError) as caught:
        advance(
            second, "in_cryostorage", setting.pharmacist.user, tank=setting.tank, position="R1-01"
        )
    assert "position" in caught.value.errors and first.coi in caught.value.message
    second.refresh_from_db()
    assert second.state == "received_at_pui"
    assert CustodyEvent.objects.filter(order=second).count() == events
    assert (
        advance(
            second, "in_cryostorage", setting.pharmacist.user, tank=setting.tank, position="r1-02"
        ).state
        == "in_cryostorage"
    )


def test_out_of_specification_needs_a_reason_and_closes_the_chain(
    car_t_patient, setting, haematologist
):
    order = walk_to(place_order(car_t_patient, haematologist), "in_manufacturing")
    with pytest.raises(ApplicationError) as caught:
        advance(order, "out_of_specification", haematologist)
    assert "reason" in caught.value.errors
    order = advance(order, "out_of_specification", haematologist, reason="Viabilité 62 % (< 80 %)")
    assert order.state == "out_of_specification"
    assert CustodyEvent.objects.filter(order=order).last().kind == "quarantined"
    with pytest.raises(ApplicationError):
        advance(order, "released", setting.pharmacist.user)


def test_temperatures_out_of_physical_range_are_refused(car_t_patient, setting, haematologist):
    order = walk_to(place_order(car_t_patient, haematologist), "apheresis_scheduled")
    with pytest.raises(ApplicationError) as caught:
        advance(
            order, "collected", setting.efs_staff.user, custody=CustodyDetails(temperature_c=-300.0)
        )
    assert "temperature_c" in caught.value.errors
    order.refresh_from_db()
    assert order.state == "apheresis_scheduled" and not CustodyEvent.objects.exists()


def test_a_step_dated_before_the_previous_event_is_refused(car_t_patient, setting, haematologist):
    order = walk_to(place_order(car_t_patient, haematologist), "collected")
    earlier = timezone.now() - dt.timedelta(days=2)
    with pytest.raises(ApplicationError) as caught:
        advance(
            order,
            "shipped_to_manufacturer",
            setting.efs_staff.user,
            custody=CustodyDetails(at=earlier),
        )
    assert "at" in caught.value.errors


def test_a_stale_form_is_refused(car_t_patient, setting, haematologist):
    order = place_order(car_t_patient, haematologist)
    advance(order, "apheresis_scheduled", setting.efs_staff.user)
    with pytest.raises(ApplicationError, match="entre-temps"):
        advance(order, "cancelled", haematologist, reason="x", expected_version=1)


def test_the_car_t_pathway_follows_the_order(car_t_patient, setting, haematologist):
    from oncoparcours.pathways.models import ActivityInstance, PathwayTemplate
    from oncoparcours.pathways.services import pathway_apply

    instance = pathway_apply(
        template=PathwayTemplate.objects.get(code="car-t"),
        patient=car_t_patient,
        start=timezone.localdate(),
        parameters={"product": "tisagenlecleucel"},
        actor=haematologist,
    )
    for key in ("rcp-qualification", "eligibility-checklist", "pre-apheresis-lab"):
        activity = ActivityInstance.objects.get(instance=instance, template_activity=key)
        from oncoparcours.pathways.services.activities import activity_transition

        activity_transition(activity=activity, to="done", actor=haematologist)
    order = place_order(car_t_patient, haematologist)
    assert order.pathway_instance == instance
    walk_to(order, "collected")
    statuses = dict(
        ActivityInstance.objects.filter(instance=instance).values_list(
            "template_activity", "status"
        )
    )
    assert statuses["manufacturing-slot"] == "done"
    assert statuses["leukapheresis"] == "done"
    assert statuses["car-t-infusion"] == "planned"
