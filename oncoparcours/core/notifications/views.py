"""The user's notifications: what reached them in the application, what they sent and how each
delivery went, and their preferences (channels, quiet hours)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..http import AuthenticatedHttpRequest
from ..models import Role
from . import selectors, services
from .forms import PreferenceForm
from .models import Notification


@login_required
def notifications_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "core/notifications/page.html",
        {
            "received": selectors.received_by(request.user),
            "sent": selectors.sent_by(request.user),
            "outbox": services_outbox_note(),
            # The folder is a server detail: only an administrator is told where it is.
            "show_outbox_path": request.user.role == Role.ADMINISTRATOR
            or request.user.is_superuser,
        },
    )


def services_outbox_note() -> str:
    from .backends import outbox_dir

    folder = outbox_dir()
    return str(folder) if folder is not None else ""


@login_required
@require_POST
def notification_read(
    request: AuthenticatedHttpRequest, notification_id: uuid.UUID
) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=notification_id, recipient_user=request.user)
    services.notification_mark_read(notification=notification, actor=request.user)
    return redirect("core:notifications")


@login_required
def preferences_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = f"user:{request.user.pk}"
    current = services.preference_for(person)
    initial: dict[str, object] = {"first": "in_app", "second": "email", "time_zone": "Europe/Paris"}
    if current is not None:
        chain = [*current.chain, "", ""]
        initial = {
            "first": chain[0],
            "second": chain[1],
            "quiet_start": current.quiet_start,
            "quiet_end": current.quiet_end,
            "time_zone": current.time_zone,
        }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preference_update(
            person=person,
            chain=form.chain(),
            quiet_start=form.cleaned_data.get("quiet_start"),
            quiet_end=form.cleaned_data.get("quiet_end"),
            time_zone=form.cleaned_data["time_zone"],
            actor=request.user,
        )
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("core:notification_preferences")
    return render(request, "core/notifications/preferences.html", {"form": form})
