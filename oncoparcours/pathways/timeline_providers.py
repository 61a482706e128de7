"""Patient timeline entries from pathways: applied, phase changes, pauses, ends."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from oncoparcours.patients.models import Patient
from oncoparcours.patients.timeline import TimelineEntry

from .models import PathwayEvent

TITLES = {
    "applied": _("Pathway started"),
    "phase": _("Next phase"),
    "phase_override": _("Next phase (criteria overridden)"),
    "paused": _("Pathway paused"),
    "resumed": _("Pathway resumed"),
    "ended": _("Pathway ended"),
}


def pathway_events(patient: Patient) -> Iterable[TimelineEntry]:
    events = (
        PathwayEvent.objects.filter(instance__patient=patient, kind__in=TITLES)
        .select_related("instance__template", "phase")
        .order_by("-at")[:40]
    )
    for event in events:
        detail = event.instance.template.title
        if event.kind in {"phase", "phase_override"} and event.phase:
            detail += f" — {event.phase.title}"
        if event.reason:
            detail += f" — {event.reason}"
        yield TimelineEntry(
            event.at, "pathway", str(TITLES[event.kind]), detail, event.instance.get_absolute_url()
        )
