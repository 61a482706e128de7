"""SMART App Launch v2 system scopes (``system/Patient.rs``): which interactions a token grants
(pure). Only the v2 syntax is accepted; ``r`` = read, ``s`` = search."""

from __future__ import annotations

import re

_SCOPE = re.compile(r"^system/(?P<type>\*|[A-Z][A-Za-z]+)\.(?P<perms>c?r?u?d?s?)$")
INTERACTION_LETTER = {"read": "r", "search": "s"}


def parse(scope: str) -> tuple[str, str] | None:
    """``system/Patient.rs`` → ("Patient", "rs"); anything else → None."""
    found = _SCOPE.match(scope)
    if not found or not found["perms"]:
        return None
    return found["type"], found["perms"]


def grants(scopes: list[str], resource_type: str, interaction: str) -> bool:
    letter = INTERACTION_LETTER[interaction]
    for scope in scopes:
        parsed = parse(scope)
        if parsed and parsed[0] in ("*", resource_type) and letter in parsed[1]:
            return True
    return False


def offered(resource_types: list[str]) -> list[str]:
    """The read-only scopes this server grants (it has no write interaction yet)."""
    return [f"system/{t}.{p}" for t in [*resource_types, "*"] for p in ("rs", "r", "s")]


def covered(scope: str, granted: list[str]) -> bool:
    """A requested scope is covered when each interaction it names is granted (a client granted
    ``system/Patient.rs`` may ask for ``system/Patient.r`` alone; ``system/*.rs`` covers all;
    ``system/*.r`` needs a ``system/*`` grant)."""
    parsed = parse(scope)
    if parsed is None:
        return False
    resource_type, perms = parsed
    grants_parsed = [found for found in map(parse, granted) if found]
    return all(
        any(kind in ("*", resource_type) and letter in allowed for kind, allowed in grants_parsed)
        and (
            resource_type != "*"
            or any(kind == "*" and letter in allowed for kind, allowed in grants_parsed)
        )
        for letter in perms
    )
