"""Patient timeline entries from pathways: applied, phase changes, pauses, ends."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from oncoparcours.core.url_templates import UrlTemplate
from oncoparcours.patients.models import Patient
from oncoparcours.patients.timeline import TimelineEntry

from .models import PathwayEvent, english_active, localised

TITLES = {
    "applied": _("Pathway started"),
    "phase": _("Next phase"),
    "phase_override": _("Next phase (criteria overridden)"),
    "paused": _("Pathway paused"),
    "resumed": _("Pathway resumed"),
    "ended": _("Pathway ended"),
}


def pathway_events(patient: Patient) -> Iterable[TimelineEntry]:
    # Plain values (issue 19): the events' instances, templates (with their whole definition)
    # and phases as model instances cost the record ~1 ms; the link from one ``UrlTemplate``.
    events = (
        PathwayEvent.objects.filter(instance__patient=patient, kind__in=TITLES)
        .order_by("-at")
        .values_list(
            "at",
            "kind",
            "reason",
            "instance_id",
            "instance__template__title_fr",
            "instance__template__title_en",
            "phase_id",
            "phase__title_fr",
            "phase__title_en",
        )[:40]
    )
    english = english_active()
    instance_url = UrlTemplate("pathways:instance", "patient_id", "instance_id")
    for at, kind, reason, instance_id, title_fr, title_en, phase_id, phase_fr, phase_en in events:
        detail = localised(title_fr, title_en, english)
        if kind in {"phase", "phase_override"} and phase_id is not None:
            detail += f" — {localised(phase_fr, phase_en, english)}"
        if reason:
            detail += f" — {reason}"
        yield TimelineEntry(
            at,
            "pathway",
            str(TITLES[kind]),
            detail,
            instance_url(patient_id=patient.pk, instance_id=instance_id),
        )
