"""Sections other apps add at the top of "My activities" (e.g. the alerts waiting for me), so
the worklist shows everything a professional has to do, most urgent first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class WorklistSection:
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


SectionProvider = Callable[[Any], WorklistSection | None]  # (request)
_providers: dict[str, tuple[int, SectionProvider]] = {}


def register_worklist_section(key: str, provider: SectionProvider, *, order: int = 100) -> None:
    _providers[key] = (order, provider)


def worklist_sections(request: Any) -> list[WorklistSection]:
    sections = []
    for _order, provider in sorted(_providers.values(), key=lambda item: item[0]):
        section = provider(request)
        if section is not None:
            sections.append(section)
    return sections
