"""EFS bookings follow the published machine plan of their centre (planning, issue 18): the
booking gets the session's time and machine (EFS grid, booking page, CAR-T order page); a
closed booking is never changed; a booking that breaks one of its rules keeps its state and the
planner is told why."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from oncoparcours.celltherapy.models import Booking
from oncoparcours.celltherapy.services import efs
from oncoparcours.core.models import AuditEvent
from oncoparcours.pathways.models import ActivityInstance
from oncoparcours.planning import chair_services, hooks
from oncoparcours.planning.models import ChairCentre, ChairSession, Resource
from oncoparcours.testing.celltherapy import place_order

from .test_efs import request

pytestmark = pytest.mark.django_db


def _leukapheresis(order, setting) -> ActivityInstance:
    activity = ActivityInstance.objects.get(
        instance_id=order.pathway_instance_id, template_activity="leukapheresis"
    )
    activity.organisation = setting.efs_centre
    activity.day = timezone.localdate() + dt.timedelta(days=2)  # inside the wanted period
    activity.save(update_fields=["organisation", "day"])
    return activity


def _centre(setting, *names: str) -> ChairCentre:
    centre = ChairCentre.objects.create(
        organisation=setting.efs_centre, opens=8 * 60, closes=18 * 60, nurses=2, starts_per_slot=1
    )
    for name in names:
        Resource.objects.create(centre=centre, kind="apheresis", name=name)
    return centre


def _publish(setting, centre, day):
    staff = setting.efs_staff.user
    plan = chair_services.chair_plan_build(actor=staff, centre=centre, day=day)
    return chair_services.chair_plan_publish(actor=staff, plan=plan)


def test_celltherapy_listens_to_published_plans() -> None:
    assert "celltherapy.efs_bookings" in hooks.registered()


def test_a_published_plan_gives_the_booking_its_time_and_machine_and_the_pages_show_it(
    client, car_t_patient, setting, haematologist
):
    order = place_order(car_t_patient, haematologist)
    activity = _leukapheresis(order, setting)
    booking = request(
        car_t_patient,
        setting,
        haematologist,
        procedure="leukapheresis_cart",
        order=order,
        activity=activity,
    )
    centre = _centre(setting, "Séparateur 1")
    published = _publish(setting, centre, activity.day)

    session = ChairSession.objects.get(plan=published.plan, activity=activity)
    zone = zoneinfo.ZoneInfo(setting.efs_centre.time_zone)
    booking.refresh_from_db()
    assert booking.status == "scheduled" and booking.machine == setting.apheresis
    start = booking.starts_at.astimezone(zone)
    assert start.date() == activity.day
    assert start.hour * 60 + start.minute == session.start
    assert booking.ends_at - booking.starts_at == dt.timedelta(minutes=session.end - session.start)
    assert booking.version == 2
    assert len(published.notes) == 1 and published.notes[0].endswith(": 1.")
    event = AuditEvent.objects.filter(object_id=str(booking.pk), action="update").latest("pk")
    assert event.details["chair_plan"] == str(published.plan.pk)
    assert event.actor == setting.efs_staff.user
    order.refresh_from_db()
    activity.refresh_from_db()
    assert order.state == "apheresis_scheduled"
    assert activity.status == "scheduled" and activity.scheduled_for == booking.starts_at

    when = f"{start:%d/%m/%Y %H:%M}"
    client.force_login(haematologist)
    page = client.get(order.get_absolute_url()).content.decode()
    assert when in page and "Séparateur 1" in page
    client.force_login(setting.efs_staff.user)
    page = client.get(reverse("celltherapy:booking", args=[booking.pk])).content.decode()
    assert when in page and "Séparateur 1" in page
    grid = reverse("celltherapy:efs_centre_day", args=[setting.efs_centre.pk])
    page = client.get(f"{grid}?jour={activity.day:%Y-%m-%d}").content.decode()
    booked = page.split("efs-booking--scheduled", 1)[1].split("</td>", 1)[0]
    assert f"{start:%H:%M}–" in booked and str(booking.pk) in booked


def test_a_closed_booking_is_never_changed_and_a_broken_rule_is_said(
    car_t_patient, setting, haematologist
):
    order = place_order(car_t_patient, haematologist)
    activity = _leukapheresis(order, setting)
    booking = request(
        car_t_patient, setting, haematologist, procedure="leukapheresis_cart", activity=activity
    )
    efs.booking_close(booking=booking, actor=haematologist, to="cancelled", reason="Reportée")
    centre = _centre(setting, "Séparateur 1")
    _publish(setting, centre, activity.day)
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.starts_at is None and booking.version == 2

    # A new request for the same session; the plan's machine has no EFS twin: nothing changes.
    again = request(
        car_t_patient, setting, haematologist, procedure="leukapheresis_cart", activity=activity
    )
    Resource.objects.filter(centre=centre).update(name="Séparateur 9")
    published = _publish(setting, centre, activity.day)
    again.refresh_from_db()
    assert again.status == "requested" and again.starts_at is None and again.version == 1
    assert len(published.notes) == 1
    assert "Séparateur 9" in published.notes[0] and "08:00" in published.notes[0]


def test_a_booking_moved_by_a_new_version_follows_it(car_t_patient, setting, haematologist):
    order = place_order(car_t_patient, haematologist)
    activity = _leukapheresis(order, setting)
    booking = request(
        car_t_patient, setting, haematologist, procedure="leukapheresis_cart", activity=activity
    )
    centre = _centre(setting, "Séparateur 1", "Séparateur 2")
    first = _publish(setting, centre, activity.day)
    booking.refresh_from_db()
    machine = booking.machine
    # The first machine goes out of service: the re-plan moves the session to the other one.
    used = ChairSession.objects.get(plan=first.plan, activity=activity).resource
    used.is_active = False
    used.save()
    second = _publish(setting, centre, activity.day)
    booking.refresh_from_db()
    moved = ChairSession.objects.get(plan=second.plan, activity=activity)
    assert booking.machine is not None and booking.machine != machine
    assert booking.machine.name == moved.resource.name and booking.version == 3
    assert Booking.objects.filter(status="scheduled", patient=car_t_patient).count() == 1
