"""Labels and small visual helpers for pathway pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from ..models import ActivityStatus, InstanceStatus
from ..roles import role_label as _role_label

register = template.Library()

KIND_LABELS = {
    "consultation": _("Consultation"),
    "teleconsultation": _("Teleconsultation"),
    "treatment_administration": _("Treatment administration"),
    "nurse_home_visit": _("Nurse home visit"),
    "lab_test": _("Lab test"),
    "imaging": _("Imaging"),
    "education_workshop": _("Education workshop"),
    "rcp_review": _("Tumour board review"),
    "apheresis": _("Apheresis"),
    "phlebotomy": _("Phlebotomy"),
    "hospital_stay": _("Hospital stay"),
    "transport": _("Transport"),
    "document": _("Document"),
    "clinical_assessment": _("Clinical assessment"),
    "referral": _("Referral"),
    "pharmacy": _("Pharmacy"),
    "manufacturing": _("Manufacturing"),
    "procedure": _("Procedure"),
}
# A glyph for each place, always shown with its text label (never colour or icon alone).
PLACE_GLYPHS = {
    "expert": "★",
    "proximity": "◆",
    "efs": "✚",
    "home": "⌂",
    "remote": "☎",
    "external": "⇄",
}


@register.filter
def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@register.filter
def role_label(role: str) -> str:
    return _role_label(role) if role else ""


@register.filter
def place_glyph(place: str) -> str:
    return PLACE_GLYPHS.get(place, "•")


EVENT_LABELS = {
    "applied": _("pathway applied"),
    "activity": _("activity"),
    "redated": _("dates recomputed"),
    "assigned": _("assignment"),
    "phase": _("next phase"),
    "phase_override": _("next phase, criteria overridden"),
    "paused": _("paused"),
    "resumed": _("resumed"),
    "ended": _("ended"),
}


@register.filter
def activity_status_label(status: str) -> str:
    """An activity's status in words (the trail stores the code)."""
    return str(dict(ActivityStatus.choices).get(status, status)).lower()


@register.filter
def state_label(code: str, phases: Any) -> str:
    """A pathway event's state in words: a status of the pathway ("paused") or the title of a
    phase (its key is stored), else the stored value."""
    if code in InstanceStatus.values:
        return str(InstanceStatus(code).label).lower()
    titles = {phase.key: phase.title for phase in phases or ()}
    return str(titles.get(code, code))


@register.filter
def pause_reason_label(code: str) -> str:
    from ..forms import PauseForm

    return str(dict(PauseForm.base_fields["reason"].choices).get(code, code))  # type: ignore[attr-defined]


@register.filter
def event_label(kind: str) -> str:
    return str(EVENT_LABELS.get(kind, kind))
