from __future__ import annotations

from typing import Any

from django import template
from django.utils.dates import WEEKDAYS

from oncoparcours.directory.models import Specialty

from ..labels import COMPOSITION_LABELS, ROLE_LABELS
from ..models import Modality

register = template.Library()
_SPECIALTIES = dict(Specialty.choices)
_MODALITIES = dict(Modality.choices)


@register.filter
def specialty(code: str) -> str:
    return str(_SPECIALTIES.get(code, code))


@register.filter
def quorum_role(code: str) -> str:
    return str(ROLE_LABELS.get(code, code))


@register.filter
def composition_applies(code: str) -> str:
    return str(COMPOSITION_LABELS.get(code, code))


@register.filter
def not_eligible_roles(quorum: Any, attendance: Any) -> list[str]:
    """Recommended roles this attendee holds the specialty of but may not fill."""
    return list(getattr(quorum, "not_eligible", {}).get(str(attendance.professional_id), []))


@register.filter
def counted_for(quorum: Any, attendance: Any) -> str:
    """The specialty this attendee counts for in the quorum ("" when not counted)."""
    return str(quorum.counted.get(str(attendance.professional_id), ""))


@register.filter
def modality(code: str) -> str:
    return str(_MODALITIES.get(code, code))


@register.filter
def biomarker_result(biomarker: dict[str, str]) -> str:
    """The result worded for the kind of marker ("négatif" for PD-L1, "non muté" for EGFR)."""
    from oncoparcours.patients.rules.biomarker_wording import result_label

    return result_label(
        biomarker.get("marker", ""), biomarker.get("result", ""), biomarker.get("alteration", "")
    )


@register.filter
def weekday_name(number: int) -> str:
    return str(WEEKDAYS.get(number, ""))


@register.filter
def percent(value: Any) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.0f} %"


@register.filter
def lookup(mapping: dict, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def rules_version(version: object) -> str:
    """The composition rules' version without its file prefix ("rcp-compositions-2023-12.1" →
    "2023-12.1"): users read "Composition rules (version 2023-12.1)"."""
    return str(version or "").removeprefix("rcp-compositions-")


@register.filter
def in_zone(moment: Any, zone: object) -> Any:
    """``{{ session.starts_at|in_zone:board.time_zone }}``: the same instant on the board's clock
    (render it inside ``{% localtime off %}``)."""
    from zoneinfo import ZoneInfo

    if moment is None:
        return moment
    return moment.astimezone(ZoneInfo(str(zone or "Europe/Paris")))
