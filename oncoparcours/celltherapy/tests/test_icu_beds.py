"""Intensive-care bed reservations after a CAR-T infusion (issue 18): rules, services
(transitions, capacity, the infusion-date gate) and pages (permissions, query count)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from oncoparcours.celltherapy import catalogue
from oncoparcours.celltherapy.models import (
    BedReservation,
    BedReservationEvent,
    BedStay,
    BedUnit,
    CarTOrder,
)
from oncoparcours.celltherapy.rules import icu_beds as rules
from oncoparcours.celltherapy.services import icu_beds, orders
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditEvent
from oncoparcours.core.notifications.models import Notification
from oncoparcours.patients.models import CareTeamMember
from oncoparcours.testing.celltherapy import confirm_bed, place_order
from oncoparcours.testing.factories import PatientFactory, ProfessionalFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 3, 1)


# Rules ------------------------------------------------------------------------------------------
def test_each_product_holds_a_bed_at_least_for_its_label_monitoring_window():
    table = catalogue.icu_bed_days()
    for product in catalogue.products():
        assert product.code in table
        # D0 (infusion) to the last day of daily monitoring included.
        assert table[product.code] >= product.label.monitoring_days + 1
    assert table["ciltacabtagene_autoleucel"] == 15


def test_an_unknown_product_gets_the_longest_reading():
    table = {"a": 11, "b": 15}
    assert rules.days_held("a", table) == 11
    assert rules.days_held("unknown", table) == 15


def test_covers_needs_every_day_of_the_product_window():
    first, last = TODAY, TODAY + dt.timedelta(days=10)
    assert rules.covers(first, last, TODAY, 11)
    assert not rules.covers(first, last, TODAY + dt.timedelta(days=1), 11)
    assert not rules.covers(first, last, TODAY - dt.timedelta(days=1), 11)


def test_transition_table_and_full_days():
    assert rules.allowed_next("requested") == ("confirmed", "refused", "cancelled")
    assert rules.can_move("confirmed", "released")
    assert not rules.can_move("refused", "confirmed")
    days = rules.covered_days(TODAY, 3)
    occupied = {TODAY: 2, TODAY + dt.timedelta(days=1): 1}
    assert rules.full_days(occupied, 2, days) == [TODAY]


# Services ---------------------------------------------------------------------------------------
@pytest.fixture
def intensivist(setting):
    return ProfessionalFactory(
        organisation=setting.hospital,
        specialty="intensive_care",
        last_name="Reanimateur",
        user=UserFactory(username="rea-test", role="clinician"),
    )


@pytest.fixture
def icu(setting, intensivist):
    unit = BedUnit.objects.create(
        organisation=setting.hospital, name="Réanimation test", beds=1, intensive_care=True
    )
    unit.staff.add(intensivist)
    return unit


@pytest.fixture
def order(car_t_patient, haematologist):
    return place_order(car_t_patient, haematologist)


def in_days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def test_an_order_is_placed_without_an_infusion_date(order):
    assert order.planned_infusion_on is None


def test_request_then_confirm_then_the_date_is_accepted(order, icu, haematologist, intensivist):
    reservation = icu_beds.reservation_request(
        actor=haematologist, order=order, unit=icu, infusion_on=in_days(10)
    )
    assert reservation.status == "requested"
    assert reservation.last_day == in_days(20)  # tisagenlecleucel: D0-D10
    # The ICU staff join the care team to see who is coming.
    assert CareTeamMember.objects.filter(patient=order.patient, professional=intensivist).exists()
    with pytest.raises(ApplicationError) as refused:
        icu_beds.infusion_date_set(actor=haematologist, order=order, day=in_days(10))
    assert refused.value.field == "planned_infusion_on"
    assert "attend la réponse de la réanimation" in str(refused.value)
    icu_beds.reservation_move(actor=intensivist.user, reservation=reservation, to="confirmed")
    order = icu_beds.infusion_date_set(actor=haematologist, order=order, day=in_days(10))
    assert order.planned_infusion_on == in_days(10)
    # A day the bed does not cover in full is refused, naming the days and the next step.
    with pytest.raises(ApplicationError) as refused:
        icu_beds.infusion_date_set(actor=haematologist, order=order, day=in_days(11))
    assert "demandez un lit pour ce jour" in str(refused.value)
    order.refresh_from_db()
    assert order.planned_infusion_on == in_days(10)
    events = list(BedReservationEvent.objects.filter(reservation=reservation))
    assert [(e.from_status, e.to_status) for e in events] == [
        ("", "requested"),
        ("requested", "confirmed"),
    ]
    assert (
        AuditEvent.objects.filter(
            object_id=str(reservation.pk), patient_id=order.patient_id
        ).count()
        == 2
    )


def test_no_date_without_any_reservation(order, haematologist):
    with pytest.raises(ApplicationError) as refused:
        icu_beds.infusion_date_set(actor=haematologist, order=order, day=in_days(5))
    assert refused.value.field == "planned_infusion_on"
    order.refresh_from_db()
    assert order.planned_infusion_on is None


def test_illegal_moves_list_the_allowed_next_steps(order, icu, haematologist, intensivist):
    reservation = icu_beds.reservation_request(
        actor=haematologist, order=order, unit=icu, infusion_on=in_days(3)
    )
    icu_beds.reservation_move(
        actor=intensivist.user, reservation=reservation, to="refused", reason="Unité pleine"
    )
    with pytest.raises(ApplicationError) as refused:
        icu_beds.reservation_move(actor=intensivist.user, reservation=reservation, to="confirmed")
    assert refused.value.allowed == []
    assert str(refused.value).endswith("aucun.")
    second = icu_beds.reservation_request(
        actor=haematologist, order=order, unit=icu, infusion_on=in_days(3)
    )
    with pytest.raises(ApplicationError) as refused:
        icu_beds.reservation_move(actor=intensivist.user, reservation=second, to="released")
    assert refused.value.allowed == ["confirmed", "refused", "cancelled"]


def test_only_the_unit_staff_answer_and_a_refusal_needs_a_reason(
    order, icu, haematologist, intensivist
):
    reservation = icu_beds.reservation_request(
        actor=haematologist, order=order, unit=icu, infusion_on=in_days(3)
    )
    with pytest.raises(ApplicationError):
        icu_beds.reservation_move(actor=haematologist, reservation=reservation, to="confirmed")
    with pytest.raises(ApplicationError) as refused:
        icu_beds.reservation_move(actor=intensivist.user, reservation=reservation, to="refused")
    assert refused.value.field == "reason"
    reservation.refresh_from_db()
    assert reservation.status == "requested"


def test_no_overbooking_the_refusal_names_the_full_days(
    order, icu, haematologist, intensivist, setting
):
    BedStay.objects.create(unit=icu, patient=PatientFactory(), start=in_days(5), end=in_days(7))
    with pytest.raises(ApplicationError) as refused:
        icu_beds.reservation_request(
            actor=haematologist, order=order, unit=icu, infusion_on=in_days(2)
        )
    message = str(refused.value)
    assert in_days(5).strftime("%d/%m/%Y") in message
    assert in_days(6).strftime("%d/%m/%Y") in message
    assert in_days(7).strftime("%d/%m/%Y") not in message
    assert refused.value.field == "first_day"
    assert not BedReservation.objects.exists()
    # Two requests fit (a request takes no bed), only one can be confirmed.
    first = icu_beds.reservation_request(
        actor=haematologist, order=order, unit=icu, infusion_on=in_days(8)
    )
    other_patient = PatientFactory()
    CareTeamMember.objects.create(
        patient=other_patient,
        professional=haematologist.professional,
        role="haematologist",
        is_lead=True,
    )
    other = place_order(other_patient, haematologist)
    second = icu_beds.reservation_request(
        actor=haematologist, order=other, unit=icu, infusion_on=in_days(12)
    )
    icu_beds.reservation_move(actor=intensivist.user, reservation=first, to="confirmed")
    with pytest.raises(ApplicationError) as refused:
        icu_beds.reservation_move(actor=intensivist.user, reservation=second, to="confirmed")
    assert in_days(12).strftime("%d/%m/%Y") in str(refused.value)
    second.refresh_from_db()
    assert second.status == "requested"


def test_a_released_bed_clears_the_infusion_date(order, icu, haematologist, intensivist):
    reservation = icu_beds.reservation_request(
        actor=haematologist, order=order, unit=icu, infusion_on=in_days(4)
    )
    icu_beds.reservation_move(actor=intensivist.user, reservation=reservation, to="confirmed")
    icu_beds.infusion_date_set(actor=haematologist, order=order, day=in_days(4))
    icu_beds.reservation_move(
        actor=intensivist.user, reservation=reservation, to="released", reason="Lit requis"
    )
    order.refresh_from_db()
    assert order.planned_infusion_on is None


def test_an_early_release_needs_a_reason_and_tells_the_team(
    order, icu, haematologist, intensivist, setting
):
    reservation = icu_beds.reservation_request(
        actor=haematologist, order=order, unit=icu, infusion_on=in_days(2)
    )
    icu_beds.reservation_move(actor=intensivist.user, reservation=reservation, to="confirmed")
    with pytest.raises(ApplicationError) as caught:
        icu_beds.reservation_move(actor=intensivist.user, reservation=reservation, to="released")
    assert caught.value.field == "reason"
    assert "libérée, annulée" in str(caught.value)
    reservation.refresh_from_db()
    assert reservation.status == "confirmed"  # nothing changed, the bed still counts taken
    assert icu_beds.occupied(icu, in_days(2), in_days(2))[in_days(2)] == 1
    assert not Notification.objects.exists()
    icu_beds.reservation_move(
        actor=intensivist.user,
        reservation=reservation,
        to="released",
        reason="Afflux de patients graves, lit réattribué",
    )
    notices = Notification.objects.filter(kind=icu_beds.RELEASE_KIND)
    assert {n.recipient_user for n in notices} == {haematologist, setting.nurse.user}
    assert {n.channel for n in notices} == {"in_app"}
    assert all("Afflux de patients graves" in n.context["text"] for n in notices)
    assert all(n.patient_id == order.patient_id for n in notices)
    event = reservation.events.get(to_status="released")
    assert event.reason == "Afflux de patients graves, lit réattribué"
    assert AuditEvent.objects.filter(object_id=str(reservation.pk), details__to="released").exists()


def test_a_release_after_the_window_needs_no_reason():
    last = TODAY + dt.timedelta(days=10)
    common = {"last": last, "held": 11}
    # Before the last day, the order open or infused within its window: early.
    assert rules.release_is_early(
        today=TODAY, order_state="in_cryostorage", infusion_day=None, **common
    )
    assert rules.release_is_early(today=last, order_state="infused", infusion_day=TODAY, **common)
    # After the last day, a cancelled order, an infused order past its window: not early.
    assert not rules.release_is_early(
        today=last + dt.timedelta(days=1), order_state="qualified", infusion_day=None, **common
    )
    assert not rules.release_is_early(
        today=TODAY, order_state="cancelled", infusion_day=None, **common
    )
    assert not rules.release_is_early(
        today=last, order_state="infused", infusion_day=TODAY - dt.timedelta(days=1), **common
    )


def test_no_infusion_without_a_confirmed_bed_covering_its_day(
    car_t_patient, setting, haematologist
):
    order = place_order(car_t_patient, haematologist, product="lisocabtagene_maraleucel")
    today = timezone.localdate()
    until = (today + dt.timedelta(days=10)).strftime("%d/%m/%Y")  # liso-cel: D0-D10
    assert until in icu_beds.bed_blocker(order, today)
    assert orders.infusion_blockers(order, timezone.now())["bed"] == [
        icu_beds.bed_blocker(order, today)
    ]
    # A bed confirmed for a later day does not cover an infusion postponed or brought forward.
    reservation = confirm_bed(order, today + dt.timedelta(days=3))
    blockers = orders.infusion_blockers(order, timezone.now())
    assert reservation.first_day.strftime("%d/%m/%Y") in blockers["bed"][0]
    BedReservation.objects.filter(pk=reservation.pk).update(status="cancelled")
    confirm_bed(order, today)
    assert "bed" not in orders.infusion_blockers(order, timezone.now())
    # Postponed past the reservation's days: refused again.
    later = timezone.now() + dt.timedelta(days=2)
    assert "bed" in orders.infusion_blockers(order, later)


def test_one_active_reservation_per_order_and_a_unit_of_the_treating_centre(
    order, icu, haematologist
):
    other_site = BedUnit.objects.create(
        organisation=PatientFactory().expert_centre or icu.organisation,
        name="Ailleurs",
        beds=4,
        intensive_care=False,
    )
    with pytest.raises(ApplicationError) as refused:
        icu_beds.reservation_request(
            actor=haematologist, order=order, unit=other_site, infusion_on=in_days(4)
        )
    assert refused.value.field == "unit"
    icu_beds.reservation_request(actor=haematologist, order=order, unit=icu, infusion_on=in_days(4))
    with pytest.raises(ApplicationError) as refused:
        icu_beds.reservation_request(
            actor=haematologist, order=order, unit=icu, infusion_on=in_days(20)
        )
    assert "annulez-la" in str(refused.value)
    assert BedReservation.objects.count() == 1


def test_events_are_append_only(order, icu, haematologist):
    reservation = icu_beds.reservation_request(
        actor=haematologist, order=order, unit=icu, infusion_on=in_days(4)
    )
    event = reservation.events.get()
    with pytest.raises(PermissionError):
        event.save()


# Pages ------------------------------------------------------------------------------------------
def test_the_icu_page_is_forbidden_to_others(client, haematologist, setting):
    client.force_login(haematologist)
    assert client.get(reverse("celltherapy:icu_beds")).status_code == 403
    client.force_login(setting.pharmacist.user)
    assert client.get(reverse("celltherapy:icu_beds")).status_code == 403


def test_menu_entry_for_the_icu_staff_only(client, haematologist, intensivist, icu):
    client.force_login(intensivist.user)
    page = client.get(reverse("core:home")).content.decode()
    assert reverse("celltherapy:icu_beds") in page
    client.force_login(haematologist)
    page = client.get(reverse("core:home")).content.decode()
    assert reverse("celltherapy:icu_beds") not in page


def test_icu_page_grid_and_answer(client, order, icu, haematologist, intensivist):
    reservation = icu_beds.reservation_request(
        actor=haematologist, order=order, unit=icu, infusion_on=in_days(2)
    )
    client.force_login(intensivist.user)
    page = client.get(reverse("celltherapy:icu_beds"))
    assert page.status_code == 200
    assert order.patient.last_name.upper() in page.content.decode()
    answer = reverse("celltherapy:reservation_answer", args=[reservation.pk])
    response = client.post(answer, {"to": "confirmed", "version": reservation.version})
    assert response.status_code == 302
    reservation.refresh_from_db()
    assert reservation.status == "confirmed"
    # Someone else cannot even see that the reservation exists.
    client.force_login(haematologist)
    assert client.post(answer, {"to": "released"}).status_code == 404


def test_a_patient_outside_the_care_team_is_not_named(client, order, icu, haematologist):
    reservation = icu_beds.reservation_request(
        actor=haematologist, order=order, unit=icu, infusion_on=in_days(2)
    )
    newcomer = ProfessionalFactory(
        organisation=icu.organisation, user=UserFactory(username="rea-2", role="clinician")
    )
    icu.staff.add(newcomer)
    client.force_login(newcomer.user)
    page = client.get(reverse("celltherapy:icu_beds")).content.decode()
    assert order.patient.last_name.upper() not in page
    assert f"reservation-{reservation.pk}" in page


def test_icu_page_query_count_is_stable(client, icu, haematologist, intensivist, setting):
    def count() -> int:
        client.force_login(intensivist.user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("celltherapy:icu_beds")).status_code == 200
        return len(queries)

    icu.beds = 10
    icu.save()
    patient = PatientFactory()
    CareTeamMember.objects.create(
        patient=patient,
        professional=haematologist.professional,
        role="haematologist",
        is_lead=True,
    )
    icu_beds.reservation_request(
        actor=haematologist,
        order=place_order(patient, haematologist),
        unit=icu,
        infusion_on=in_days(1),
    )
    few = count()
    for n in range(3):
        patient = PatientFactory()
        CareTeamMember.objects.create(
            patient=patient,
            professional=haematologist.professional,
            role="haematologist",
            is_lead=True,
        )
        icu_beds.reservation_request(
            actor=haematologist,
            order=place_order(patient, haematologist),
            unit=icu,
            infusion_on=in_days(2 + n),
        )
    assert count() == few


def test_order_page_request_and_date(client, order, icu, haematologist, intensivist):
    client.force_login(haematologist)
    url = order.get_absolute_url()
    page = client.get(url).content.decode()
    assert 'id="icu-bed"' in page
    day = in_days(6).isoformat()
    response = client.post(
        reverse("celltherapy:bed_request", args=[order.patient_id, order.pk]),
        {"unit": icu.pk, "first_day": day},
    )
    assert response.status_code == 302
    date_url = reverse("celltherapy:infusion_date", args=[order.patient_id, order.pk])
    response = client.post(date_url, {"planned_infusion_on": day}, follow=True)
    assert CarTOrder.objects.get(pk=order.pk).planned_infusion_on is None
    reservation = BedReservation.objects.get()
    icu_beds.reservation_move(actor=intensivist.user, reservation=reservation, to="confirmed")
    client.post(date_url, {"planned_infusion_on": day})
    assert CarTOrder.objects.get(pk=order.pk).planned_infusion_on == in_days(6)
    section = client.get(url).content.decode().split('id="icu-bed"')[1]
    assert "Confirmée" in section and "Demandée" in section  # the events, in words
    assert in_days(6).strftime("%d/%m/%Y") in section


def test_order_actions_are_404_outside_the_care_team(client, order, icu):
    outsider = ProfessionalFactory(user=UserFactory(username="out", role="clinician"))
    client.force_login(outsider.user)
    response = client.post(
        reverse("celltherapy:bed_request", args=[order.patient_id, order.pk]),
        {"unit": icu.pk, "first_day": in_days(3).isoformat()},
    )
    assert response.status_code == 404
    assert not BedReservation.objects.exists()


def test_free_icu_beds_do_not_silence_the_monitoring_unit_warning(car_t_patient, setting, icu):
    from oncoparcours.celltherapy.efs_selectors import infusion_bed_warning

    monitoring = BedUnit.objects.get(organisation=setting.hospital, intensive_care=False)
    infusion = in_days(10)
    for _n in range(monitoring.beds):
        BedStay.objects.create(unit=monitoring, patient=car_t_patient, start=infusion, end=None)
    warnings = infusion_bed_warning(setting.hospital.pk, infusion)
    assert [w[0] for w in warnings] == [monitoring]


def test_an_answer_keeps_the_week_being_viewed_even_when_refused(
    client, order, icu, haematologist, intensivist
):
    reservation = icu_beds.reservation_request(
        actor=haematologist, order=order, unit=icu, infusion_on=in_days(9)
    )
    client.force_login(intensivist.user)
    week = timezone.localdate().isoformat()
    page = client.get(reverse("celltherapy:icu_beds"), {"jour": week}).content.decode()
    assert f'name="jour" value="{week}"' in page
    answer = reverse("celltherapy:reservation_answer", args=[reservation.pk])
    refused = client.post(answer, {"to": "refused", "version": reservation.version, "jour": week})
    assert refused["Location"].endswith(f"?jour={week}")
    reservation.refresh_from_db()
    assert reservation.status == "requested"  # no reason: nothing changed
    # Without the week (an old form): today's week, not the reservation's.
    refused = client.post(answer, {"to": "refused", "version": reservation.version})
    assert refused["Location"].endswith(f"?jour={timezone.localdate().isoformat()}")


def test_the_bed_gate_counts_days_in_paris_time(car_t_patient, setting, haematologist):
    """A bed held D … D+held-1 covers an infusion at 23:30 in Paris on D, not one at 00:30 the
    next day, although both are on D in UTC (the gate must use the local day)."""
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    order = place_order(car_t_patient, haematologist, product="lisocabtagene_maraleucel")
    day = timezone.localdate() + dt.timedelta(days=1)
    confirm_bed(order, day)
    late_evening = dt.datetime.combine(day, dt.time(23, 30), tzinfo=paris)
    after_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 30), tzinfo=paris)
    assert late_evening.astimezone(dt.UTC).date() == after_midnight.astimezone(dt.UTC).date()
    assert "bed" not in orders.infusion_blockers(order, late_evening.astimezone(dt.UTC))
    assert "bed" in orders.infusion_blockers(order, after_midnight.astimezone(dt.UTC))
