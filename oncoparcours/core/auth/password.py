"""Self-service password change (logged in) and reset by e-mail, on Django's token views.

The reset request page answers the same whether the address matches an account or not."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as django_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponse
from django.urls import reverse_lazy

from ..audit import audit_record
from ..models import AuditAction, User


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
        email = form.cleaned_data["email"]
        accounts = sum(1 for _ in form.get_users(email))
        audit_record(
            actor=None,
            action=AuditAction.PASSWORD_RESET,
            details={"event": "requested", "email": email[:254], "accounts": accounts},
        )
        return super().form_valid(form)


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
