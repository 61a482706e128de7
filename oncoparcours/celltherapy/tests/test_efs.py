"""EFS care centres: referral, scheduling with opening hours, no double booking of a machine,
staff on duty, machine kinds; the CAR-T order and pathway follow; beds for the monitoring
window."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from oncoparcours.celltherapy.efs_selectors import day_grid, free_slots, infusion_bed_warning
from oncoparcours.celltherapy.models import BedStay, BedUnit, Booking
from oncoparcours.celltherapy.services import efs
from oncoparcours.core.errors import ApplicationError
from oncoparcours.testing.celltherapy import in_hours, place_order
from oncoparcours.testing.factories import PatientFactory

pytestmark = pytest.mark.django_db


def request(patient, setting, actor, procedure="plasma_exchange", **extra):
    if procedure == "phlebotomy" and "haemoglobin_g_dl" not in extra:
        extra.update(haemoglobin_g_dl=Decimal("13.2"), haemoglobin_on=timezone.localdate())
    today = timezone.localdate()
    return efs.booking_request(
        actor=actor,
        data=efs.BookingRequest(
            patient=patient,
            centre=setting.efs_centre,
            procedure=procedure,
            wanted_from=today,
            wanted_until=today + dt.timedelta(days=14),
            **extra,
        ),
    )


def test_a_request_brings_the_centre_staff_into_the_care_team(
    car_t_patient, setting, haematologist
):
    booking = request(car_t_patient, setting, haematologist)
    assert booking.status == "requested"
    assert car_t_patient.care_team.filter(professional=setting.efs_staff).exists()


def test_bad_requests_are_refused(car_t_patient, setting, haematologist):
    today = timezone.localdate()
    with pytest.raises(ApplicationError) as caught:
        efs.booking_request(
            actor=haematologist,
            data=efs.BookingRequest(
                patient=car_t_patient,
                centre=setting.hospital,
                procedure="teleportation",
                wanted_from=today,
                wanted_until=today - dt.timedelta(days=1),
            ),
        )
    assert set(caught.value.errors) == {"procedure", "centre", "wanted_until"}
    assert not Booking.objects.exists()


def test_scheduling_refuses_a_double_booked_machine_and_names_the_clash(
    car_t_patient, setting, haematologist
):
    staff = setting.efs_staff.user
    first = request(car_t_patient, setting, haematologist)
    efs.booking_schedule(
        booking=first, actor=staff, machine=setting.apheresis, starts_at=in_hours(1, 9)
    )
    second = request(PatientFactory(), setting, haematologist)
    with pytest.raises(ApplicationError) as caught:
        efs.booking_schedule(
            booking=second, actor=staff, machine=setting.apheresis, starts_at=in_hours(1, 10)
        )
    assert "machine" in caught.value.errors and "09:00" in caught.value.message
    second.refresh_from_db()
    assert second.status == "requested" and second.machine is None
    efs.booking_schedule(
        booking=second, actor=staff, machine=setting.second_apheresis, starts_at=in_hours(1, 10)
    )


def test_staff_on_duty_limit_concurrent_procedures(car_t_patient, setting, haematologist):
    staff = setting.efs_staff.user
    # Two staff on duty: a plasma exchange (150 min) and a phlebotomy (45 min) at 9:00 take both.
    exchange = request(car_t_patient, setting, haematologist)
    efs.booking_schedule(
        booking=exchange, actor=staff, machine=setting.apheresis, starts_at=in_hours(1, 9)
    )
    phlebotomy = request(PatientFactory(), setting, haematologist, procedure="phlebotomy")
    efs.booking_schedule(
        booking=phlebotomy, actor=staff, machine=setting.chair, starts_at=in_hours(1, 9)
    )
    b2 = request(PatientFactory(), setting, haematologist)
    with pytest.raises(ApplicationError, match="personnes présentes"):
        efs.booking_schedule(
            booking=b2, actor=staff, machine=setting.second_apheresis, starts_at=in_hours(1, 9)
        )
    # After the phlebotomy (45 min) a second operator is free again.
    efs.booking_schedule(
        booking=b2, actor=staff, machine=setting.second_apheresis, starts_at=in_hours(1, 10)
    )


def test_opening_hours_and_machine_kind(car_t_patient, setting, haematologist):
    staff = setting.efs_staff.user
    booking = request(car_t_patient, setting, haematologist)
    with pytest.raises(ApplicationError) as caught:
        efs.booking_schedule(
            booking=booking, actor=staff, machine=setting.apheresis, starts_at=in_hours(1, 16)
        )
    assert "starts_at" in caught.value.errors  # 16:00 + 150 min ends after 18:00
    with pytest.raises(ApplicationError) as caught:
        efs.booking_schedule(
            booking=booking, actor=staff, machine=setting.chair, starts_at=in_hours(1, 9)
        )
    assert "machine" in caught.value.errors


def test_only_the_centre_staff_schedules(car_t_patient, setting, haematologist):
    booking = request(car_t_patient, setting, haematologist)
    with pytest.raises(ApplicationError):
        efs.booking_schedule(
            booking=booking,
            actor=haematologist,
            machine=setting.apheresis,
            starts_at=in_hours(1, 9),
        )


def test_a_leukapheresis_booking_schedules_the_car_t_order(car_t_patient, setting, haematologist):
    order = place_order(car_t_patient, haematologist)
    booking = request(
        car_t_patient, setting, haematologist, procedure="leukapheresis_cart", order=order
    )
    efs.booking_schedule(
        booking=booking,
        actor=setting.efs_staff.user,
        machine=setting.apheresis,
        starts_at=in_hours(2, 8),
    )
    order.refresh_from_db()
    assert order.state == "apheresis_scheduled"


def test_decline_needs_a_reason_and_done_is_final(car_t_patient, setting, haematologist):
    booking = request(car_t_patient, setting, haematologist)
    with pytest.raises(ApplicationError) as caught:
        efs.booking_close(booking=booking, actor=setting.efs_staff.user, to="declined")
    assert "reason" in caught.value.errors
    efs.booking_close(
        booking=booking, actor=setting.efs_staff.user, to="declined", reason="Pas d'indication"
    )
    with pytest.raises(ApplicationError) as caught:
        efs.booking_close(booking=booking, actor=setting.efs_staff.user, to="done")
    assert caught.value.allowed == []


def test_a_mobile_session_is_shown_on_the_day_grid(car_t_patient, setting, haematologist):
    booking = request(car_t_patient, setting, haematologist, mobile_site=setting.hospital)
    efs.booking_schedule(
        booking=booking,
        actor=setting.efs_staff.user,
        machine=setting.apheresis,
        starts_at=in_hours(1, 9),
    )
    grid = day_grid(
        setting.efs_centre, timezone.localdate() + dt.timedelta(days=1), setting.efs_staff.user
    )
    placed = dict(grid.rows)[setting.apheresis]
    assert len(placed) == 1 and placed[0].column == 3 and placed[0].span == 5
    assert placed[0].booking.mobile_site == setting.hospital and placed[0].visible


def test_free_slots_skip_taken_machines(car_t_patient, setting, haematologist):
    staff = setting.efs_staff.user
    for machine in (setting.apheresis, setting.second_apheresis):
        taken = request(PatientFactory(), setting, haematologist)
        efs.booking_schedule(booking=taken, actor=staff, machine=machine, starts_at=in_hours(1, 8))
    wanted = request(car_t_patient, setting, haematologist)
    tomorrow = [
        start for start, _m in free_slots(wanted, limit=50) if start.date() == in_hours(1).date()
    ]
    assert tomorrow and min(tomorrow).astimezone(in_hours(1).tzinfo).hour >= 10


def test_programme_sessions_become_requests_once(car_t_patient, setting, haematologist):
    from oncoparcours.pathways.models import PathwayTemplate
    from oncoparcours.pathways.services import pathway_apply

    car_t_patient.latitude, car_t_patient.longitude = 45.7, 4.8
    car_t_patient.save()
    instance = pathway_apply(
        template=PathwayTemplate.objects.get(code="efs-red-cell-exchange"),
        patient=car_t_patient,
        start=timezone.localdate(),
        parameters={"interval_weeks": 4},
        actor=haematologist,
    )
    instance.activities.filter(kind="apheresis").update(organisation=setting.efs_centre)
    created = efs.programme_requests(centre=setting.efs_centre, actor=setting.efs_staff.user)
    assert created.created >= 1
    assert (
        Booking.objects.filter(procedure="red_cell_exchange", activity__isnull=False).count()
        == created.created
    )
    again = efs.programme_requests(centre=setting.efs_centre, actor=setting.efs_staff.user)
    assert again.created == 0
    with pytest.raises(ApplicationError):
        efs.programme_requests(centre=setting.efs_centre, actor=haematologist)


def test_no_free_bed_in_the_monitoring_window_is_warned(car_t_patient, setting):
    unit = BedUnit.objects.get(organisation=setting.hospital)
    infusion = timezone.localdate() + dt.timedelta(days=10)
    BedStay.objects.create(
        unit=unit,
        patient=car_t_patient,
        start=infusion - dt.timedelta(days=5),
        end=infusion + dt.timedelta(days=3),
    )
    assert infusion_bed_warning(setting.hospital.pk, infusion) == []
    BedStay.objects.create(
        unit=unit, patient=car_t_patient, start=infusion + dt.timedelta(days=2), end=None
    )
    warnings = infusion_bed_warning(setting.hospital.pk, infusion)
    assert [(w[0], w[1], w[2]) for w in warnings] == [(unit, infusion + dt.timedelta(days=2), 2)]
