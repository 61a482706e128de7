"""Every write of home follow-up: atomic, audited, with the actor.

* ``reports`` — submitting a report (self-report, nurse visit, clinician assessment) graded and
  triaged in the same transaction as its alert;
* ``alerts`` — acknowledgement, resolution, escalation of overdue alerts, missing-report reminders;
* ``links`` — patients' personal reporting links;
* ``adverse`` — confirmed adverse events;
* ``rulesets`` — triage rule sets: load, validate, activate (vignettes must pass).
"""

from .adverse import adverse_event_record
from .alerts import (
    alert_acknowledge,
    alert_resolve,
    escalate_overdue_alerts,
    remind_missing_reports,
)
from .links import access_link_create, access_link_for_token, access_link_revoke
from .reports import report_submit
from .rulesets import rule_set_activate, rule_set_for_patient, rule_set_validate, rule_sets_load

__all__ = [
    "access_link_create",
    "access_link_for_token",
    "access_link_revoke",
    "adverse_event_record",
    "alert_acknowledge",
    "alert_resolve",
    "escalate_overdue_alerts",
    "remind_missing_reports",
    "report_submit",
    "rule_set_activate",
    "rule_set_for_patient",
    "rule_set_validate",
    "rule_sets_load",
]
