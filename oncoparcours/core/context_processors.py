from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from oncoparcours import __version__

from .navigation import nav_items_for

CIVILITY_SESSION_KEY = "civility"


def remember_civility(sender: object, request: HttpRequest, user: object, **kwargs: object) -> None:
    """On login, keep the user's civility (their professional record's) in the session."""
    professional = getattr(user, "professional", None)
    request.session[CIVILITY_SESSION_KEY] = getattr(professional, "civility", "") or ""


def shell(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    nav = []
    if user is not None and user.is_authenticated:
        for item in nav_items_for(user.role, getattr(request, "session", None)):
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            nav.append(
                {
                    "key": item.key,
                    "label": item.label,
                    "url": url,
                    "current": request.path.startswith(url) and url != "/",
                }
            )
    return {
        "app_version": __version__,
        "main_nav": nav,
        "environment": settings.ENVIRONMENT,
        # Read at login (core/apps.py): the header's job title without a query per page.
        "user_civility": request.session.get(CIVILITY_SESSION_KEY, "")
        if hasattr(request, "session")
        else "",
    }
