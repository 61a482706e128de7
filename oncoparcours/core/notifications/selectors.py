from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from ..models import User
from .models import DeliveryAttempt, Notification

PAGE = 50


def received_by(user: User) -> QuerySet[Notification]:
    """The user's in-application notifications, newest first."""
    return Notification.objects.filter(recipient_user=user, channel="in_app").order_by(
        "-created_at"
    )[:PAGE]


def sent_by(user: User) -> QuerySet[Notification]:
    """Notifications the user asked for, with every delivery attempt (two queries)."""
    return (
        Notification.objects.filter(requested_by=user)
        .prefetch_related(
            Prefetch("attempts", queryset=DeliveryAttempt.objects.order_by("at", "id"))
        )
        .order_by("-created_at")[:PAGE]
    )
