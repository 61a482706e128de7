"""Sections of the patient record page contributed by other apps (pathways, follow-up, boards).

A section registered with ``lazy_title`` is not computed with the page (issue 19): the page
shows its heading and a link to its own URL (``patients:record_section``), which htmx follows
when the section scrolls into view; the section's provider then runs in that request alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse


@dataclass
class RecordSection:
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    key: str = ""  # the registry key (set by record_sections / section_for)
    url: str = ""  # set for a lazy section's placeholder: the URL of its fragment

    @property
    def anchor(self) -> str:
        """An HTML id for the section, stable across the page and its fragment."""
        return "record-" + self.key.replace(".", "-")


SectionProvider = Callable[[Any, Any], RecordSection | None]  # (access, request)
ShownCheck = Callable[[Any, Any], bool]  # (access, request): cheap, no query


@dataclass(frozen=True)
class _Entry:
    order: int
    provider: SectionProvider
    lazy_title: Any = None  # a (lazy) translatable title: the section loads on its own
    shown: ShownCheck | None = None


_providers: dict[str, _Entry] = {}


def register_record_section(
    key: str,
    provider: SectionProvider,
    *,
    order: int = 100,
    lazy_title: Any = None,
    shown: ShownCheck | None = None,
) -> None:
    """``lazy_title``: load the section after the page, from its own URL, under this heading.
    ``shown``: for a lazy section, whether the page offers it to this reader (the provider may
    still return None; its fragment is then a 404)."""
    _providers[key] = _Entry(order, provider, lazy_title, shown)


def lazy_section_keys() -> list[str]:
    return [key for key, entry in _sorted() if entry.lazy_title is not None]


def _sorted() -> list[tuple[str, _Entry]]:
    return sorted(_providers.items(), key=lambda item: item[1].order)


def record_sections(access: Any, request: Any) -> list[RecordSection]:
    """The record's sections in order: the eager ones computed, the lazy ones as placeholders
    (a title and the URL of their fragment, no query)."""
    sections = []
    for key, entry in _sorted():
        if entry.lazy_title is not None:
            if entry.shown is None or entry.shown(access, request):
                url = reverse("patients:record_section", args=[access.patient.pk, key])
                sections.append(RecordSection(str(entry.lazy_title), "", key=key, url=url))
            continue
        section = entry.provider(access, request)
        if section is not None:
            section.key = key
            sections.append(section)
    return sections


def section_for(key: str, access: Any, request: Any) -> RecordSection | None:
    """A lazy section computed on its own (its fragment); None if the key is not a lazy
    section's, or the section is not offered to this reader or empty for them."""
    entry = _providers.get(key)
    if entry is None or entry.lazy_title is None:
        return None
    if entry.shown is not None and not entry.shown(access, request):
        return None
    section = entry.provider(access, request)
    if section is not None:
        section.key = key
    return section
