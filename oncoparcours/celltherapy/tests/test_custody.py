"""The custody ledger: manual events, refusals of events that contradict the chain, and
detection of tampering in the database (by the service, the command and the page)."""

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from oncoparcours.celltherapy.models import CustodyEvent
from oncoparcours.celltherapy.services.custody import CustodyDetails, custody_record, custody_verify
from oncoparcours.core.errors import ApplicationError
from oncoparcours.testing.celltherapy import place_order, tamper, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(car_t_patient, setting, haematologist):
    return walk_to(place_order(car_t_patient, haematologist), "shipped_to_site")


def test_the_holder_records_an_inspection_and_a_handover(shipped, setting):
    # Shipped to site: the courier holds it; a courier relay hands it over.
    event = custody_record(
        order=shipped,
        kind="handover",
        actor=setting.pharmacist.user,
        organisation=setting.pharmacy,
        holder="Transporteur relais Lyon",
        details=CustodyDetails(container="DRY-SHIPPER-77", seal="SEAL-0099", logger="LOG-5"),
    )
    assert event.holder == "Transporteur relais Lyon" and event.sequence == 6
    assert custody_verify(shipped) == []


def test_someone_who_does_not_hold_the_product_cannot_hand_it_over(
    car_t_patient, setting, haematologist
):
    order = walk_to(place_order(car_t_patient, haematologist), "received_at_pui")
    count = CustodyEvent.objects.count()
    with pytest.raises(ApplicationError, match="Rupture de traçabilité"):
        custody_record(
            order=order,
            kind="handover",
            actor=setting.efs_staff.user,
            organisation=setting.efs_centre,
            holder="Someone",
            details=CustodyDetails(),
        )
    assert CustodyEvent.objects.count() == count


def test_lifecycle_events_cannot_be_recorded_by_hand(shipped, setting):
    with pytest.raises(ApplicationError) as caught:
        custody_record(
            order=shipped,
            kind="received",
            actor=setting.pharmacist.user,
            organisation=setting.pharmacy,
            details=CustodyDetails(),
        )
    assert "kind" in caught.value.errors


def test_an_inspection_with_an_impossible_temperature_is_refused(shipped, setting):
    with pytest.raises(ApplicationError) as caught:
        custody_record(
            order=shipped,
            kind="inspection",
            actor=setting.pharmacist.user,
            organisation=setting.pharmacy,
            details=CustodyDetails(temperature_c=95.0),
        )
    assert "temperature_c" in caught.value.errors


def test_custody_rows_cannot_be_changed_through_the_application(shipped):
    event = CustodyEvent.objects.filter(order=shipped).first()
    event.note = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        CustodyEvent.objects.filter(order=shipped).update(note="x")


def test_a_row_altered_in_the_database_is_detected_everywhere(shipped, clinician_client):
    second = CustodyEvent.objects.get(order=shipped, sequence=2)
    tamper(
        "UPDATE celltherapy_custodyevent SET temperature_c = %s WHERE id = %s", [-20.0, second.pk]
    )
    breaks = custody_verify(shipped)
    assert [(b.sequence, b.problem) for b in breaks] == [(2, "altered")]
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("custody", "verify", "--order", shipped.coi, stdout=out)
    assert exit_status.value.code == 1
    assert f"BROKEN {shipped.coi}" in out.getvalue() and "#2" in out.getvalue()
    page = clinician_client.get(shipped.get_absolute_url()).content.decode()
    assert "Chaîne ROMPUE" in page


def test_a_deleted_row_is_reported_as_missing(shipped):
    third = CustodyEvent.objects.get(order=shipped, sequence=3)
    tamper("DELETE FROM celltherapy_custodyevent WHERE id = %s", [third.pk])
    problems = {(b.sequence, b.problem) for b in custody_verify(shipped)}
    assert (4, "missing") in problems and (4, "broken_link") in problems


def test_the_command_reports_intact_chains(shipped):
    out = io.StringIO()
    call_command("custody", "verify", stdout=out)
    assert "1 chain(s) checked, 0 broken." in out.getvalue()


def test_custody_rows_cannot_be_deleted_even_in_raw_sql(shipped):
    first = shipped.custody.order_by("sequence").first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM celltherapy_custodyevent WHERE id = %s", [first.pk])
    assert shipped.custody.filter(pk=first.pk).exists()
