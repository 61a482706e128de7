"""An order's history reads in the order things happened: each status is dated at the custody event
that caused it (a step recorded afterwards keeps its real time), the thaw countdown stops at the
infusion, and the order list puts the most recent activity first with that event in words."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from oncoparcours.celltherapy.services.bedside import bedside_confirm
from oncoparcours.celltherapy.services.custody import CustodyDetails
from oncoparcours.core.errors import ApplicationError
from oncoparcours.testing.celltherapy import (
    advance,
    place_order,
    reserve_tocilizumab,
    walk_to,
)
from oncoparcours.testing.factories import CareTeamMemberFactory, PatientFactory

pytestmark = pytest.mark.django_db


def shown(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def test_a_step_recorded_afterwards_is_dated_when_it_happened(
    car_t_patient, setting, haematologist
):
    order = place_order(car_t_patient, haematologist)
    start = timezone.now() - dt.timedelta(days=3)
    order = walk_to(order, "shipped_to_manufacturer", start=start)
    history = list(order.transitions.order_by("id"))
    events = {e.kind: e.at for e in order.custody.all()}
    # The scheduling (no custody event) at the time given, the physical steps at their event.
    assert [t.at for t in history] == [
        start,
        events["collected"],
        events["shipped"],
    ]
    assert [t.at for t in history] == sorted(t.at for t in history)
    page = walk_page(setting, order).split('id="h-history"')[1]
    placed = page.index("Commande passée (qualifiée)")
    steps = [page.index(shown(t.at) + "</time>") for t in history]
    assert placed < steps[0] < steps[1] < steps[2]


def walk_page(setting, order):
    from django.test import Client

    client = Client()
    client.force_login(setting.pharmacist.user)
    return client.get(order.get_absolute_url()).content.decode()


def test_a_step_cannot_be_dated_in_the_future_nor_before_the_previous_one(
    car_t_patient, setting, haematologist
):
    order = place_order(car_t_patient, haematologist)
    efs = setting.efs_staff.user
    with pytest.raises(ApplicationError) as caught:
        advance(
            order,
            "apheresis_scheduled",
            efs,
            custody=CustodyDetails(at=timezone.now() + dt.timedelta(hours=2)),
        )
    assert caught.value.field == "at"
    order = walk_to(order, "collected")
    with pytest.raises(ApplicationError) as caught:
        advance(
            order,
            "cancelled",
            haematologist,
            reason="Patient non éligible",
            custody=CustodyDetails(at=timezone.now() - dt.timedelta(days=2)),
        )
    assert caught.value.field == "at"
    order.refresh_from_db()
    assert order.state == "collected"


def test_the_thaw_countdown_stops_at_the_infusion(client, car_t_patient, setting, haematologist):
    order = walk_to(place_order(car_t_patient, haematologist), "thawed")
    client.force_login(haematologist)
    thawed = client.get(order.get_absolute_url()).content.decode()
    banner = thawed.split('id="thaw"')[1].split("</div>")[0]
    assert "perfuser avant" in banner and "min écoulées" in banner
    for actor in (setting.nurse.user, haematologist):
        bedside_confirm(order=order, actor=actor, identity_confirmed=True, scanned_coi=order.coi)
    reserve_tocilizumab(order)
    order = advance(order, "infused", haematologist)
    infused_at = order.custody.get(kind="infused").at
    page = client.get(order.get_absolute_url()).content.decode()
    banner = page.split('id="thaw"')[1].split("</div>")[0]
    day = timezone.localtime(infused_at).strftime("%d/%m/%Y")
    assert f"Perfusé le {day}" in banner
    assert "perfuser avant" not in banner and "écoulées" not in banner


def test_the_order_list_shows_the_most_recent_activity_first_with_the_last_event(
    clinician_client, clinician, setting, haematologist
):
    def order_for_new_patient():
        patient = PatientFactory()
        CareTeamMemberFactory(patient=patient, professional=clinician, is_lead=True)
        return place_order(patient, haematologist)

    # Placed first, but its collection is recorded today; the other's steps are two days old.
    recent = order_for_new_patient()
    older = walk_to(
        order_for_new_patient(), "collected", start=timezone.now() - dt.timedelta(days=2)
    )
    recent = walk_to(recent, "collected")
    untouched = order_for_new_patient()
    body = clinician_client.get(reverse("celltherapy:orders")).content.decode()
    rows = [body.index(o.coi) for o in (untouched, recent, older)]
    assert rows == sorted(rows)
    older_row = body[rows[2] :].split("</tr>")[0]
    collected = older.transitions.get(to_state="collected").at
    assert "Cellules prélevées" in older_row and shown(collected) in older_row
    assert "Commande passée" in body[rows[0] :].split("</tr>")[0]
