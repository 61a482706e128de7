"""Sections of the patient record page contributed by other apps (pathways, follow-up, boards)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RecordSection:
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


SectionProvider = Callable[[Any, Any], RecordSection | None]  # (access, request)
_providers: dict[str, tuple[int, SectionProvider]] = {}


def register_record_section(key: str, provider: SectionProvider, *, order: int = 100) -> None:
    _providers[key] = (order, provider)


def record_sections(access: Any, request: Any) -> list[RecordSection]:
    sections = []
    for _order, provider in sorted(_providers.values(), key=lambda item: item[0]):
        section = provider(access, request)
        if section is not None:
            sections.append(section)
    return sections
