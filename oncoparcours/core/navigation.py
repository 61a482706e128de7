"""Registries that let higher apps add to the shell without core importing them.

* ``register_nav_item``: an entry of the main navigation.
* ``register_home_panel``: a panel of the home page ("what needs me this week").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from .http import AuthenticatedHttpRequest


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    order: int = 100
    roles: frozenset[str] | None = None  # None: every logged-in user
    # Shown only when this session key is true (set at login by the app that owns the item,
    # e.g. the ICU staff among physicians): no query per page.
    session_flag: str = ""

    def visible_to(self, role: str) -> bool:
        return self.roles is None or role in self.roles


@dataclass
class HomePanel:
    title: str | Promise
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


HomePanelProvider = Callable[[AuthenticatedHttpRequest], HomePanel | None]

_nav_items: dict[str, NavItem] = {}
_home_panel_providers: list[tuple[int, str, HomePanelProvider]] = []


def register_nav_item(item: NavItem) -> None:
    _nav_items[item.key] = item


def nav_items_for(role: str, flags: Mapping[str, Any] | None = None) -> list[NavItem]:
    """The role's entries; one with a ``session_flag`` only when ``flags`` (the session) has it."""
    return sorted(
        (
            i
            for i in _nav_items.values()
            if i.visible_to(role) and (not i.session_flag or (flags or {}).get(i.session_flag))
        ),
        key=lambda i: i.order,
    )


def register_home_panel(
    key: str, provider: HomePanelProvider, *, order: int = 100, roles: Iterable[str] | None = None
) -> None:
    allowed = frozenset(roles) if roles is not None else None

    def guarded(request: AuthenticatedHttpRequest) -> HomePanel | None:
        if allowed is not None and request.user.role not in allowed:
            return None
        return provider(request)

    _home_panel_providers[:] = [p for p in _home_panel_providers if p[1] != key]
    _home_panel_providers.append((order, key, guarded))
    _home_panel_providers.sort(key=lambda p: (p[0], p[1]))


def home_panels_for(request: AuthenticatedHttpRequest) -> list[HomePanel]:
    panels = []
    for _order, _key, provider in _home_panel_providers:
        panel = provider(request)
        if panel is not None:
            panels.append(panel)
    return panels
