"""The open alerts' index: written with the alert, removed when it is resolved, checked against
the events and repaired — an alert can never drop out of the inbox unseen."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from oncoparcours.core.models import AuditEvent
from oncoparcours.monitoring import services
from oncoparcours.monitoring.models import AlertEvent, AlertRecipient, OpenAlert
from oncoparcours.monitoring.selectors import inbox
from oncoparcours.monitoring.tasks import open_alerts_check

pytestmark = pytest.mark.django_db

URGENT = {"stools_over_baseline_per_day": 5}


def open_ids(user) -> list:
    return list(inbox(user=user, status="open").values_list("pk", flat=True))


def test_an_alert_is_indexed_while_open_and_leaves_the_index_when_resolved(submit, clinician):
    alert = submit(URGENT).alert
    assert list(OpenAlert.objects.values_list("alert_id", "patient_id")) == [
        (alert.pk, alert.patient_id)
    ]
    services.alert_acknowledge(alert=alert, actor=clinician.user, note="")
    assert OpenAlert.objects.filter(alert=alert).exists()  # acknowledged is still open
    assert open_ids(clinician.user) == [alert.pk]
    services.alert_resolve(alert=alert, actor=clinician.user, action="consultation", note="vu")
    assert not OpenAlert.objects.exists()
    assert open_ids(clinician.user) == []
    assert list(inbox(user=clinician.user, status="resolved").values_list("pk", flat=True)) == [
        alert.pk
    ]


def test_a_row_left_in_the_index_never_shows_a_resolved_alert_as_open(submit, clinician):
    alert = submit(URGENT).alert
    services.alert_resolve(alert=alert, actor=clinician.user, action="consultation", note="vu")
    OpenAlert.objects.create(alert=alert, patient=alert.patient)  # a stale row
    assert open_ids(clinician.user) == []
    assert list(inbox(user=clinician.user, status="unacknowledged")) == []


def test_a_missing_row_is_reported_then_put_back_by_the_worker(submit, clinician):
    kept = submit(URGENT).alert
    lost = submit(URGENT).alert
    resolved = submit(URGENT).alert
    services.alert_resolve(alert=resolved, actor=clinician.user, action="consultation", note="x")
    OpenAlert.objects.filter(alert=lost).delete()
    OpenAlert.objects.create(alert=resolved, patient=resolved.patient)
    assert open_ids(clinician.user) == [kept.pk]  # what the index protects against

    with pytest.raises(CommandError, match="differs"):
        call_command("open_alerts", "verify")

    assert open_alerts_check.call() == 2
    assert set(open_ids(clinician.user)) == {kept.pk, lost.pk}
    assert set(OpenAlert.objects.values_list("alert_id", flat=True)) == {kept.pk, lost.pk}
    repaired = AuditEvent.objects.filter(details__what="open alerts index repaired").get()
    assert repaired.details["missing"] == [str(lost.pk)]
    assert repaired.details["stale"] == [str(resolved.pk)]
    assert (repaired.details["missing_count"], repaired.details["stale_count"]) == (1, 1)
    call_command("open_alerts", "verify")  # agrees now: no error
    assert AlertEvent.objects.filter(alert=lost).count() == 1  # the alert itself untouched


def test_the_database_keeps_the_index_whoever_writes_the_alert(submit, clinician):
    """Triggers, not the services, keep the index: an alert written by any other path (raw ORM
    here, raw SQL or an older process during a deploy) is indexed, and its "resolved" event
    removes it."""
    from oncoparcours.monitoring.models import Alert

    model = submit(URGENT).alert
    alert = Alert.objects.create(
        patient=model.patient, level="urgent", organisation=model.organisation
    )
    AlertRecipient.objects.create(alert=alert, professional=clinician, role="oncologist")
    assert OpenAlert.objects.filter(alert=alert, patient=model.patient).exists()
    assert alert.pk in open_ids(clinician.user)
    AlertEvent.objects.create(alert=alert, kind="resolved", actor=clinician.user)
    assert not OpenAlert.objects.filter(alert=alert).exists()
    assert OpenAlert.objects.filter(alert=model).exists()  # the other alert is untouched


def test_alerts_that_tie_on_every_rank_are_paged_once_each(clinician_client, clinician, submit):
    from django.urls import reverse

    from oncoparcours.monitoring.models import Alert

    model = submit(URGENT).alert
    same = {
        "patient": model.patient,
        "level": model.level,
        "organisation": model.organisation,
        "deadline": model.deadline,
        "created_at": model.created_at,
    }
    tied = [Alert.objects.create(**same) for _ in range(54)]
    for alert in tied:
        AlertRecipient.objects.create(alert=alert, professional=clinician, role="oncologist")
    first = clinician_client.get(reverse("monitoring:inbox")).context["page_obj"]
    second = clinician_client.get(reverse("monitoring:inbox"), {"page": 2}).context["page_obj"]
    shown = [a.pk for a in first] + [a.pk for a in second]
    assert len(shown) == 55 and set(shown) == {model.pk} | {a.pk for a in tied}
