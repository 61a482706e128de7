"""Typing helper: requests that reached a ``login_required`` view carry a real user."""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def form_status(request: HttpRequest) -> int:
    """The status of a page that shows a form: 400 when a submitted form is shown again with
    its errors, 200 otherwise."""
    return 400 if request.method == "POST" else 200
