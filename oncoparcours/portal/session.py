"""Portal sessions, separate from staff accounts: the portal account's id and session epoch live
under their own session key; ``request.user`` stays anonymous, so every staff page (behind
``login_required`` and the care-team checks) stays closed to a patient or a caregiver. Logging
in flushes the session (no fixation, no staff login carried over)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from .models import PortalAccount

SESSION_KEY = "_portal_account"
ADDRESS_KEY = "_portal_address"


class PortalRequest(HttpRequest):
    portal_account: PortalAccount


def portal_login(request: HttpRequest, account: PortalAccount) -> None:
    request.session.flush()
    request.session[SESSION_KEY] = {"account": str(account.pk), "epoch": account.session_epoch}


def portal_logout(request: HttpRequest) -> None:
    request.session.flush()


def current_account(request: HttpRequest) -> PortalAccount | None:
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        account_id = uuid.UUID(str(data.get("account")))
    except ValueError:
        return None
    account = (
        PortalAccount.objects.select_related("patient")
        .filter(pk=account_id, revoked_at__isnull=True)
        .first()
    )
    if account is None or account.session_epoch != data.get("epoch"):
        request.session.pop(SESSION_KEY, None)
        return None
    return account


View = Callable[..., HttpResponseBase]


def portal_required(right: str | None = None) -> Callable[[View], View]:
    """The view needs a portal session (else the code login page) and, for a caregiver, the
    right (else 404: the page does not exist for them)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            account = current_account(request)
            if account is None:
                return redirect("portal:login")
            if right is not None and not account.may(right):
                raise Http404
            request.portal_account = account  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
