"""Session guard: runs after authentication on every request that reaches Django.

* A locked or deactivated account's open sessions end on their next request (audited).
* A user who must use a second factor and has not yet done so in this session reaches only the
  verification / enrolment pages (and logout).
* ``Cache-Control: no-store`` on every response (static files are served before this middleware),
  so no page, JSON answer or document carrying patient data stays in a browser or proxy cache.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from ..audit import audit_record
from ..models import AuditAction, User
from . import second_factor
from .lockout import is_locked

OPEN_DURING_SECOND_FACTOR = ("core:second_factor_verify", "core:second_factor_enrol", "core:logout")


class SessionGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self._guard(request) or self.get_response(request)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response

    def _guard(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            if SESSION_KEY in request.session:
                return _end_session(request, _session_user(request), "account_inactive")
            return None
        assert isinstance(user, User)
        if is_locked(user.get_username()):
            return _end_session(request, user, "account_locked")
        if second_factor.is_required_for(user) and not second_factor.is_verified(request):
            return _second_factor_step(request, user)
        return None


def _session_user(request: HttpRequest) -> User | None:
    try:
        return User.objects.filter(pk=request.session[SESSION_KEY]).first()
    except (ValueError, TypeError):
        return None


def _end_session(request: HttpRequest, user: User | None, reason: str) -> HttpResponse:
    audit_record(
        actor=user,
        action=AuditAction.SESSION_ENDED,
        details={"reason": reason, "username": user.get_username() if user else ""},
    )
    logout(request)
    return _to(reverse("core:login"), request)


def _second_factor_step(request: HttpRequest, user: User) -> HttpResponse | None:
    allowed = {reverse(name) for name in OPEN_DURING_SECOND_FACTOR}
    if request.path in allowed or request.path.startswith("/i18n/"):
        return None
    step = (
        "core:second_factor_verify"
        if second_factor.has_confirmed_device(user)
        else "core:second_factor_enrol"
    )
    return _to(reverse(step), request)


def _to(url: str, request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and request.path != "/":
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    return HttpResponseRedirect(url)
