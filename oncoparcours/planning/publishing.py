"""Publishing a day plan's version (nurse tours and chairs alike): a draft becomes the published
plan, once, and only while no newer version of the same day exists. Audited; the caller holds the
row lock and checks the planner's rights."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.models import AuditAction, User

from .models import PLAN_TRANSITIONS, PlanStatus


def publish_version(*, actor: User, plan: Any, newer_exists: bool) -> Any:
    if PlanStatus.PUBLISHED not in PLAN_TRANSITIONS[plan.status]:
        raise ApplicationError(_("This plan is already published."), field="status")
    if newer_exists:
        raise ApplicationError(_("A newer version of this day's plan exists."), field="version")
    plan.status = PlanStatus.PUBLISHED
    plan.published_at = timezone.now()
    plan.published_by = actor
    plan.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=plan,
        details={"status": "published", "day": plan.day.isoformat(), "version": plan.version},
    )
    return plan
