import pytest
from django.db import DatabaseError, connection, transaction

from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction, AuditEvent
from oncoparcours.core.request_context import RequestContext, activate, deactivate


@pytest.mark.django_db
def test_audit_event_records_request_context(django_user_model):
    user = django_user_model.objects.create_user(username="u1", password="x")
    token = activate(RequestContext(request_id="req-12345678", ip="10.1.2.3", path="/x/"))
    try:
        event = audit_record(actor=user, action=AuditAction.VIEW, reason="because")
    finally:
        deactivate(token)
    event.refresh_from_db()
    assert (event.request_id, event.ip, event.path, event.actor_label) == (
        "req-12345678",
        "10.1.2.3",
        "/x/",
        "u1",
    )


@pytest.mark.django_db
def test_audit_events_cannot_be_changed_or_deleted_through_the_orm():
    event = audit_record(actor=None, action=AuditAction.LOGIN_FAILED)
    event.reason = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.django_db
def test_the_database_refuses_updates_of_audit_rows_even_in_raw_sql():
    event = audit_record(actor=None, action=AuditAction.LOGIN_FAILED)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'tampered' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.django_db
def test_unknown_audit_action_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown audit action"):
        audit_record(actor=None, action="peek")


def test_request_id_is_echoed_in_the_response(client):
    response = client.get("/connexion/", HTTP_X_REQUEST_ID="abcdef123456")
    assert response["X-Request-ID"] == "abcdef123456"
    assert "script-src 'self'" in response["Content-Security-Policy"]
