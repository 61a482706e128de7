"""Per-request (or per-command) context used by the audit trail: request id, client IP, path."""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestContext:
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    ip: str | None = None
    path: str = ""


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


def activate(context: RequestContext) -> contextvars.Token:
    return _current.set(context)


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)
