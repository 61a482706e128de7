"""``{{ event|audit_what }}``: what an audit event's actor saw or changed, in words."""

from __future__ import annotations

from django import template

from oncoparcours.core.audit_words import what_label
from oncoparcours.core.models import AuditEvent

register = template.Library()


@register.filter
def audit_what(event: AuditEvent) -> str:
    return what_label(event)
