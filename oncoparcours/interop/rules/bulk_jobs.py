"""The states of an asynchronous bulk export and the changes allowed between them (pure).

queued → running (the worker takes it) or cancelled (the client's DELETE);
running → completed, failed, or cancelled (checked between chunks);
completed / failed → cancelled (the client deletes the files) or expired (retention over);
cancelled and expired are final: the files are gone."""

from __future__ import annotations

TRANSITIONS: dict[str, frozenset[str]] = {
    "queued": frozenset({"running", "cancelled"}),
    "running": frozenset({"completed", "failed", "cancelled"}),
    "completed": frozenset({"cancelled", "expired"}),
    "failed": frozenset({"cancelled", "expired"}),
    "cancelled": frozenset(),
    "expired": frozenset(),
}
IN_PROGRESS = frozenset({"queued", "running"})
GONE = frozenset({"cancelled", "expired"})


class IllegalTransition(ValueError):
    def __init__(self, current: str, wanted: str) -> None:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none (final state)"
        super().__init__(f"a {current} export cannot become {wanted}; allowed: {allowed}")
        self.current, self.wanted = current, wanted


def check_transition(current: str, wanted: str) -> None:
    if wanted not in TRANSITIONS[current]:
        raise IllegalTransition(current, wanted)
