"""Checks of a template's parameters that depend on another app's data, registered by that app
in its ``AppConfig.ready()`` (pathways cannot import it).

Example: the CAR-T template keeps the stay near the qualified centre and the driving ban as
parameters, but their floor is the ordered product's label (``celltherapy/data/products.yaml``):
cell therapy registers a check that refuses a shorter period. A longer one is allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# resolved parameter values -> {parameter name: message for the user}
ParameterCheck = Callable[[Mapping[str, Any]], dict[str, str]]

_checks: dict[str, list[ParameterCheck]] = {}


def register_parameter_check(template_code: str, check: ParameterCheck) -> None:
    checks = _checks.setdefault(template_code, [])
    if check not in checks:
        checks.append(check)


def has_checks(template_code: str) -> bool:
    return bool(_checks.get(template_code))


def parameter_problems(template_code: str, values: Mapping[str, Any]) -> dict[str, str]:
    """Every registered check's refusals for these values, by parameter name."""
    problems: dict[str, str] = {}
    for check in _checks.get(template_code, ()):
        for name, message in check(values).items():
            problems.setdefault(name, message)
    return problems
