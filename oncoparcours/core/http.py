"""Typing helper: requests that reached a ``login_required`` view carry a real user."""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
