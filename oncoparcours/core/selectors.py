from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .models import AuditEvent, Role, User


def can_view_user_audit(*, viewer: User, subject: User) -> bool:
    """A user sees their own trail; administrators see everybody's."""
    return viewer.pk == subject.pk or viewer.role == Role.ADMINISTRATOR or viewer.is_superuser


def audit_events_by_actor(*, viewer: User, subject_id: int) -> tuple[User, QuerySet[AuditEvent]]:
    subject = User.objects.filter(pk=subject_id).first()
    if subject is None or not can_view_user_audit(viewer=viewer, subject=subject):
        raise Http404
    return subject, AuditEvent.objects.filter(actor=subject).order_by("-at", "-id")
