"""``UrlTemplate``: reverse a URL once, then put each row's ids in it.

``reverse()`` walks the resolver, checks the converters and quotes the result on every call:
a list of 50 rows with four links each spent several milliseconds of CPU in it (issue 19). For
arguments converted by ``<uuid:...>`` the reversed URL holds ``str(value)`` as is, so reversing
once with marker ids and putting each row's ids in their place gives the very URL ``reverse()``
would give. Build one per request (the script prefix belongs to the request), not at import.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import reverse


class UrlTemplate:
    """``UrlTemplate("pathways:instance", "patient_id", "instance_id")`` called with
    ``patient_id=p, instance_id=i`` gives
    ``reverse("pathways:instance", kwargs={"patient_id": p, "instance_id": i})``.

    ``ids`` name the ``<uuid:...>`` arguments that change from row to row; ``fixed`` are the
    arguments shared by every row (any converter)."""

    def __init__(self, viewname: str, *ids: str, **fixed: Any) -> None:
        markers = {name: uuid.UUID(int=0xF1A9 << 64 | number) for number, name in enumerate(ids)}
        url = reverse(viewname, kwargs={**fixed, **markers})
        positions = []
        for name, marker in markers.items():
            if url.count(str(marker)) != 1:
                raise ValueError(f"{viewname}: {name} is not a plain <uuid:...> argument")
            positions.append((url.index(str(marker)), name))
        # The literal pieces before each id, in the order the ids appear in the URL.
        self._pieces: list[tuple[str, str]] = []
        start = 0
        for position, name in sorted(positions):
            self._pieces.append((url[start:position], name))
            start = position + len(str(markers[name]))
        self._tail = url[start:]

    def __call__(self, **ids: uuid.UUID) -> str:
        return "".join([f"{piece}{ids[name]}" for piece, name in self._pieces]) + self._tail
