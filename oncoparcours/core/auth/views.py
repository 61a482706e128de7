"""Login, second factor, admin login redirect. Password change and reset: ``password.py``."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _

from .. import request_context
from ..http import AuthenticatedHttpRequest, form_status
from . import second_factor
from .forms import LockoutAuthenticationForm
from .lockout import FailureReason, is_address_locked, is_locked, record_failure, record_success


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


class OncoLoginView(LoginView):
    template_name = "core/login.html"
    authentication_form = LockoutAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: LockoutAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        auth_login(self.request, user)
        if second_factor.is_required_for(user):
            step = (
                "core:second_factor_verify"
                if second_factor.has_confirmed_device(user)
                else "core:second_factor_enrol"
            )
            query = urlencode({"next": self.get_success_url()})
            return HttpResponseRedirect(f"{reverse(step)}?{query}")
        record_success(user, request_context.current().ip, method="password")
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        context["oidc_label"] = settings.OIDC_LOGIN_LABEL
        return context


def admin_login_redirect(request: HttpRequest) -> HttpResponse:
    """The admin has no login page of its own: one path, one lockout, one second factor. A
    signed-in user without access to the administration is refused, not sent back to a login
    form they have already passed."""
    if request.user.is_authenticated:
        raise PermissionDenied
    query = request.GET.urlencode()
    return HttpResponseRedirect(reverse("core:login") + (f"?{query}" if query else ""))


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6-digit code shown by your authenticator app, or a recovery code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


LOCKED_MESSAGE = _(
    "Too many failed attempts: logging in is blocked for %(minutes)s minutes. "
    "Contact your administrator if you need access sooner."
)


@login_required
def second_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if second_factor.is_verified(request):
        return redirect(_next_url(request))
    if not second_factor.has_confirmed_device(user):
        return redirect(f"{reverse('core:second_factor_enrol')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = request_context.current().ip
        if is_locked(user.get_username()) or is_address_locked(ip):
            record_failure(user.get_username(), ip, FailureReason.ACCOUNT_LOCKED, user=user)
            logout(request)
            form.add_error(None, LOCKED_MESSAGE % {"minutes": settings.LOGIN_LOCKOUT_MINUTES})
            return render(request, "core/second_factor_verify.html", {"form": form}, status=403)
        method = second_factor.verify_code(request, user, form.cleaned_data["code"])
        if method:
            record_success(user, ip, method=f"password+{method}")
            return redirect(_next_url(request))
        record_failure(user.get_username(), ip, FailureReason.BAD_SECOND_FACTOR, user=user)
        form.add_error("code", _("This code is not valid. Check your app's clock and try again."))
    return render(
        request,
        "core/second_factor_verify.html",
        {"form": form, "next": _next_url(request)},
        status=form_status(request),
    )


@login_required
def second_factor_enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if second_factor.has_confirmed_device(user):
        if not second_factor.is_verified(request):
            return redirect(f"{reverse('core:second_factor_verify')}?{request.GET.urlencode()}")
        return render(request, "core/second_factor_enrol.html", {"enrolled": True})
    device = second_factor.pending_totp_device(user)
    form = CodeForm(request.POST or None)
    form.fields["code"].help_text = _("The 6-digit code now shown by your authenticator app.")
    if request.method == "POST" and form.is_valid():
        codes = second_factor.confirm_enrolment(request, device, form.cleaned_data["code"])
        if codes is not None:
            record_success(user, request_context.current().ip, method="password+totp_enrolment")
            return render(
                request,
                "core/second_factor_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        ip = request_context.current().ip
        record_failure(user.get_username(), ip, FailureReason.BAD_SECOND_FACTOR, user=user)
        form.add_error("code", _("This code is not valid. Check your app's clock and try again."))
    context = {
        "form": form,
        "qr_code": second_factor.qr_code_data_uri(device),
        "secret": second_factor.secret_text(device),
        "next": _next_url(request),
    }
    return render(request, "core/second_factor_enrol.html", context, status=form_status(request))
