"""The open alerts' index kept by the database itself (issue 19, safety review).

Two triggers, on SQLite and PostgreSQL: a new alert gets its ``monitoring_openalert`` row in the
same statement that inserts it, and a "resolved" event removes it in the same statement. So no
writer — a service, the demo, raw SQL, an older process still running during a deploy — can
create an alert that the inboxes do not see. ``ensure_open_alert_triggers`` runs from the
migration and after every ``migrate`` (a SQLite table rebuilt by a later migration loses its
triggers); ``services.open_alerts`` checks the index against the events as a last net."""

from __future__ import annotations

from typing import Any

_POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION monitoring_openalert_on_alert() RETURNS trigger AS $$
    BEGIN
        INSERT INTO monitoring_openalert (alert_id, patient_id) VALUES (NEW.id, NEW.patient_id)
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE TRIGGER monitoring_alert_open AFTER INSERT ON monitoring_alert
    FOR EACH ROW EXECUTE FUNCTION monitoring_openalert_on_alert()""",
    """CREATE OR REPLACE FUNCTION monitoring_openalert_on_event() RETURNS trigger AS $$
    BEGIN
        IF NEW.kind = 'resolved' THEN
            DELETE FROM monitoring_openalert WHERE alert_id = NEW.alert_id;
        END IF;
        RETURN NULL;
    END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE TRIGGER monitoring_alertevent_resolved AFTER INSERT ON
    monitoring_alertevent FOR EACH ROW EXECUTE FUNCTION monitoring_openalert_on_event()""",
]
_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS monitoring_alert_open AFTER INSERT ON monitoring_alert
    BEGIN
        INSERT OR IGNORE INTO monitoring_openalert (alert_id, patient_id)
        VALUES (NEW.id, NEW.patient_id);
    END""",
    """CREATE TRIGGER IF NOT EXISTS monitoring_alertevent_resolved AFTER INSERT ON
    monitoring_alertevent WHEN NEW.kind = 'resolved'
    BEGIN
        DELETE FROM monitoring_openalert WHERE alert_id = NEW.alert_id;
    END""",
]
TABLES = {"monitoring_alert", "monitoring_alertevent", "monitoring_openalert"}


def open_alert_trigger_statements(vendor: str) -> list[str]:
    return {"postgresql": _POSTGRESQL, "sqlite": _SQLITE}.get(vendor, [])


def install_open_alert_triggers(schema_editor: Any) -> None:
    for statement in open_alert_trigger_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def ensure_open_alert_triggers(using: str = "default", **kwargs: Any) -> None:
    """Put the two triggers back if they are missing (idempotent; a post_migrate handler)."""
    from django.db import connections

    connection = connections[using]
    if not set(connection.introspection.table_names()) >= TABLES:
        return
    with connection.cursor() as cursor:
        for statement in open_alert_trigger_statements(connection.vendor):
            cursor.execute(statement)
