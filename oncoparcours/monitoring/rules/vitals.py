"""Plausibility of measured vital signs (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def pressure_inverted(vitals: Mapping[str, Any]) -> bool:
    """Systolic pressure at or below diastolic: a typing error (values swapped or mistyped)."""
    systolic, diastolic = vitals.get("systolic_bp"), vitals.get("diastolic_bp")
    return systolic is not None and diastolic is not None and systolic <= diastolic
