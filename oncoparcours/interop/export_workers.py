"""Worker processes that build the bulk export's chunks side by side (``$export``).

The streaming request keeps everything that decides *what* is exported and *who* saw it: it
reads the patients the caller may see (keyset on the id, objecting patients left out), writes
each chunk's audit rows and yields the chunks **in order**. A worker only turns one chunk's
patient rows into NDJSON bytes (``bulk_export.chunk_block``), reading the further rows of those
patients with its own database connection. At most ``workers + 1`` chunks are in flight, so
memory stays bounded whatever the number of patients.

Workers are started with ``spawn`` (a fresh interpreter: no copy of the web worker's threads,
locks or open connection) and told the database, the language and the purpose's pseudonym key
the request uses, so their bytes are the ones the request would have built itself (tested byte
for byte). A database only this process can see (SQLite in memory, the test suite's default)
cannot be shared: the export then builds every chunk in process, as it does for small exports.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from django.db import connection
from django.utils import translation

# What a worker needs to build chunks as the request would (set once per worker process).
_STATE: dict[str, Any] = {}


def shareable_database(settings_dict: dict[str, Any]) -> bool:
    """Whether another process can open the request's database (not SQLite in memory)."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        name = str(settings_dict.get("NAME") or "")
        return bool(name) and ":memory:" not in name and "mode=memory" not in name
    return True


def _start(database: dict[str, Any], language: str, key: bytes, types: frozenset[str]) -> None:
    """Worker initialiser: Django set up on the request's database, language and key."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oncoparcours.settings")
    from django.conf import settings

    default: dict[str, Any] = settings.DATABASES["default"]  # type: ignore[assignment]
    default.update(database)
    import django

    django.setup()
    _STATE.update(language=language, key=key, types=set(types))


def _build(patients: list[tuple[Any, ...]]) -> bytes:
    from . import builders
    from .bulk_export import Pseudonyms, chunk_block

    token = builders.VALIDATE.set(False)
    try:
        with translation.override(_STATE["language"]):
            alias = Pseudonyms.with_key(_STATE["key"])
            return chunk_block(patients, alias, _STATE["types"])
    finally:
        builders.VALIDATE.reset(token)


class ChunkWorkers:
    """A pool of ``count`` worker processes building chunks; ``blocks`` yields each chunk's
    bytes in the order the chunks were given, at most ``count + 1`` submitted ahead."""

    def __init__(self, count: int, key: bytes, types: set[str]) -> None:
        database = {
            name: value
            for name, value in connection.settings_dict.items()
            if name in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
        }
        language = translation.get_language() or "fr"
        self.ahead = count + 1
        self.pool = ProcessPoolExecutor(
            max_workers=count,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(database, language, key, frozenset(types)),
        )

    def blocks(
        self, chunks: Iterable[list[tuple[Any, ...]]]
    ) -> Iterator[tuple[list[tuple[Any, ...]], bytes]]:
        """(chunk, its NDJSON bytes) for every chunk, in order."""
        waiting: deque[tuple[list[tuple[Any, ...]], Future[bytes]]] = deque()
        for chunk in chunks:
            waiting.append((chunk, self.pool.submit(_build, chunk)))
            if len(waiting) >= self.ahead:
                done, future = waiting.popleft()
                yield done, future.result()
        while waiting:
            done, future = waiting.popleft()
            yield done, future.result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
