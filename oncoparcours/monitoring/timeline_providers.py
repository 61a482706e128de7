"""Patient timeline entries from home follow-up: reports with an alert, confirmed adverse events."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from oncoparcours.patients.models import Patient
from oncoparcours.patients.timeline import TimelineEntry

from .labels import flag_label, term_label
from .models import AdverseEvent, Report


def reports_and_alerts(patient: Patient) -> Iterable[TimelineEntry]:
    for report in (
        Report.objects.filter(patient=patient).exclude(level="none").order_by("-submitted_at")[:20]
    ):
        flags = [flag_label(flag) for flag in report.result.get("flags", [])]
        detail = _("highest grade %(grade)s") % {"grade": report.max_grade}
        yield TimelineEntry(
            report.submitted_at,
            "report",
            _("Report: %(level)s alert") % {"level": report.get_level_display().lower()},
            " — ".join([detail, *flags]),
            report.get_absolute_url(),
        )
    for event in AdverseEvent.objects.filter(patient=patient, superseded_by__isnull=True)[:20]:
        yield TimelineEntry(
            event.onset,
            "adverse_event",
            _("Adverse event: %(term)s grade %(grade)s")
            % {"term": term_label(event.term), "grade": event.grade},
            event.get_attribution_display(),
        )
