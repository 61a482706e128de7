"""The one exception type services raise for refusals a user must understand."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class ApplicationError(Exception):
    """A refused operation, with a message for the user.

    ``field`` names the input at fault when there is one; ``errors`` maps several fields to
    their messages; ``allowed`` lists the allowed next states when a transition is refused.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        errors: Mapping[str, Iterable[str]] | None = None,
        allowed: Iterable[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = {key: list(value) for key, value in (errors or {}).items()}
        if field and field not in self.errors:
            self.errors[field] = [message]
        self.allowed = list(allowed or [])

    def __str__(self) -> str:
        return self.message
