"""EFS care centres: referral, scheduling with opening hours, no double booking of a machine,
staff on duty, machine kinds; the CAR-T order and pathway follow; beds for the monitoring
window."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
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


# --- one patient, one procedure at a time (every centre) ------------------------------------------


@pytest.fixture
def second_centre(setting):
    from oncoparcours.celltherapy.models import CentreSchedule, Machine
    from oncoparcours.testing.celltherapy import WEEKDAYS_8_TO_18
    from oncoparcours.testing.factories import OrganisationFactory

    centre = OrganisationFactory(name="EFS Autre site", kind="efs_care_centre")
    CentreSchedule.objects.create(centre=centre, hours=WEEKDAYS_8_TO_18, staff=2)
    machine = Machine.objects.create(centre=centre, name="Séparateur B", kind="apheresis")
    setting.efs_staff.memberships.create(organisation=centre)
    return centre, machine


def test_a_patient_cannot_be_booked_twice_at_overlapping_times_across_centres(
    car_t_patient, setting, haematologist, second_centre
):
    centre, machine = second_centre
    staff = setting.efs_staff.user
    first = request(car_t_patient, setting, haematologist)
    efs.booking_schedule(
        booking=first, actor=staff, machine=setting.apheresis, starts_at=in_hours(1, 9)
    )
    today = timezone.localdate()
    elsewhere = efs.booking_request(
        actor=haematologist,
        data=efs.BookingRequest(
            patient=car_t_patient,
            centre=centre,
            procedure="plasma_exchange",
            wanted_from=today,
            wanted_until=today + dt.timedelta(days=14),
        ),
    )
    with pytest.raises(ApplicationError) as caught:
        efs.booking_schedule(
            booking=elsewhere, actor=staff, machine=machine, starts_at=in_hours(1, 11)
        )
    assert "starts_at" in caught.value.errors
    assert "EFS Test" in caught.value.message and "09:00" in caught.value.message
    elsewhere.refresh_from_db()
    assert elsewhere.status == "requested" and elsewhere.starts_at is None
    # Back to back the same day is refused too: one procedure a day per patient.
    with pytest.raises(ApplicationError) as again:
        efs.booking_schedule(
            booking=elsewhere,
            actor=staff,
            machine=machine,
            starts_at=in_hours(1, 11) + dt.timedelta(minutes=30),
        )
    assert "one procedure a day" in again.value.message or "une seule" in again.value.message
    efs.booking_schedule(booking=elsewhere, actor=staff, machine=machine, starts_at=in_hours(2, 9))


def test_the_database_refuses_an_overlapping_booking_of_the_patient(
    car_t_patient, setting, haematologist
):
    """What a race between two schedulings, or another client, would let through the service."""
    from django.db import IntegrityError, transaction

    first = request(car_t_patient, setting, haematologist)
    efs.booking_schedule(
        booking=first,
        actor=setting.efs_staff.user,
        machine=setting.apheresis,
        starts_at=in_hours(1, 9),
    )
    second = request(car_t_patient, setting, haematologist)
    second.machine, second.status = setting.second_apheresis, "scheduled"
    second.starts_at, second.ends_at = in_hours(1, 10), in_hours(1, 12)
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    second.starts_at, second.ends_at = in_hours(2, 10), in_hours(2, 12)
    second.save()  # another day: accepted


# --- haemoglobin gate of a phlebotomy -------------------------------------------------------------


def phlebotomy_request(patient, setting, actor, value, measured_on=None):
    return request(
        patient,
        setting,
        actor,
        procedure="phlebotomy",
        haemoglobin_g_dl=Decimal(value) if value is not None else None,
        haemoglobin_on=measured_on or timezone.localdate(),
    )


@pytest.mark.parametrize(
    ("value", "field"),
    [(None, "haemoglobin_g_dl"), ("11.0", "haemoglobin_g_dl"), ("10.2", "haemoglobin_g_dl")],
)
def test_a_phlebotomy_request_needs_a_haemoglobin_above_the_gate(
    car_t_patient, setting, haematologist, value, field
):
    from oncoparcours.celltherapy.models import HaemoglobinResult

    with pytest.raises(ApplicationError) as caught:
        phlebotomy_request(car_t_patient, setting, haematologist, value)
    assert field in caught.value.errors
    if value is not None:
        assert "11.0" in caught.value.message or "11,0" in caught.value.message
    assert not Booking.objects.exists() and not HaemoglobinResult.objects.exists()


def test_the_haemoglobin_is_recorded_with_the_request_and_checked_again_at_each_step(
    car_t_patient, setting, haematologist
):
    from oncoparcours.celltherapy.models import HaemoglobinResult

    staff = setting.efs_staff.user
    booking = phlebotomy_request(car_t_patient, setting, haematologist, "11.1")
    recorded = HaemoglobinResult.objects.get()
    assert (recorded.value_g_dl, recorded.booking, recorded.moment) == (
        Decimal("11.1"),
        booking,
        "request",
    )
    # Scheduling: the recorded value is used; an apheresis separator is not the place.
    with pytest.raises(ApplicationError) as caught:
        efs.booking_schedule(
            booking=booking, actor=staff, machine=setting.apheresis, starts_at=in_hours(1, 9)
        )
    assert "machine" in caught.value.errors
    efs.booking_schedule(
        booking=booking, actor=staff, machine=setting.chair, starts_at=in_hours(1, 9)
    )
    # The session: the haemoglobin of the day is required, and at 11.0 there is no session.
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1),
        ends_at=timezone.now() - dt.timedelta(minutes=15),
    )
    session_day = timezone.localdate(timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(ApplicationError) as caught:
        efs.booking_close(booking=booking, actor=staff, to="done")
    assert "haemoglobin_g_dl" in caught.value.errors
    with pytest.raises(ApplicationError) as caught:
        efs.booking_close(
            booking=booking,
            actor=staff,
            to="done",
            haemoglobin=efs.Haemoglobin(Decimal("13.0"), session_day - dt.timedelta(days=1)),
        )
    assert "haemoglobin_on" in caught.value.errors
    with pytest.raises(ApplicationError) as caught:
        efs.booking_close(
            booking=booking,
            actor=staff,
            to="done",
            haemoglobin=efs.Haemoglobin(Decimal("11.0"), session_day),
        )
    assert "11" in caught.value.errors["haemoglobin_g_dl"][0]
    booking.refresh_from_db()
    assert booking.status == "scheduled"
    efs.booking_close(
        booking=booking,
        actor=staff,
        to="done",
        haemoglobin=efs.Haemoglobin(Decimal("11.1"), session_day),
    )
    assert list(booking.haemoglobins.values_list("moment", flat=True).order_by("id")) == [
        "request",
        "session",
    ]


def test_scheduling_refuses_a_haemoglobin_older_than_a_month(car_t_patient, setting, haematologist):
    booking = phlebotomy_request(
        car_t_patient,
        setting,
        haematologist,
        "12.0",
        measured_on=timezone.localdate() - dt.timedelta(days=30),
    )
    # Measured 30 days ago: accepted at the request; a value 31 days old is refused.
    assert booking.haemoglobins.get().measured_on == timezone.localdate() - dt.timedelta(days=30)
    with pytest.raises(ApplicationError) as caught:
        efs.booking_schedule(
            booking=booking,
            actor=setting.efs_staff.user,
            machine=setting.chair,
            starts_at=in_hours(1, 9),
            haemoglobin=efs.Haemoglobin(
                Decimal("12.0"), timezone.localdate() - dt.timedelta(days=31)
            ),
        )
    assert "haemoglobin_on" in caught.value.errors


def test_a_phlebotomy_can_take_a_bed(car_t_patient, setting, haematologist):
    from oncoparcours.celltherapy.models import Machine

    bed = Machine.objects.create(centre=setting.efs_centre, name="Lit 1", kind="bed")
    booking = phlebotomy_request(car_t_patient, setting, haematologist, "14.2")
    efs.booking_schedule(
        booking=booking, actor=setting.efs_staff.user, machine=bed, starts_at=in_hours(1, 9)
    )
    plasma = request(PatientFactory(), setting, haematologist)
    with pytest.raises(ApplicationError):
        efs.booking_schedule(
            booking=plasma, actor=setting.efs_staff.user, machine=bed, starts_at=in_hours(1, 11)
        )


def test_programme_phlebotomies_wait_for_a_haemoglobin(car_t_patient, setting, haematologist):
    from oncoparcours.pathways.models import PathwayTemplate
    from oncoparcours.pathways.services import pathway_apply

    instance = pathway_apply(
        template=PathwayTemplate.objects.get(
            code="efs-phlebotomy-haemochromatosis", is_latest=True
        ),
        patient=car_t_patient,
        start=timezone.localdate(),
        parameters={},
        actor=haematologist,
    )
    sessions = instance.activities.filter(kind="phlebotomy")
    assert sessions.exists() and not instance.activities.filter(kind="apheresis").exists()
    sessions.update(organisation=setting.efs_centre)
    imported = efs.programme_requests(centre=setting.efs_centre, actor=setting.efs_staff.user)
    assert imported.created == 0 and imported.waiting_for_haemoglobin >= 1
    phlebotomy_request(car_t_patient, setting, haematologist, "13.5")
    imported = efs.programme_requests(centre=setting.efs_centre, actor=setting.efs_staff.user)
    assert imported.created >= 1


@pytest.mark.django_db(transaction=True)
def test_two_schedulings_at_once_at_two_centres_book_the_patient_once(
    car_t_patient, setting, haematologist, second_centre
):
    """Race-safety: the patient's row lock (and the exclusion constraint behind it) let one
    scheduling through and refuse the other, which then sees the first."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises the whole database)")
    centre, machine = second_centre
    here = request(car_t_patient, setting, haematologist)
    today = timezone.localdate()
    there = efs.booking_request(
        actor=haematologist,
        data=efs.BookingRequest(
            patient=car_t_patient,
            centre=centre,
            procedure="plasma_exchange",
            wanted_from=today,
            wanted_until=today + dt.timedelta(days=14),
        ),
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def schedule(booking, chosen):
        try:
            barrier.wait(timeout=10)
            efs.booking_schedule(
                booking=booking,
                actor=setting.efs_staff.user,
                machine=chosen,
                starts_at=in_hours(1, 10),
            )
            outcomes.append("scheduled")
        except ApplicationError as error:
            outcomes.append(error.field or "")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=schedule, args=(here, setting.apheresis)),
        threading.Thread(target=schedule, args=(there, machine)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["scheduled", "starts_at"]
    assert Booking.objects.filter(patient=car_t_patient, status="scheduled").count() == 1


def test_a_session_is_scheduled_within_the_period_asked_for(car_t_patient, setting, haematologist):
    booking = request(car_t_patient, setting, haematologist)
    outside = timezone.localdate() + dt.timedelta(days=30)
    start = dt.datetime.combine(outside, dt.time(9), tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
    with pytest.raises(ApplicationError) as caught:
        efs.booking_schedule(
            booking=booking,
            actor=setting.efs_staff.user,
            machine=setting.apheresis,
            starts_at=start,
        )
    assert "starts_at" in caught.value.errors
    booking.refresh_from_db()
    assert booking.status == "requested"


def test_the_beds_page_names_the_days_with_no_free_bed(
    client, car_t_patient, setting, haematologist
):
    # The 4-week table scrolls: the full days far right are named beside their count.
    unit = BedUnit.objects.get(organisation=setting.hospital)
    first = timezone.localdate() + dt.timedelta(days=24)
    for _ in range(unit.beds):
        BedStay.objects.create(
            unit=unit, patient=car_t_patient, start=first, end=first + dt.timedelta(days=2)
        )
    client.force_login(setting.nurse.user)  # a nurse of the hospital
    page = client.get(reverse("celltherapy:beds")).content.decode()
    assert "2 jours sans lit libre" in page
    badge = page.split("2 jours sans lit libre", 1)[1].split("</p>", 1)[0]
    for day in (first, first + dt.timedelta(days=1)):
        assert f'<time datetime="{day.isoformat()}">' in badge
    assert f'<time datetime="{(first + dt.timedelta(days=2)).isoformat()}">' not in badge
