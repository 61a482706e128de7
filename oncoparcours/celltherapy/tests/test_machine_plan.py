"""EFS bookings follow the published machine plan of their centre (planning, issue 18): the
booking gets the session's time and machine (EFS grid, booking page, CAR-T order page); a
closed booking is never changed; a booking that breaks one of its rules keeps its state and the
planner is told why."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from oncoparcours.celltherapy.models import Booking, Machine
from oncoparcours.celltherapy.services import efs, machine_plan
from oncoparcours.celltherapy.services.machines import machine_link
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.pathways.models import ActivityInstance
from oncoparcours.planning import chair_services, hooks
from oncoparcours.planning.models import ChairCentre, ChairSession, Resource, hhmm
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
    """The EFS centre's machine plan; each planned machine linked to the EFS machine it is."""
    centre = ChairCentre.objects.create(
        organisation=setting.efs_centre, opens=8 * 60, closes=18 * 60, nurses=2, starts_per_slot=1
    )
    for name in names:
        resource = Resource.objects.create(centre=centre, kind="apheresis", name=name)
        machine = Machine.objects.get(centre=setting.efs_centre, name=name)
        machine_link(actor=setting.efs_staff.user, machine=machine, resource=resource)
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

    # A new request for the same session; no EFS machine is linked to the plan's machine (a
    # machine of the same name is not enough): nothing changes, the planner is told.
    again = request(
        car_t_patient, setting, haematologist, procedure="leukapheresis_cart", activity=activity
    )
    machine_link(actor=setting.efs_staff.user, machine=setting.apheresis, resource=None)
    Resource.objects.filter(centre=centre).update(name="Séparateur 9")
    published = _publish(setting, centre, activity.day)
    again.refresh_from_db()
    assert again.status == "requested" and again.starts_at is None and again.version == 1
    assert len(published.notes) == 1
    assert "Séparateur 9" in published.notes[0] and "08:00" in published.notes[0]
    assert car_t_patient.last_name not in published.notes[0]


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
    assert booking.machine.resource == moved.resource and booking.version == 3
    assert Booking.objects.filter(status="scheduled", patient=car_t_patient).count() == 1


def _placed(car_t_patient, setting, haematologist, *names):
    """A leukapheresis booking placed by a first published plan of the centre."""
    order = place_order(car_t_patient, haematologist)
    activity = _leukapheresis(order, setting)
    booking = request(
        car_t_patient, setting, haematologist, procedure="leukapheresis_cart", activity=activity
    )
    centre = _centre(setting, *names)
    first = _publish(setting, centre, activity.day)
    booking.refresh_from_db()
    assert booking.status == "scheduled" and booking.version == 2
    return booking, centre, first, activity


def test_a_renamed_machine_is_still_the_plans_machine(car_t_patient, setting, haematologist):
    order = place_order(car_t_patient, haematologist)
    activity = _leukapheresis(order, setting)
    booking = request(
        car_t_patient, setting, haematologist, procedure="leukapheresis_cart", activity=activity
    )
    centre = _centre(setting, "Séparateur 1")
    # The EFS team renames its machine, the planner names hers otherwise: the link holds.
    Machine.objects.filter(pk=setting.apheresis.pk).update(name="Spectra Optia A")
    Resource.objects.filter(centre=centre).update(name="Séparateur (plan)")
    published = _publish(setting, centre, activity.day)
    booking.refresh_from_db()
    assert booking.status == "scheduled" and booking.machine == setting.apheresis
    assert published.notes == [published.notes[0]] and published.notes[0].endswith(": 1.")


def test_a_dropped_session_puts_its_booking_back_to_schedule(
    client, car_t_patient, setting, haematologist
):
    booking, centre, first, activity = _placed(
        car_t_patient, setting, haematologist, "Séparateur 1"
    )
    session = ChairSession.objects.get(plan=first.plan, activity=activity)
    # The only separator goes out of service: the next version cannot place the session.
    Resource.objects.filter(centre=centre).update(is_active=False)
    second = _publish(setting, centre, activity.day)
    assert not ChairSession.objects.filter(plan=second.plan).exists()
    assert second.plan.unplaced.filter(activity=activity).exists()

    booking.refresh_from_db()
    assert booking.status == "requested" and booking.version == 3
    assert booking.machine is None and booking.starts_at is None and booking.ends_at is None
    event = AuditEvent.objects.filter(object_id=str(booking.pk), action="update").latest("pk")
    assert event.actor == setting.efs_staff.user and event.patient_id == car_t_patient.pk
    assert event.details["status"] == "requested"
    assert event.details["machine"] == "Séparateur 1"
    assert event.details["chair_plan"] == str(second.plan.pk)
    assert event.details["plan_version"] == 2
    assert event.details["dropped_session"] == str(session.pk)
    # The planner is told which booking (its reference, not the patient) lost its slot.
    [note] = second.notes
    assert booking.reference in note and hhmm(session.start) in note and "Séparateur 1" in note
    assert car_t_patient.last_name not in note
    # The EFS team sees it to schedule again, with its reference.
    client.force_login(setting.efs_staff.user)
    page = client.get(reverse("celltherapy:booking", args=[booking.pk])).content.decode()
    assert booking.reference in page

    # Back in service: the next version places it again.
    Resource.objects.filter(centre=centre).update(is_active=True)
    _publish(setting, centre, activity.day)
    booking.refresh_from_db()
    assert booking.status == "scheduled" and booking.machine == setting.apheresis


def test_a_booking_moved_by_hand_is_not_unscheduled_by_a_dropped_session(
    car_t_patient, setting, haematologist
):
    booking, centre, _first, activity = _placed(
        car_t_patient, setting, haematologist, "Séparateur 1"
    )
    # The EFS team moves it to the other separator by hand: it no longer follows the plan.
    efs.booking_schedule(
        booking=booking,
        actor=setting.efs_staff.user,
        machine=setting.second_apheresis,
        starts_at=booking.starts_at,
    )
    Resource.objects.filter(centre=centre).update(is_active=False)
    second = _publish(setting, centre, activity.day)
    booking.refresh_from_db()
    assert booking.status == "scheduled" and booking.machine == setting.second_apheresis
    assert booking.version == 3
    [note] = second.notes
    assert booking.reference in note and "garde son horaire" in note


def _clock(monkeypatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_a_started_or_done_session_keeps_its_booking(
    monkeypatch, car_t_patient, setting, haematologist
):
    booking, centre, _first, activity = _placed(
        car_t_patient, setting, haematologist, "Séparateur 1"
    )
    # The session's day, after its start: the session has started.
    _clock(monkeypatch, booking.starts_at + dt.timedelta(minutes=30))
    Resource.objects.filter(centre=centre).update(is_active=False)
    second = _publish(setting, centre, activity.day)
    booking.refresh_from_db()
    assert booking.status == "scheduled" and booking.version == 2
    assert booking.machine == setting.apheresis
    [note] = second.notes
    assert booking.reference in note and "a commencé" in note
    assert car_t_patient.last_name not in note

    # Done: never changed, nothing to say.
    efs.booking_close(booking=booking, actor=setting.efs_staff.user, to="done")
    booking.refresh_from_db()
    events = AuditEvent.objects.filter(object_id=str(booking.pk)).count()
    Resource.objects.filter(centre=centre).update(is_active=True)
    third = _publish(setting, centre, activity.day)  # places it again (the day is today)
    Resource.objects.filter(centre=centre).update(is_active=False)
    fourth = _publish(setting, centre, activity.day)
    after = Booking.objects.get(pk=booking.pk)
    assert after.status == "done" and after.version == booking.version
    assert after.starts_at == booking.starts_at and after.machine == setting.apheresis
    assert AuditEvent.objects.filter(object_id=str(booking.pk)).count() == events
    assert not any(booking.reference in note for note in third.notes + fourth.notes)


def test_a_closed_booking_is_refused_by_the_unschedule_service(
    car_t_patient, setting, haematologist
):
    booking, _, first, activity = _placed(car_t_patient, setting, haematologist, "Séparateur 1")
    session = ChairSession.objects.get(plan=first.plan, activity=activity)
    efs.booking_close(
        booking=booking, actor=setting.efs_staff.user, to="cancelled", reason="Reportée"
    )
    with pytest.raises(ApplicationError) as caught:
        machine_plan.booking_unschedule_from_plan(
            booking=booking, actor=setting.efs_staff.user, plan=first.plan, session=session
        )
    assert "status" in caught.value.errors
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.machine == setting.apheresis
