"""The home follow-up section of the patient record, and the adverse-event source used by the
pathway criteria."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.pathways.criteria import AdverseEventFact
from oncoparcours.patients.record import RecordSection

from .labels import term_label
from .models import AdverseEvent, Attribution
from .selectors import last_report_at, patient_open_alerts


def follow_up_section(access: Any, request: Any) -> RecordSection:
    patient = access.patient
    last = last_report_at(patient.pk)
    alerts = patient_open_alerts(patient.pk, among_latest=10)
    return RecordSection(
        title=_("Home follow-up"),
        template="monitoring/record_section.html",
        context={
            "patient": patient,
            "last_report": last,
            "days_since": (timezone.now() - last).days if last else None,
            "open_alerts": alerts,
        },
        order=5,
    )


def adverse_event_facts(patient: Any, since: dt.date, until: dt.date) -> list[AdverseEventFact]:
    events = AdverseEvent.objects.filter(
        patient=patient, superseded_by__isnull=True, onset__gte=since, onset__lte=until
    )
    return [
        AdverseEventFact(
            e.term,
            e.grade,
            e.attribution == Attribution.IMMUNE_RELATED,
            e.onset,
            label=term_label(e.term),
        )
        for e in events
    ]
