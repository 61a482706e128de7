"""Registries that let higher apps add to the shell without core importing them.

* ``register_nav_item``: an entry of the main navigation.
* ``register_home_panel``: a panel of the home page ("what needs me this week"). A panel
  registered with a ``lazy_title`` is sent as a placeholder and loaded on its own request
  (htmx, ``core:home_panel``) right after the page, so the first paint does not wait for it and
  each panel's cost is measured alone (issue 19).
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
    key: str = ""
    lazy: bool = False  # a placeholder: the panel is loaded on its own request
    # The patients the panel names, for the audit event of a panel loaded on its own request.
    patient_ids: tuple[Any, ...] = ()


HomePanelProvider = Callable[[AuthenticatedHttpRequest], HomePanel | None]

_nav_items: dict[str, NavItem] = {}
_home_panel_providers: list[tuple[int, str, HomePanelProvider]] = []
_lazy_titles: dict[str, str | Promise] = {}
_home_panel_roles: dict[str, frozenset[str] | None] = {}


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
    key: str,
    provider: HomePanelProvider,
    *,
    order: int = 100,
    roles: Iterable[str] | None = None,
    lazy_title: str | Promise | None = None,
) -> None:
    allowed = frozenset(roles) if roles is not None else None
    _home_panel_roles[key] = allowed
    if lazy_title is not None:
        _lazy_titles[key] = lazy_title
    else:
        _lazy_titles.pop(key, None)

    def guarded(request: AuthenticatedHttpRequest) -> HomePanel | None:
        if allowed is not None and request.user.role not in allowed:
            return None
        return provider(request)

    _home_panel_providers[:] = [p for p in _home_panel_providers if p[1] != key]
    _home_panel_providers.append((order, key, guarded))
    _home_panel_providers.sort(key=lambda p: (p[0], p[1]))


def home_panels_for(request: AuthenticatedHttpRequest) -> list[HomePanel]:
    """The home's panels in order: the eager ones computed, the lazy ones as placeholders
    (only those the user's role may see)."""
    panels = []
    for order, key, provider in _home_panel_providers:
        if key in _lazy_titles:
            allowed = _home_panel_roles.get(key)
            if allowed is None or request.user.role in allowed:
                panels.append(HomePanel(_lazy_titles[key], "", order=order, key=key, lazy=True))
            continue
        panel = provider(request)
        if panel is not None:
            panels.append(panel)
    return panels


def lazy_home_panel_keys() -> list[str]:
    return [key for _order, key, _provider in _home_panel_providers if key in _lazy_titles]


def home_panel_for(request: AuthenticatedHttpRequest, key: str) -> HomePanel | None:
    """One lazy panel computed on its own request; None when it is unknown, not lazy, not for
    the user's role, or has nothing to show."""
    if key not in _lazy_titles:
        return None
    for _order, panel_key, provider in _home_panel_providers:
        if panel_key == key:
            return provider(request)
    return None


def home_panel_visible_to(key: str, role: str) -> bool:
    allowed = _home_panel_roles.get(key)
    return key in _lazy_titles and (allowed is None or role in allowed)
