"""Per-request (or per-command) context used by the audit trail: request id, client IP, path."""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    ip: str | None = None
    path: str = ""
    # Values read once per HTTP request (never for commands and tasks, which live long): see
    # ``request_memo``. Set by the request middleware only.
    memo: dict[str, Any] | None = field(default=None, compare=False, repr=False)


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "oncoparcours_request_context", default=None
)


def current() -> RequestContext:
    """The context of the running request, or a fresh one for commands and tasks."""
    context = _current.get()
    if context is None:
        context = RequestContext(path="(command)")
        _current.set(context)
    return context


def request_memo() -> dict[str, Any] | None:
    """A dict living as long as the running HTTP request, for values several parts of one page
    read (e.g. the user's break-the-glass grants); None outside a request."""
    context = _current.get()
    return context.memo if context is not None else None


def activate(context: RequestContext) -> contextvars.Token:
    return _current.set(context)


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)
