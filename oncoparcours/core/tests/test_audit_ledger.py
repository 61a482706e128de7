"""The keyed audit trail: row MACs, sealed blocks, anchored heads, key rotation; tampering by an
attacker with direct database access (triggers dropped first) is reported by ``audit verify``."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from oncoparcours.core.audit import audit_record
from oncoparcours.core.audit_chain import row_payload
from oncoparcours.core.models import AuditAction, AuditEvent, AuditSeal

pytestmark = pytest.mark.django_db


def audit_verify(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out)
    except SystemExit as exit_status:
        return int(exit_status.code or 0), out.getvalue()
    return 0, out.getvalue()


def lift_triggers(table: str) -> None:
    with connection.cursor() as cursor:
        for event in ("update", "delete"):
            name = f"{table}_append_only_{event}"
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def views(count: int) -> list[AuditEvent]:
    return [
        audit_record(actor=None, action=AuditAction.VIEW, reason=f"lecture {n}", details={"n": n})
        for n in range(count)
    ]


def test_a_clean_trail_is_sealed_verified_and_anchored(settings):
    events = views(5)
    status, output = audit_verify()
    assert status == 0, output
    assert "Sealed 5 row(s) in 1 block(s)." in output
    assert "5 audit row(s) checked (0 not sealed yet), 1 seal(s), 0 problem(s)" in output
    assert AuditSeal.objects.get().last_id == events[-1].pk
    line = json.loads(Path(settings.LEDGER_ANCHOR_FILE).read_text().splitlines()[-1])
    assert line["state"]["audit"]["max_id"] == events[-1].pk
    assert audit_verify()[0] == 0  # and again


def test_an_altered_row_is_detected_sealed_or_not():
    sealed = views(3)[1]
    assert audit_verify()[0] == 0
    unsealed = views(1)[0]
    lift_triggers("core_auditevent")
    raw(
        "UPDATE core_auditevent SET reason = 'rien vu' WHERE id IN (%s, %s)",
        [sealed.pk, unsealed.pk],
    )
    status, output = audit_verify("--read-only")
    assert status == 1
    assert f"audit row {sealed.pk}: altered" in output
    assert f"audit row {unsealed.pk}: altered" in output


def test_re_hashing_rows_without_the_key_is_detected():
    event = views(2)[0]
    lift_triggers("core_auditevent")
    row = AuditEvent.objects.filter(pk=event.pk).values().get()
    row["reason"] = "accès légitime"
    forged = hashlib.sha256(row_payload(row)).hexdigest()
    raw(
        "UPDATE core_auditevent SET reason = %s, mac = %s WHERE id = %s",
        [row["reason"], forged, event.pk],
    )
    status, output = audit_verify()
    assert status == 1
    assert f"audit row {event.pk}: altered (its MAC does not match its content" in output
    assert not AuditSeal.objects.filter(last_id__gte=event.pk).exists()  # never sealed over


def test_deleting_middle_rows_of_a_sealed_block_is_detected():
    events = views(4)
    assert audit_verify()[0] == 0
    lift_triggers("core_auditevent")
    raw("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    status, output = audit_verify()
    assert status == 1
    assert "seal #1" in output and "rows deleted" in output


def test_truncating_the_last_rows_is_detected_against_the_anchor():
    events = views(4)
    assert audit_verify()[0] == 0  # sealed and anchored
    lift_triggers("core_auditevent")
    lift_triggers("core_auditseal")
    raw("DELETE FROM core_auditevent WHERE id >= %s", [events[2].pk])
    raw("DELETE FROM core_auditseal")  # and the seals that covered them
    status, output = audit_verify()
    assert status == 1
    assert f"audit rows up to id {events[-1].pk} (anchored): truncated" in output
    assert "seal #1 (anchored): rewritten" in output  # re-sealed without the anchored rows


def test_an_unsealed_tail_deleted_after_anchoring_is_detected():
    events = views(2)
    assert audit_verify()[0] == 0
    later = views(3)
    call_command("ledger", "anchor", stdout=io.StringIO())  # anchored before sealing
    lift_triggers("core_auditevent")
    raw("DELETE FROM core_auditevent WHERE id = %s", [later[1].pk])
    status, output = audit_verify("--read-only")
    assert status == 1
    assert "rows deleted" in output
    assert events


def test_a_forged_anchor_in_the_table_is_detected():
    views(2)
    assert audit_verify()[0] == 0
    raw(
        "INSERT INTO core_ledgeranchor (sequence, at, state, key_id, mac) VALUES "
        "(2, %s, %s, 't1', %s)",
        ["2026-01-01T00:00:00+00:00", json.dumps({"audit": {"max_id": 1}}), "0" * 64],
    )
    status, output = audit_verify()
    assert status == 1
    assert "anchor #2 (table): forged anchor" in output


def test_rows_signed_before_and_after_a_key_rotation_both_verify(settings, tmp_path):
    settings.LEDGER_KEYS = ""
    settings.LEDGER_KEY_FILE = str(tmp_path / "ledger-keys")
    out = io.StringIO()
    call_command("ledger", "rotate-key", stdout=out)
    before = views(2)
    assert audit_verify()[0] == 0
    call_command("ledger", "rotate-key", stdout=out)
    assert "New ledger key k2" in out.getvalue()
    after = views(2)
    status, output = audit_verify()
    assert status == 0, output
    assert {e.key_id for e in before} == {"k1"} and {e.key_id for e in after} == {"k2"}
    assert set(AuditSeal.objects.values_list("key_id", flat=True)) == {"k1", "k2"}
    # Dropping the old key makes what it signed unverifiable: keys are retired, never deleted.
    keys = Path(settings.LEDGER_KEY_FILE).read_text().splitlines()
    Path(settings.LEDGER_KEY_FILE).write_text(keys[1] + "\n")
    assert audit_verify("--read-only")[0] == 1


def test_rows_younger_than_the_grace_period_wait_for_the_next_sealing(settings):
    settings.LEDGER_SEAL_GRACE_SECONDS = 3600
    views(2)
    status, output = audit_verify()
    assert status == 0, output
    if connection.vendor == "postgresql":
        assert "2 not sealed yet" in output
    else:  # one writer at a time: no late commit can land below a committed id
        assert "0 not sealed yet" in output
