"""The custody ledger: manual events, refusals of events that contradict the chain, and
detection of tampering in the database (by the service, the command and the page)."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from oncoparcours.celltherapy.models import CustodyEvent
from oncoparcours.celltherapy.rules import custody as ledger
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
    assert "1 chain(s) checked, 0 broken;" in out.getvalue()


def test_custody_rows_cannot_be_deleted_even_in_raw_sql(shipped):
    first = shipped.custody.order_by("sequence").first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM celltherapy_custodyevent WHERE id = %s", [first.pk])
    assert shipped.custody.filter(pk=first.pk).exists()


# --- keyed chain, anchored heads: an attacker with database access ---------------------------


def verify_output(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("custody", "verify", *args, stdout=out)
    except SystemExit as exit_status:
        return int(exit_status.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_deleting_the_last_events_is_detected_against_the_anchor(shipped, settings):
    assert verify_output()[0] == 0  # clean, anchored (table + file)
    last = CustodyEvent.objects.filter(order=shipped).order_by("-sequence").first()
    tamper("DELETE FROM celltherapy_custodyevent WHERE id = %s", [last.pk])
    status, output = verify_output()
    assert status == 1
    assert f"event #{last.sequence}: events deleted at the end of the chain" in output
    # Deleting the database's anchors too does not help: the anchor file still holds them.
    with connection.cursor() as cursor:
        lift = "core_ledgeranchor_append_only_delete"
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER {lift} ON core_ledgeranchor")
        else:
            cursor.execute(f"DROP TRIGGER {lift}")
        cursor.execute("DELETE FROM core_ledgeranchor")
    status, output = verify_output()
    assert status == 1
    assert "events deleted at the end of the chain" in output
    assert "anchor table: truncated" in output


def test_re_hashing_the_chain_without_the_key_is_detected(shipped):
    rows = list(CustodyEvent.objects.filter(order=shipped).order_by("sequence"))
    previous = ledger.GENESIS
    for event in rows:  # the attacker edits a note and recomputes plain SHA-256 links
        values = event.as_chain_dict()
        if event.sequence == 2:
            values["note"] = "réception conforme"
        mac = ledger.event_hash(values, previous)
        tamper(
            "UPDATE celltherapy_custodyevent SET note = %s, prev_hash = %s, hash = %s "
            "WHERE id = %s",
            [values["note"], previous, mac, event.pk],
        )
        previous = mac
    status, output = verify_output()
    assert status == 1
    assert "re-hashed without the key" in output


def test_a_forged_anchor_is_detected(shipped, settings):
    assert verify_output()[0] == 0
    path = Path(settings.LEDGER_ANCHOR_FILE)
    line = json.loads(path.read_text().splitlines()[-1])
    line["sequence"] += 1
    line["state"]["custody"]["chains"][str(shipped.pk)] = [99, "f" * 64]
    with path.open("a") as handle:
        handle.write(json.dumps(line) + "\n")
    status, output = verify_output()
    assert status == 1
    assert "line 2: forged anchor" in output


def test_the_page_shows_a_truncated_chain_as_broken(shipped, clinician_client):
    assert verify_output()[0] == 0
    page = clinician_client.get(shipped.get_absolute_url()).content.decode()
    assert "Chaîne intacte" in page
    last = CustodyEvent.objects.filter(order=shipped).order_by("-sequence").first()
    tamper("DELETE FROM celltherapy_custodyevent WHERE id = %s", [last.pk])
    page = clinician_client.get(shipped.get_absolute_url()).content.decode()
    assert "Chaîne ROMPUE" in page


def test_events_before_and_after_a_key_rotation_both_verify(shipped, settings, tmp_path):
    settings.LEDGER_KEYS = ""
    settings.LEDGER_KEY_FILE = str(tmp_path / "ledger-keys")
    Path(settings.LEDGER_KEY_FILE).write_text("t1:" + settings_key() + "\n")
    call_command("ledger", "rotate-key", stdout=io.StringIO())
    holder = CustodyEvent.objects.filter(order=shipped).order_by("-sequence").first()
    event = custody_record(
        order=shipped,
        kind="inspection",
        actor=holder.actor,
        organisation=holder.organisation,
        details=CustodyDetails(temperature_c=-180.0),
    )
    assert event.key_id == "k2"
    assert {e.key_id for e in CustodyEvent.objects.exclude(pk=event.pk)} == {"t1"}
    status, output = verify_output()
    assert status == 0, output


def settings_key() -> str:
    from conftest import TEST_LEDGER_KEYS

    return TEST_LEDGER_KEYS.split(":", 1)[1]


def test_a_step_at_the_manufacturer_names_the_manufacturer_not_the_pharmacist(
    car_t_patient, haematologist
):
    """The pharmacist records the manufacturer's receipt and release: the chain names the
    manufacturer as who did it, and the pharmacist as who recorded it."""
    from django.utils import translation

    from oncoparcours.testing.celltherapy import place_order, walk_to

    with translation.override("fr"):
        order = walk_to(place_order(car_t_patient, haematologist), "released")
    events = {e.kind: e for e in order.custody.all()}
    for kind in ("received_by_manufacturer", "released"):
        label = events[kind].actor_label
        assert label.startswith(events[kind].organisation_label), label
        assert "(saisi par " in label
    assert "(saisi par" not in events["collected"].actor_label
