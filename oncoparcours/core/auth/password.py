"""Self-service password change (logged in) and reset by e-mail, on Django's token views.

The reset request page answers the same whether the address matches an account or not."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import views as django_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils import timezone

from ..audit import audit_record
from ..middleware import client_ip
from ..models import AuditAction, PasswordResetRequest, User


class PasswordChange(django_views.PasswordChangeView):
    template_name = "core/password/change.html"
    success_url = reverse_lazy("core:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(actor=form.user, action=AuditAction.PASSWORD_CHANGE)
        return response


class PasswordChangeDone(django_views.PasswordChangeDoneView):
    template_name = "core/password/change_done.html"


class PasswordReset(django_views.PasswordResetView):
    template_name = "core/password/reset_form.html"
    email_template_name = "core/password/reset_email.txt"
    subject_template_name = "core/password/reset_subject.txt"
    success_url = reverse_lazy("core:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"][:254]
        ip = client_ip(self.request)
        limited = reset_requests_exceeded(email, ip)
        accounts = sum(1 for _ in form.get_users(email))
        PasswordResetRequest.objects.create(email=email.lower(), ip=ip, mailed=not limited)
        audit_record(
            actor=None,
            action=AuditAction.PASSWORD_RESET,
            details={
                "event": "rate_limited" if limited else "requested",
                "email": email,
                "accounts": accounts,
            },
        )
        if limited:  # the same answer: the page never tells whether a mail left
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


def reset_requests_exceeded(email: str, ip: str | None) -> bool:
    """Reset mails are limited per address and per source within the window (mail bombing,
    account probing): over the limit the request is recorded and audited, no mail is sent."""
    since = timezone.now() - dt.timedelta(minutes=settings.PASSWORD_RESET_WINDOW_MINUTES)
    recent = PasswordResetRequest.objects.filter(at__gte=since, mailed=True)
    if recent.filter(email=email.lower()).count() >= settings.PASSWORD_RESET_MAX_PER_EMAIL:
        return True
    return bool(ip) and recent.filter(ip=ip).count() >= settings.PASSWORD_RESET_MAX_PER_IP


class PasswordResetDone(django_views.PasswordResetDoneView):
    template_name = "core/password/reset_done.html"


class PasswordResetConfirm(django_views.PasswordResetConfirmView):
    template_name = "core/password/reset_confirm.html"
    success_url = reverse_lazy("core:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user: User = form.user
        audit_record(actor=user, action=AuditAction.PASSWORD_RESET, details={"event": "completed"})
        return response


class PasswordResetComplete(django_views.PasswordResetCompleteView):
    template_name = "core/password/reset_complete.html"
